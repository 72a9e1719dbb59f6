import type { Loop } from "../../loops.js";
import type { SyntaxNode } from "@lezer/common";
import { assignmentsInScope, callParts, conditionalBranches, type PythonFile } from "../../python.js";
import type { ProjectIndex } from "../../project.js";
import { chainLinks, eagerLoading, querysetOf, type QuerysetInfo, unlessForeignSet } from "../../querysets.js";
import type { SourceFile } from "../../source.js";
import { inBackground } from "../../background.js";
import { SUPPLIED_VALUES } from "../../conditions.js";

export const isPython = (f: SourceFile) => f.kind === "python" && !f.isMigration;

export const MANAGER_CALLS = new Set([
  "all",
  "count",
  "filter",
  "exclude",
  "exists",
  "first",
  "last",
  "get",
  "order_by",
  "values",
  "values_list",
  "aggregate",
  "annotate",
]);

/** Calls that keep a related manager a queryset of its rows. */
const QUERYSET_CALLS = new Set(["all", "filter", "exclude", "order_by", "select_related", "prefetch_related"]);

/**
 * The queryset a loop walks, when there is evidence it is one; with the project index, also a reverse manager
 * the project names with `related_name` (`unit.conversions.all()` walks the model that declares `conversions`).
 */
export function loopQueryset(py: PythonFile, loop: Loop, project?: ProjectIndex): QuerysetInfo | undefined {
  return loop.iterable ? querysetAt(py, loop.iterable, loop.node, project) : undefined;
}

function querysetAt(
  py: PythonFile,
  node: SyntaxNode,
  scope: SyntaxNode,
  project?: ProjectIndex,
): QuerysetInfo | undefined {
  const found = querysetOf(py, node, assignmentsInScope(py, scope));
  if (found) return project ? unlessForeignSet(found, project) : found;
  if (!project) return undefined;
  // `<row>.<related_name>` followed only by queryset calls: `unit.conversions.select_related("space").all()`.
  const links = chainLinks(py, node);
  const at = links.findIndex((l, i) => i > 0 && !l.call && project.reverseManagers.has(l.name));
  const rest = links.slice(at + 1);
  if (at < 0 || rest.length === 0 || !rest.every((l) => l.call && QUERYSET_CALLS.has(l.name))) return undefined;
  const model = project.reverseManagers.get(links[at]?.name as string);
  if (!model) return undefined;
  return { model, ...eagerLoading(py, rest), sliced: false, lines: [py.lineOf(node)] };
}

/** Builtins that hand on the rows of what they are given: `list(qs)`, `sorted(qs, key=...)`, `enumerate(qs)`. */
const ROW_WRAPPERS = /^(list|tuple|set|sorted|reversed|enumerate)$/;

/** Row methods that only a model instance has: reading one of these says the name holds a row. */
const ROW_ATTRIBUTES = /^(pk|_meta|save|delete|refresh_from_db|full_clean)$/;

/**
 * Whether the loop walks rows of a table, which grow with the data: a queryset (held in a variable, wrapped in
 * `list()`/`sorted()`, chosen by `a if c else b`), a related manager, or items the body treats as rows (reads
 * `.pk`, saves them, passes them as a relation's value: `Payment.objects.filter(order=order)`). A loop over
 * ids, typed names, parsed records or generated values is as long as its input instead (conditions.ts
 * SUPPLIED_VALUES).
 */
export function walksRows(py: PythonFile, loop: Loop, project: ProjectIndex): boolean {
  return (
    (loop.iterable !== undefined && holdsRows(py, loop.iterable, loop.node, project, 0)) ||
    bodyTreatsAsRows(py, loop, project)
  );
}

function holdsRows(py: PythonFile, node: SyntaxNode, scope: SyntaxNode, project: ProjectIndex, depth: number): boolean {
  if (querysetAt(py, node, scope, project) || isRelatedAll(py, node) || isTableValues(py, node)) return true;
  if (depth >= 3) return false;
  const branches = conditionalBranches(node);
  if (branches) return branches.some((b) => holdsRows(py, b, scope, project, depth + 1));
  if (node.name === "CallExpression") {
    const parts = callParts(py, node);
    const first = parts?.positional[0];
    return !parts?.receiver && ROW_WRAPPERS.test(parts?.name ?? "") && first !== undefined
      ? holdsRows(py, first, scope, project, depth + 1)
      : false;
  }
  if (node.name !== "VariableName") return false;
  const values = assignmentsInScope(py, scope).get(py.src(node)) ?? [];
  return values.some((v) => v.from < node.from && holdsRows(py, v, scope, project, depth + 1));
}

/** `doc.kinds.all()` -> `kinds` and its `all()` call: `.all()` on an attribute, a related manager's rows. */
export function allOfManager(py: PythonFile, node: SyntaxNode): { manager: string; call: SyntaxNode } | undefined {
  const links = chainLinks(py, node);
  const last = links.at(-1);
  const manager = links.at(-2);
  return links.length >= 3 && last?.name === "all" && last.call && manager && !manager.call
    ? { manager: manager.name, call: last.call }
    : undefined;
}

/**
 * `doc.kinds.all()`: `.all()` on an attribute is a related manager's rows, even of a relation the project index
 * does not name (a third-party model, a name it cannot resolve).
 */
function isRelatedAll(py: PythonFile, node: SyntaxNode): boolean {
  const all = allOfManager(py, node);
  return all !== undefined && callParts(py, all.call)?.positional.length === 0;
}

/** `Story.objects.filter(...).values_list("ref", flat=True)`: one value per row of the table. */
function isTableValues(py: PythonFile, node: SyntaxNode): boolean {
  const links = chainLinks(py, node);
  const last = links.at(-1);
  return (
    links.findIndex((l) => l.name === "objects") > 0 && last?.call !== undefined && /^values(_list)?$/.test(last.name)
  );
}

function bodyTreatsAsRows(py: PythonFile, loop: Loop, project: ProjectIndex): boolean {
  if (loop.targets.length === 0) return false;
  const targets = new Set(loop.targets);
  return loop.body.some((part) =>
    [part, ...py.within(part, "MemberExpression"), ...py.within(part, "CallExpression")].some((node) => {
      if (node.name === "MemberExpression") {
        const [root, attribute, ...rest] = py.src(node).split(".");
        return rest.length === 0 && targets.has(root?.trim() ?? "") && ROW_ATTRIBUTES.test(attribute?.trim() ?? "");
      }
      if (node.name !== "CallExpression") return false;
      const links = chainLinks(py, node);
      const objectsAt = links.findIndex((l) => l.name === "objects");
      const model = project.model(objectsAt > 0 ? links[objectsAt - 1]?.name : undefined);
      if (!model) return false;
      return links.some((link) =>
        [...(link.call ? (callParts(py, link.call)?.keywords ?? []) : [])].some(([key, value]) => {
          const field = model.fields.get(key.split("__")[0] ?? "");
          return targets.has(py.src(value)) && field !== undefined && (field.forward || field.manyToMany);
        }),
      );
    }),
  );
}

/**
 * The condition a query-per-iteration finding holds under, if any: background code weighs throughput, not a
 * user's wait (background.ts); a loop over supplied values is as long as its input (SUPPLIED_VALUES).
 */
export function perIterationCondition(
  file: SourceFile,
  project: ProjectIndex,
  node: SyntaxNode,
  loop: Loop,
): { condition?: string } {
  const background = inBackground(file, project, node);
  if (background.condition) return background;
  return walksRows(file.python, loop, project) ? {} : { condition: SUPPLIED_VALUES.hint };
}
