import type { SyntaxNode } from "@lezer/common";
import {
  assignmentsInScope,
  type CallParts,
  callParts,
  children,
  enclosingDef,
  type PythonFile,
} from "../../python.js";
import { isTrusted } from "../../trusted.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

const SQL_NAME = /sql|query|stmt|statement/i;

/** How a string was built from data: an f-string, `%`, `.format()` or `+` with a non-literal. */
export function formattedString(py: PythonFile, node: SyntaxNode): string | undefined {
  if (node.name === "FormatString") return py.src(node).includes("{") ? "an f-string" : undefined;
  if (node.name === "BinaryExpression") {
    const parts = children(node);
    const op = parts.find((p) => p.name === "ArithOp");
    const [left, , right] = parts;
    if (!op || !left || !right) return undefined;
    const opText = py.src(op);
    // `"... IN (%s)" % ", ".join(["%s"] * len(ids))` only builds placeholders: the values stay parameters.
    const sqlNamed = left.name === "VariableName" && SQL_NAME.test(py.src(left));
    if (opText === "%" && (left.name === "String" || left.name === "FormatString" || sqlNamed))
      return /["']%s["']/.test(py.src(right)) ? undefined : "`%` formatting";
    if (
      opText === "+" &&
      (left.name !== "String" || right.name !== "String") &&
      (left.name === "String" || right.name === "String" || formattedString(py, left) || formattedString(py, right))
    ) {
      return "string concatenation";
    }
    return undefined;
  }
  if (node.name === "CallExpression") {
    const parts = callParts(py, node);
    const receiver = parts?.receiver;
    if (
      parts?.name === "format" &&
      receiver &&
      (receiver.name === "String" ||
        receiver.name === "FormatString" ||
        (receiver.name === "VariableName" && SQL_NAME.test(py.src(receiver))))
    )
      return "`.format()`";
  }
  return undefined;
}

/** The formatting of `node`, following one assignment of a variable in the same function. */
function formattedVia(py: PythonFile, node: SyntaxNode): string | undefined {
  const scope = assignmentsInScope(py, node);
  const direct = formattedString(py, node);
  if (direct) return buildsOnlyPlaceholders(py, node, scope) || quotesIdentifiersOnly(py, node) ? undefined : direct;
  if (node.name !== "VariableName") return undefined;
  for (const value of scope.get(py.src(node)) ?? []) {
    const how = formattedString(py, value);
    if (how && value.from < node.from && !buildsOnlyPlaceholders(py, value, scope)) return how;
  }
  return undefined;
}

/**
 * An f-string whose every field sits inside SQL's identifier quotes (`f'DROP INDEX "{name}"'`): it names an index,
 * a table or a column, which no query parameter can carry, so the advice to pass values as parameters does not
 * apply (onadata 2fd59bfc49 builds its index names so in a migration).
 */
function quotesIdentifiersOnly(py: PythonFile, node: SyntaxNode): boolean {
  const literals = node.name === "FormatString" ? [node] : py.within(node, "FormatString");
  if (literals.length === 0) return false;
  return literals.every((literal) => {
    const body = py
      .src(literal)
      .replace(/^[rRbBfFuU]*('''|"""|'|")/, "")
      .replace(/('''|"""|'|")$/, "");
    const FIELD = /\{[^{}]*\}/;
    // Fields left once every double-quoted span holding fields is taken out sit among the SQL's values.
    return FIELD.test(body) && !FIELD.test(body.replace(/"[^"{}]*(?:\{[^{}]*\}[^"{}]*)+"/g, ""));
  });
}

/** `sql % placeholders` where `placeholders` is built from `"%s"` literals: the values stay parameters. */
function buildsOnlyPlaceholders(py: PythonFile, node: SyntaxNode, assignments: Map<string, SyntaxNode[]>): boolean {
  if (node.name !== "BinaryExpression") return false;
  const right = node.lastChild;
  if (right?.name !== "VariableName") return false;
  const values = assignments.get(py.src(right)) ?? [];
  return values.length > 0 && values.every((v) => /["']%s["']/.test(py.src(v)));
}

/**
 * A fragment built together with its parameters and passed with them: `where, params = build_where(filters)`
 * (or Django's `sql, params = qs.query.sql_with_params()`) then `execute("..." + where, params)`. The builder
 * returns placeholders; the values travel as parameters.
 */
function parameterisedFragment(py: PythonFile, call: CallParts): (name: SyntaxNode) => boolean {
  const passed = call.positional[1] ?? call.keywords.get("params");
  const parameters = new Set(
    passed
      ? [passed, ...py.within(passed, "VariableName")].filter((n) => n.name === "VariableName").map((n) => py.src(n))
      : [],
  );
  return (name) => {
    const def = enclosingDef(name);
    if (parameters.size === 0 || !def) return false;
    const text = py.src(name);
    // Tuple targets (`where, params = ...`) are not plain assignments: read the function's statements.
    const assigned = py
      .within(def, "AssignStatement")
      .map((statement) => {
        const parts = children(statement);
        return parts
          .slice(
            0,
            parts.findIndex((c) => c.name === "AssignOp"),
          )
          .filter((c) => c.name === "VariableName");
      })
      .map((targets) => targets.map((t) => py.src(t)))
      .filter((targets) => targets.includes(text));
    return assigned.length > 0 && assigned.every((targets) => targets.some((t) => t !== text && parameters.has(t)));
  };
}

const RAW_SQL_CALLS = new Set(["execute", "executemany", "raw", "RawSQL", "extra"]);

export const rawSqlFormatting: Rule = {
  id: "DJ401",
  title: "Raw SQL built by string formatting (SQL injection)",
  severity: "critical",
  category: "security",
  tags: ["sql-injection"],
  persona: "architect",
  explanation:
    "Values formatted into SQL text are not escaped: a crafted value changes the query. Pass them as parameters: " +
    '`cursor.execute("... WHERE id = %s", [value])`, `Model.objects.raw(sql, [value])`, `RawSQL(sql, ' +
    "(value,))`, or use the ORM.",
  appliesTo: (f) => isPython(f) && /\b(execute|executemany|raw|RawSQL|extra|RunSQL)\s*\(/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !RAW_SQL_CALLS.has(parts.name)) continue;
      if ((parts.name === "raw" || parts.name === "execute" || parts.name === "executemany") && !parts.receiver)
        continue;
      const candidates =
        parts.name === "extra"
          ? [...parts.keywords.values()].flatMap((v) =>
              v.name === "ArrayExpression" || v.name === "DictionaryExpression" ? children(v) : [v],
            )
          : [parts.positional[0] ?? parts.keywords.get("sql")].filter((n): n is SyntaxNode => n !== undefined);
      for (const candidate of candidates) {
        const how = formattedVia(py, candidate);
        if (!how || isTrusted(py, candidate, 0, parameterisedFragment(py, parts))) continue;
        hits.push({
          line: py.lineOf(call),
          message: `SQL for ${code(`${parts.name}()`)} is built with ${how}: pass values as query parameters instead.`,
        });
        break;
      }
    }
    return hits;
  },
};
