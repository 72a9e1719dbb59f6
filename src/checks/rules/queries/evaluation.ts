import type { SyntaxNode } from "@lezer/common";
import { loopsIn } from "../../loops.js";
import { ancestors, assignmentsInScope, callParts, children, enclosingDef, type PythonFile } from "../../python.js";
import { chainLinks, querysetOf, unlessForeignSet } from "../../querysets.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

/**
 * Whether a queryset variable's rows are read again in its function after `node` — iterated, indexed (`qs[0]`), or
 * listed — so len()/bool() fetched rows that are used, and count()/exists() would be one query more. Passing the
 * queryset on does not count: the callee may well query it again (`qs.annotate(...)`), leaving the rows unused.
 */
function isIteratedLater(py: PythonFile, node: SyntaxNode): boolean {
  if (node.name !== "VariableName") return false;
  const name = py.src(node);
  const def = enclosingDef(node);
  if (!def) return false;
  const values = assignmentsInScope(py, node).get(name) ?? [];
  const indexedLater = py.within(def, "VariableName").some((v) => {
    if (v.from <= node.to || py.src(v) !== name) return false;
    // `recipes = list(recipes[:n])` in between: what is indexed after it is another value — unless the
    // reassignment sits in a branch the read is outside of (`if len(qs) > 1: qs = qs.filter(...)`).
    if (values.some((value) => value.from > node.to && value.from < v.from && replacedOnEveryPath(value, v)))
      return false;
    // `qs[0]`: the subscript of an evaluated queryset reads its cache; `qs.filter()` is a new query.
    const parent = v.parent;
    return (
      parent?.name === "MemberExpression" &&
      parent.from === v.from &&
      py.src(parent).slice(name.length).trimStart().startsWith("[")
    );
  });
  const renderedLater = py
    .within(def, "VariableName")
    .some((v) => v.from > node.to && py.src(v) === name && handedToTemplate(py, v));
  return (
    indexedLater ||
    renderedLater ||
    loopsIn(py).some(
      (l) => l.iterable && walksName(py, l.iterable, name) && def.from <= l.node.from && l.node.to <= def.to,
    ) ||
    py.within(def, "CallExpression").some((c) => {
      const parts = callParts(py, c);
      return (
        parts !== undefined &&
        ["list", "tuple", "sorted", "set"].includes(parts.name) &&
        parts.positional[0] !== undefined &&
        py.src(parts.positional[0]) === name
      );
    })
  );
}

/** Builtins whose iteration walks the rows of what they are given: `enumerate(qs)`, `zip(qs, scores)`. */
const WALKS_ROWS_OF = /^(enumerate|zip|reversed|iter)$/;

/** Whether a loop over `iterable` reads every row `name` holds: `for r in rows`, `for i, r in enumerate(rows)`. */
function walksName(py: PythonFile, iterable: SyntaxNode, name: string): boolean {
  if (py.src(iterable) === name) return true;
  if (iterable.name !== "CallExpression") return false;
  const parts = callParts(py, iterable);
  return (
    parts !== undefined &&
    !parts.receiver &&
    WALKS_ROWS_OF.test(parts.name) &&
    parts.positional.some((arg) => py.src(arg) === name)
  );
}

/** A call that renders a template with the context it is given. */
const RENDERS = /^(render|render_to_string|TemplateResponse|render_to_response)$/;

/**
 * `render_to_string("answers.html", {"answers": answers})`, `context["rows"] = rows`: a context value a template
 * renders, and a template loops over the rows the queryset already holds. (Passing a queryset to any other call
 * does not count: the callee may query it afresh, `qs.order_by(...)`, leaving the fetched rows unused.)
 */
function handedToTemplate(py: PythonFile, use: SyntaxNode): boolean {
  const parent = use.parent;
  if (parent?.name === "DictionaryExpression") {
    if (use.prevSibling?.name !== ":") return false;
    const call = parent.parent?.name === "ArgList" ? parent.parent.parent : undefined;
    return call?.name === "CallExpression" && RENDERS.test(callParts(py, call)?.name ?? "");
  }
  if (parent?.name !== "AssignStatement" || children(parent).at(-1)?.from !== use.from) return false;
  return /^\s*(context|ctx)\s*\[/.test(py.src(parent));
}

/** Whether an assignment reaches `use` on every path: not in a block (an `if` branch, a loop) `use` is outside. */
function replacedOnEveryPath(value: SyntaxNode, use: SyntaxNode): boolean {
  for (const a of ancestors(value)) if (a.name === "Body") return a.from <= use.from && use.to <= a.to;
  return true;
}

export const lenOfQueryset: Rule = {
  id: "DJ104",
  title: "`len()` of a queryset that is not otherwise used",
  severity: "minor",
  category: "queries",
  persona: "architect",
  explanation:
    "`len(qs)` fetches every row into memory only to count them. Use `qs.count()` (a `SELECT COUNT(*)`) unless the " +
    "rows are iterated anyway.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      const arg = parts?.positional[0];
      if (parts?.name !== "len" || parts.receiver || !arg) continue;
      const qs = unlessForeignSet(querysetOf(py, arg, assignmentsInScope(py, call)), project);
      if (!qs || qs.sliced || isIteratedLater(py, arg)) continue;
      hits.push({
        line: py.lineOf(call),
        causeLines: qs.lines,
        message: `${code(`len(${py.src(arg)})`)} loads every row to count them; use \`.count()\`.`,
      });
    }
    return hits;
  },
};

function conditionNodes(py: PythonFile): SyntaxNode[] {
  const tests: SyntaxNode[] = [];
  for (const type of ["IfStatement", "WhileStatement"]) {
    for (const statement of py.nodes(type)) {
      for (const part of children(statement)) {
        if (part.name === "if" || part.name === "elif" || part.name === "while") {
          const test = part.nextSibling;
          if (test) tests.push(test);
        }
      }
    }
  }
  for (const expr of py.nodes("ConditionalExpression")) {
    const parts = children(expr);
    const ifAt = parts.findIndex((p) => p.name === "if");
    if (parts[ifAt + 1]) tests.push(parts[ifAt + 1] as SyntaxNode);
  }
  // expand `a and b`, `a or b`, `not a`
  const expanded: SyntaxNode[] = [];
  const visit = (node: SyntaxNode) => {
    const parts = children(node);
    if (node.name === "BinaryExpression" && parts.some((p) => p.name === "and" || p.name === "or")) {
      for (const p of parts) if (p.name !== "and" && p.name !== "or") visit(p);
    } else if (node.name === "UnaryExpression" && parts[0]?.name === "not" && parts[1]) visit(parts[1]);
    else if (node.name === "ParenthesizedExpression" && parts[1]) visit(parts[1]);
    else expanded.push(node);
  };
  tests.forEach(visit);
  return expanded;
}

export const querysetTruthiness: Rule = {
  id: "DJ105",
  title: "Queryset used as a boolean",
  severity: "minor",
  category: "queries",
  persona: "architect",
  explanation:
    "`if qs:` evaluates the whole queryset, fetching every row, just to see if there is one. Use `qs.exists()` (a " +
    "`LIMIT 1` query) unless the rows are used right after.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const test of conditionNodes(py)) {
      const qs = unlessForeignSet(querysetOf(py, test, assignmentsInScope(py, test)), project);
      if (!qs || isIteratedLater(py, test)) continue;
      // `self.choice_set` where a model declares `choice_set` as a ForeignKey: one row, not a reverse manager.
      const last = py.src(test).split(".").pop() ?? "";
      if (/_set$/.test(last) && project.relationNames.has(last)) continue;
      hits.push({
        line: py.lineOf(test),
        causeLines: qs.lines,
        message: `${code(`${py.src(test)}`)} as a condition fetches every row; use \`.exists()\`.`,
      });
    }
    return hits;
  },
};

export const countForExistence: Rule = {
  id: "DJ106",
  title: "`count()` used to test for existence",
  severity: "minor",
  category: "queries",
  persona: "architect",
  explanation:
    "Counting every matching row to compare with zero is slower than asking for one: use `.exists()` (or `not " +
    "....exists()`).",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const isCount = (node: SyntaxNode | undefined) => {
      if (node?.name !== "CallExpression") return false;
      const links = chainLinks(py, node);
      // `select_for_update().count()` locks every row it counts (its point); `exists()` would lock one
      if (links.some((l) => l.name === "select_for_update")) return false;
      return links.at(-1)?.name === "count" && (callParts(py, node)?.positional.length ?? 1) === 0 && links.length > 2;
    };
    for (const expr of py.nodes("BinaryExpression")) {
      const parts = children(expr);
      const op = parts.find((p) => p.name === "CompareOp");
      if (!op || parts.length !== 3) continue;
      const [left, , right] = parts as [SyntaxNode, SyntaxNode, SyntaxNode];
      const comparison = `${py.src(op)} ${py.src(right)}`.replace(/\s+/g, " ");
      const reversed = `${py.src(left)} ${py.src(op)}`.replace(/\s+/g, " ");
      if (
        (isCount(left) && /^(> 0|>= 1|!= 0|== 0|< 1|<= 0)$/.test(comparison)) ||
        (isCount(right) && /^(0 <|1 <=|0 !=|0 ==)$/.test(reversed))
      ) {
        hits.push({
          line: py.lineOf(expr),
          message: `${code(`${py.src(expr)}`)} counts all rows to test for one; use \`.exists()\`.`,
        });
      }
    }
    for (const test of conditionNodes(py)) {
      if (isCount(test))
        hits.push({
          line: py.lineOf(test),
          message: `${code(`if ${py.src(test)}:`)} counts all rows to test for one; use \`.exists()\`.`,
        });
    }
    return hits;
  },
};
