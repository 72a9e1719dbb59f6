import type { Loop } from "../../loops.js";
import { assignmentsInScope, type PythonFile } from "../../python.js";
import { querysetOf, type QuerysetInfo } from "../../querysets.js";
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

export function loopQueryset(py: PythonFile, loop: Loop): QuerysetInfo | undefined {
  if (!loop.iterable) return undefined;
  return querysetOf(py, loop.iterable, assignmentsInScope(py, loop.node));
}
