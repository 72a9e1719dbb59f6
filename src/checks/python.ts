import type { SyntaxNode, Tree } from "@lezer/common";
import { parser } from "@lezer/python";

/**
 * A parsed Python file (Lezer's error-tolerant parser) with the lookups the rules share: nodes by
 * type from one walk, line numbers, and small syntax helpers.
 */
export class PythonFile {
  readonly tree: Tree;
  private readonly lineStarts: number[];
  private readonly byType = new Map<string, SyntaxNode[]>();
  private readonly memos = new Map<string, unknown>();

  constructor(readonly text: string) {
    this.tree = parser.parse(text);
    this.lineStarts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
    this.tree.iterate({
      enter: (ref) => {
        const list = this.byType.get(ref.name);
        if (list) list.push(ref.node);
        else this.byType.set(ref.name, [ref.node]);
      },
    });
  }

  /** A value computed once per node and purpose (rules ask the same questions of the same calls). */
  memo<T>(purpose: string, node: SyntaxNode, compute: () => T): T {
    const key = `${purpose}:${node.name}:${node.from}:${node.to}`;
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** All nodes of a type, in source order. */
  nodes(type: string): SyntaxNode[] {
    return this.byType.get(type) ?? [];
  }

  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** 1-based line of a position. */
  line(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Position where a 1-based line starts. */
  lineStartOf(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))] as number;
  }

  lineOf(node: SyntaxNode): number {
    return this.line(node.from);
  }

  /** Lines a node spans, first to last. */
  linesOf(node: SyntaxNode): number[] {
    const first = this.line(node.from);
    const last = this.line(Math.max(node.from, node.to - 1));
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }

  /** Descendants of `node` of the given types (not the node itself). */
  within(node: SyntaxNode, ...types: string[]): SyntaxNode[] {
    const found: SyntaxNode[] = [];
    const cursor = node.cursor();
    if (!cursor.firstChild()) return found;
    const stopAt = node.to;
    do {
      if (types.includes(cursor.name)) found.push(cursor.node);
    } while (cursor.next() && cursor.from < stopAt);
    return found.filter((n) => n.from >= node.from && n.to <= node.to && n !== node);
  }
}

export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

export function* ancestors(node: SyntaxNode): Generator<SyntaxNode> {
  for (let parent = node.parent; parent; parent = parent.parent) yield parent;
}

/** The innermost `def` around a node, or undefined at module or class level. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (const a of ancestors(node)) if (a.name === "FunctionDefinition" || a.name === "LambdaExpression") return a;
  return undefined;
}

/** The innermost named `def` (skipping lambdas). */
export function enclosingDef(node: SyntaxNode): SyntaxNode | undefined {
  for (const a of ancestors(node)) if (a.name === "FunctionDefinition") return a;
  return undefined;
}

export function isAsyncDef(def: SyntaxNode | undefined): boolean {
  return def?.name === "FunctionDefinition" && def.firstChild?.name === "async";
}

/** `a if test else b` -> the nodes of `a` and `b` (what it evaluates to; the test only chooses), else undefined. */
export function conditionalBranches(node: SyntaxNode): SyntaxNode[] | undefined {
  if (node.name !== "ConditionalExpression") return undefined;
  const parts = children(node);
  const ifAt = parts.findIndex((c) => c.name === "if");
  const elseAt = parts.findIndex((c) => c.name === "else");
  return ifAt >= 0 && elseAt > ifAt ? [...parts.slice(0, ifAt), ...parts.slice(elseAt + 1)] : undefined;
}

/** The `def`s directly in a block (a class body, a module), decorated ones included. */
export function defsIn(block: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!block) return [];
  return [
    ...block.getChildren("FunctionDefinition"),
    ...block.getChildren("DecoratedStatement").flatMap((d) => d.getChildren("FunctionDefinition")),
  ];
}

/** A class's inner `class Meta:` (a model's, a serializer's, a form's options). */
export function metaOf(file: PythonFile, cls: SyntaxNode): SyntaxNode | undefined {
  return cls
    .getChild("Body")
    ?.getChildren("ClassDefinition")
    .find((c) => file.src(c.getChild("VariableName") ?? c) === "Meta");
}

/** Decorator texts of a def or class, without the `@`. */
export function decoratorsOf(file: PythonFile, def: SyntaxNode): string[] {
  const parent = def.parent;
  if (parent?.name !== "DecoratedStatement") return [];
  return parent.getChildren("Decorator").map((d) => file.src(d).replace(/^@\s*/, "").trim());
}

/** `class X(A, b.B, C[Model]):` -> ["A", "b.B", "C"] (a typed base's subscript, as the DRF stubs write it, dropped) */
export function classBases(file: PythonFile, cls: SyntaxNode): string[] {
  const args = cls.getChild("ArgList");
  if (!args) return [];
  return children(args)
    .filter((c) => !["(", ")", ","].includes(c.name))
    .map((c) => file.src(c).replace(/\[[\s\S]*\]$/, ""));
}

/**
 * Whether a module's text imports `name` from package `pkg` or one of its submodules on one line
 * (`from celery import shared_task, Task`, `from pydantic.main import BaseModel`).
 */
export function importsFrom(text: string, pkg: string, name: string): boolean {
  return new RegExp(`^[ \\t]*from[ \\t]+${pkg}(?:\\.\\w+)*[ \\t]+import[ \\t][^\\n]*\\b${name}\\b`, "m").test(text);
}

const FROM_IMPORT = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]{0,4000}\)|[^\n]*)/gm;

/** The `from <module> import <clause>` statements of a module's text, a parenthesised clause over lines included. */
export function fromImports(text: string): Array<{ module: string; clause: string }> {
  return [...text.matchAll(FROM_IMPORT)].map((m) => ({ module: m[1] as string, clause: m[2] as string }));
}

/**
 * The path (without `.py`) of the module a `from` in the file at `path` names, when it is relative: `.x` in
 * `a/b/c.py` is `a/b/x`, `..x` is `a/x`, `.` is `a/b`. Undefined for an absolute module.
 */
export function relativeModulePath(path: string, module: string): string | undefined {
  const dots = /^\.*/.exec(module)?.[0].length ?? 0;
  if (dots === 0) return undefined;
  const dirs = path.split("/").slice(0, -1);
  const base = dirs.slice(0, dirs.length - (dots - 1)).join("/");
  return [base, module.slice(dots).replace(/\./g, "/")].filter(Boolean).join("/");
}

/** The names a `from module import <clause>` binds: `(a as b, c)` -> b, c. */
export function importedNames(clause: string): string[] {
  return clause
    .replace(/[()]/g, "")
    .split(",")
    .map(
      (n) =>
        n
          .trim()
          .split(/\s+as\s+/)
          .pop() ?? "",
    )
    .filter((n) => n !== "");
}

export interface CallParts {
  callee: SyntaxNode;
  /** The method or function name: `filter` for `qs.filter(...)`, `len` for `len(x)`. */
  name: string;
  /** For `a.b(...)`, the node of `a`. */
  receiver?: SyntaxNode;
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  hasStarArgs: boolean;
}

export function callParts(file: PythonFile, call: SyntaxNode): CallParts | undefined {
  return file.memo("callParts", call, () => computeCallParts(file, call));
}

function computeCallParts(file: PythonFile, call: SyntaxNode): CallParts | undefined {
  const callee = call.firstChild;
  const argList = call.getChild("ArgList");
  if (!callee || !argList) return undefined;
  let name = "";
  let receiver: SyntaxNode | undefined;
  if (callee.name === "VariableName") name = file.src(callee);
  else if (callee.name === "MemberExpression") {
    const last = callee.lastChild;
    if (last?.name === "PropertyName") {
      name = file.src(last);
      receiver = callee.firstChild ?? undefined;
    }
  }
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  let hasStarArgs = false;
  const parts = children(argList).filter((c) => !["(", ")", ","].includes(c.name));
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as SyntaxNode;
    const next = parts[i + 1];
    if (part.name === "VariableName" && next?.name === "AssignOp") {
      const value = parts[i + 2];
      if (value) keywords.set(file.src(part), value);
      i += 2;
    } else if (part.name === "*" || part.name === "**") {
      hasStarArgs = true;
      i += 1;
    } else positional.push(part);
  }
  return { callee, name, ...(receiver ? { receiver } : {}), positional, keywords, hasStarArgs };
}

/** The expression's parent ignoring parentheses. */
export function effectiveParent(node: SyntaxNode): SyntaxNode | null {
  let parent = node.parent;
  while (parent?.name === "ParenthesizedExpression") parent = parent.parent;
  return parent;
}

export function isAwaited(node: SyntaxNode): boolean {
  return effectiveParent(node)?.name === "AwaitExpression";
}

/** True for a plain string literal (no f-string, no formatting). */
export function isPlainString(file: PythonFile, node: SyntaxNode): boolean {
  if (node.name !== "String") return false;
  return !/^[rRbBuU]*[fF]/.test(file.src(node));
}

/** Module- or class-level `NAME = value` statements: [name, value node, statement]. */
export function simpleAssignments(
  file: PythonFile,
  scope: SyntaxNode,
): Array<{ name: string; value: SyntaxNode; statement: SyntaxNode }> {
  const body = scope.name === "Script" ? scope : scope.getChild("Body");
  if (!body) return [];
  const found: Array<{ name: string; value: SyntaxNode; statement: SyntaxNode }> = [];
  for (const statement of children(body)) {
    if (statement.name !== "AssignStatement") continue;
    const parts = children(statement);
    const target = parts[0];
    const op = parts.findIndex((p) => p.name === "AssignOp");
    const value = op >= 0 ? parts[op + 1] : undefined;
    if (target?.name === "VariableName" && value && op === 1) found.push({ name: file.src(target), value, statement });
    else if (target?.name === "VariableName" && value && parts[1]?.name === "TypeDef")
      found.push({ name: file.src(target), value, statement });
  }
  return found;
}

/**
 * Assignments to plain names anywhere inside a function: name -> value nodes in source order. `x += value` counts
 * as an assignment of `value` too: `html = ""` then `html += f"<b>{name}</b>"` builds html from `name`.
 */
export function functionAssignments(file: PythonFile, def: SyntaxNode): Map<string, SyntaxNode[]> {
  const map = new Map<string, SyntaxNode[]>();
  for (const statement of file.within(def, "AssignStatement", "UpdateStatement")) {
    if (enclosingDef(statement) !== def) continue;
    const parts = children(statement);
    const target = parts[0];
    const opIndex = parts.findIndex((p) => p.name === "AssignOp" || (p.name === "UpdateOp" && file.src(p) === "+="));
    const value = opIndex >= 0 ? parts[parts.length - 1] : undefined;
    if (target?.name !== "VariableName" || !value || opIndex !== 1) continue;
    const name = file.src(target);
    map.set(name, [...(map.get(name) ?? []), value]);
  }
  return map;
}

/** The plain-name assignments visible where `node` is: its function's, computed once per function. */
export function assignmentsInScope(file: PythonFile, node: SyntaxNode): Map<string, SyntaxNode[]> {
  const def = enclosingDef(node);
  if (!def) return new Map();
  return file.memo("assignments", def, () => functionAssignments(file, def));
}
