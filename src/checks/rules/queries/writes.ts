import type { SyntaxNode } from "@lezer/common";
import { insideLoop, type Loop, loopsIn } from "../../loops.js";
import { enclosingDef, type PythonFile } from "../../python.js";
import { chainLinks } from "../../querysets.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython, loopQueryset, walksRows } from "./shared.js";
import { SUPPLIED_VALUES } from "../../conditions.js";
import { code } from "../../../comments/markdown.js";

const WRITE_METHODS = new Set(["save", "delete"]);

/** Whether the loop body calls other methods on its row (`row.snapshot()`): hooks that bulk_update() would skip. */
function rowHasOtherCalls(py: PythonFile, loop: Loop, write: SyntaxNode): boolean {
  const body = loop.body[0];
  if (!body || !loop.variable) return false;
  return py.within(body, "CallExpression").some((c) => {
    if (c.from === write.from && c.to === write.to) return false;
    const links = chainLinks(py, c);
    return links[0]?.name === loop.variable && links.length === 2;
  });
}

/**
 * Whether a created row is kept and used further in the loop (children created from it): rows that depend on each
 * other.
 */
function resultUsedLater(py: PythonFile, call: SyntaxNode, loop: Loop): boolean {
  const statement = call.parent;
  if (statement?.name !== "AssignStatement") return false;
  const target = statement.firstChild;
  const body = loop.body[0];
  if (target?.name !== "VariableName" || !body) return false;
  const name = py.src(target);
  return py.within(body, "VariableName").some((v) => v.from > statement.to && py.src(v) === name);
}

/**
 * A comment just above the loop that says why rows are written one by one (`# a queryset-level update bypasses
 * save() and signals`): the author weighed the bulk form and chose this; a reviewer reads the reason. Up to two
 * code lines (a counter set up) may sit between the comment block and the loop.
 */
function explainedAbove(lines: readonly string[], loopLine: number): boolean {
  let seenComment = false;
  let code = 0;
  for (let at = loopLine - 1; at >= Math.max(1, loopLine - 8); at--) {
    const text = lines[at - 1] ?? "";
    if (/^\s*#/.test(text)) {
      seenComment = true;
      if (EXPLAINS_ROW_WRITES.test(text)) return true;
    } else if (/\S/.test(text) && (seenComment || ++code > 2)) return false;
  }
  return false;
}

/**
 * The docstring of the function holding the loop says the same (openwisp-users 187ed1acf0: "Each user is saved
 * individually ... so post-save hooks still fire").
 */
function explainedInDocstring(py: PythonFile, loop: SyntaxNode): boolean {
  const body = enclosingDef(loop)?.getChild("Body");
  const first = body?.firstChild?.nextSibling; // after the `:`
  const literal = first?.name === "ExpressionStatement" ? first.firstChild : undefined;
  return literal?.name === "String" && EXPLAINS_ROW_WRITES.test(py.src(literal));
}

const EXPLAINS_ROW_WRITES = new RegExp(
  String.raw`\b(bulk_update|bulk_create|queryset[- ]level|individually|one by one|one at a time|signals?` +
    String.raw`|post[- _]save)\b|\.update\(`,
  "i",
);

export const writesInLoop: Rule = {
  id: "DJ110",
  title: "Row-by-row writes in a loop",
  severity: "minor",
  category: "queries",
  tags: ["bulk"],
  persona: "architect",
  explanation:
    "One `save()`/`create()` per row is one round-trip (and one transaction) per row. Use `bulk_create()`, " +
    "`bulk_update(objs, fields)` or a single `queryset.update(...)`.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const loops = loopsIn(py).filter((l) => l.node.name === "ForStatement");
    // bulk_create()/bulk_update() send no save signals: where receivers observe the model, saving row by row
    // may be what keeps the project's change log or caches right.
    const observed = (model: string | undefined) =>
      project.saveReceivers.all || (model !== undefined && project.saveReceivers.senders.has(model));
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const loop = insideLoop(py, call, loops);
      if (loop?.node.name !== "ForStatement") continue;
      const links = chainLinks(py, call);
      const last = links.at(-1);
      if (!last?.call) continue;
      const overQueryset = loopQueryset(py, loop) !== undefined;
      const onRow =
        overQueryset &&
        loop.variable !== undefined &&
        links[0]?.name === loop.variable &&
        WRITE_METHODS.has(last.name) &&
        links.length <= 3 &&
        !rowHasOtherCalls(py, loop, call);
      // `Model.objects.create()` exactly: a custom manager chain (`.with_user(u).create()`) carries side effects
      // bulk_create skips
      const create =
        last.name === "create" &&
        links.length === 3 &&
        links[1]?.name === "objects" &&
        !resultUsedLater(py, call, loop);
      if (!onRow && !create) continue;
      if (create ? observed(links[0]?.name) : last.name === "save" && observed(loopQueryset(py, loop)?.model)) continue;
      if (explainedAbove(file.lines, loop.line) || explainedInDocstring(py, loop.node)) continue;
      hits.push({
        line: py.lineOf(call),
        // A row created per supplied value (an uploaded line, a typed name) is as many as the input is long.
        ...(create && !walksRows(py, loop, project) ? { condition: SUPPLIED_VALUES.hint } : {}),
        message: create
          ? "`objects.create()` in a loop: collect instances and `bulk_create()` them."
          : last.name === "delete"
            ? `${code(`${links.map((l) => l.name).join(".")}()`)} per row: \`queryset.delete()\` deletes them ` +
              "in one go (it still sends the delete signals and cascades, but skips an overridden " +
              "`Model.delete()`)."
            : `${code(`${links.map((l) => l.name).join(".")}()`)} per row: use \`bulk_update()\` or ` +
              `\`queryset.update()\`.`,
      });
    }
    return hits;
  },
};
