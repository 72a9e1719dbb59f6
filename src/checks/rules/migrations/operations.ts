import type { SyntaxNode } from "@lezer/common";
import { ancestors, callParts, type CallParts, type PythonFile } from "../../python.js";
import type { SourceFile } from "../../source.js";

/**
 * A migration whose operations are this change's to review. A squashed migration (`replaces = [...]`) copies
 * operations the migrations it replaces already ran: databases that ran those never run it, and a fresh one runs
 * it on empty tables, so its locks, defaults and reverses are history. (DJ309 still reads it: a model import
 * there breaks fresh installs the day the model changes.)
 */
export const isMigration = (f: SourceFile) => f.isMigration && !/^\s*replaces\s*=\s*\[/m.test(f.text);
export const isAnyMigration = (f: SourceFile) => f.isMigration;

export interface Operation {
  name: string;
  call: SyntaxNode;
  parts: CallParts;
  line: number;
}

export function operations(py: PythonFile, names: string[]): Operation[] {
  const ops: Operation[] = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (!parts || !names.includes(parts.name)) continue;
    const callee = py.src(parts.callee);
    if (
      callee !== parts.name &&
      !/^(migrations|operations|django\.db\.migrations)\./.test(callee) &&
      !/Concurrently$/.test(parts.name)
    )
      continue;
    ops.push({ name: parts.name, call, parts, line: py.lineOf(call) });
  }
  return ops;
}

/** Models created by this migration: operations on them cannot lock or break an existing table. */
export function createdModels(py: PythonFile): Set<string> {
  const names = new Set<string>();
  for (const op of operations(py, ["CreateModel"])) {
    const name = op.parts.keywords.get("name") ?? op.parts.positional[0];
    if (name) names.add(stringValue(py, name).toLowerCase());
  }
  return names;
}

export function stringValue(py: PythonFile, node: SyntaxNode): string {
  return py.src(node).replace(/^[rbuRBU]*['"]+|['"]+$/g, "");
}

export function modelNameOf(py: PythonFile, op: Operation): string {
  const node = op.parts.keywords.get("model_name") ?? op.parts.positional[0];
  return node ? stringValue(py, node).toLowerCase() : "";
}

export function fieldCall(py: PythonFile, op: Operation): CallParts | undefined {
  const node = op.parts.keywords.get("field") ?? op.parts.positional[2];
  return node?.name === "CallExpression" ? callParts(py, node) : undefined;
}

export function isInStateOperations(py: PythonFile, node: SyntaxNode): boolean {
  for (const a of ancestors(node)) {
    if (a.name !== "CallExpression") continue;
    const parts = callParts(py, a);
    if (parts?.name !== "SeparateDatabaseAndState") continue;
    const state = parts.keywords.get("state_operations");
    return state !== undefined && state.from <= node.from && node.to <= state.to;
  }
  return false;
}

/**
 * Operations that run no SQL against an existing table: on a model this migration creates, inside a
 * `SeparateDatabaseAndState`'s state_operations, or on a model Django does not manage (`managed = False` in the
 * project's models), whose migrations only record its state.
 */
export function touchesNoExistingTable(
  py: PythonFile,
  project: { unmanagedModels: ReadonlySet<string> },
): (op: Operation) => boolean {
  const created = createdModels(py);
  return (op) => {
    const model = modelNameOf(py, op);
    return created.has(model) || project.unmanagedModels.has(model) || isInStateOperations(py, op.call);
  };
}

/** A hit on a whole operation: a change anywhere in it (a deleted keyword argument too) counts. */
export function span(py: PythonFile, op: Operation): { line: number; endLine: number } {
  return { line: op.line, endLine: py.line(Math.max(op.call.from, op.call.to - 1)) };
}
