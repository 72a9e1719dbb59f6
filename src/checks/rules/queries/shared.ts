import type { Loop } from "../../loops.js";
import { assignmentsInScope, type PythonFile } from "../../python.js";
import type { ProjectIndex } from "../../project.js";
import { chainLinks, eagerLoading, querysetOf, type QuerysetInfo } from "../../querysets.js";
import type { SourceFile } from "../../source.js";

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
  if (!loop.iterable) return undefined;
  const found = querysetOf(py, loop.iterable, assignmentsInScope(py, loop.node));
  if (found || !project) return found;
  // `<row>.<related_name>` followed only by queryset calls: `unit.conversions.select_related("space").all()`.
  const links = chainLinks(py, loop.iterable);
  const at = links.findIndex((l, i) => i > 0 && !l.call && project.reverseManagers.has(l.name));
  const rest = links.slice(at + 1);
  if (at < 0 || rest.length === 0 || !rest.every((l) => l.call && QUERYSET_CALLS.has(l.name))) return undefined;
  const model = project.reverseManagers.get(links[at]?.name as string);
  if (!model) return undefined;
  return { model, ...eagerLoading(py, rest), sliced: false, lines: [py.lineOf(loop.iterable)] };
}
