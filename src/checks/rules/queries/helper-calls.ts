import { type QueryingFunction, queryingFunctions } from "../../model-queries.js";
import { insideLoop, isBoundedByCode, type Loop, runsOnce } from "../../loops.js";
import type { ProjectIndex } from "../../project.js";
import { enclosingDef, type PythonFile } from "../../python.js";
import type { SourceFile } from "../../source.js";
import type { RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";
import { perIterationCondition } from "./shared.js";

/**
 * What a call of `name` in this file queries, if `name` is a project function that queries: defined in this file,
 * or imported by name from a module the checks read. A name neither defined here nor imported by name is not
 * taken for another module's function of the same name.
 */
export function projectQueryOf(
  file: SourceFile,
  project: ProjectIndex,
): (name: string) => QueryingFunction | undefined {
  let own: Map<string, QueryingFunction> | undefined;
  return (name) => {
    if (!project.queryingFunctions.has(name)) return undefined;
    if (new RegExp(`^(async\\s+)?def\\s+${name}\\s*\\(`, "m").test(file.text)) {
      own ??= queryingFunctions(file.python);
      return own.get(name);
    }
    const imported = new RegExp(
      `^[ \\t]*from[ \\t]+[\\w.]+[ \\t]+import[ \\t]+(\\([^)]{0,4000}|[^\\n]*)\\b${name}\\b`,
      "m",
    );
    return imported.test(file.text) ? project.queryingFunctions.get(name) : undefined;
  };
}

/**
 * Calls, inside a loop, of a project function that runs a query (a helper, an object-permission check): the
 * function defined in this file, or imported by name from a module the checks read (see projectQueryOf).
 */
export function helperQueriesInLoops(file: SourceFile, project: ProjectIndex, loops: Loop[]): RuleHit[] {
  const py = file.python;
  const queryOf = projectQueryOf(file, project);
  const hits: RuleHit[] = [];
  for (const call of py.nodes("CallExpression")) {
    const callee = call.firstChild;
    if (callee?.name !== "VariableName") continue;
    const name = py.src(callee);
    if (!project.queryingFunctions.has(name)) continue;
    const loop = insideLoop(py, call, loops);
    if (!loop || isBoundedByCode(py, loop) || runsOnce(loop)) continue;
    const helper = queryOf(name);
    if (!helper || suppliesSkip(py, loop, helper)) continue;
    const line = py.lineOf(call);
    hits.push({
      line,
      // The deleted line in its place made the same call, as a method or a function (`user.can_translate(...)`
      // respelled `can_translate(user, ...)`): the query per iteration is not the change's.
      restated: file.deletedInPlaceOf(line, (text) => new RegExp(`\\b${name}\\s*\\(`).test(text)),
      message:
        `${code(`${name}()`)} runs a query (${helper.query}) once per iteration of the loop at line ${loop.line}; ` +
        "resolve what it needs for every row in one query before the loop.",
      ...perIterationCondition(file, project, call, loop),
    });
  }
  return hits;
}

/**
 * Whether the code around the loop supplies an attribute the helper tests before it queries: a
 * `Prefetch(..., to_attr="name")`, an `.annotate(name=...)`, a `row.name = ...` in the same function (Pontoon's
 * `fxa_avatar_url` reads `_prefetched_fxa_accounts` when the view prefetched it).
 */
function suppliesSkip(py: PythonFile, loop: Loop, helper: QueryingFunction): boolean {
  if (helper.skippedWith.length === 0) return false;
  const around = py.src(enclosingDef(loop.node) ?? py.tree.topNode);
  return helper.skippedWith.some((name) => new RegExp(`(["'])${name}\\1|\\b${name}\\s*=(?!=)`).test(around));
}
