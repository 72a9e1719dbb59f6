import type { SyntaxNode } from "@lezer/common";
import { assignmentsInScope, callParts, children, type PythonFile } from "../../python.js";
import type { SourceFile } from "../../source.js";

export const isPython = (f: SourceFile) => f.kind === "python";

export const isTemplate = (f: SourceFile) => f.kind === "template";

/** Whether `node` is request data: read from `request` directly, or a variable assigned from it. */
export function fromRequest(py: PythonFile, node: SyntaxNode): boolean {
  if (REQUEST_DATA.test(py.src(node))) return true;
  if (node.name !== "VariableName") return false;
  return (assignmentsInScope(py, node).get(py.src(node)) ?? []).some((v) => REQUEST_DATA.test(py.src(v)));
}

export const REQUEST_DATA =
  /\brequest\.(body|data|POST|GET|FILES|COOKIES|query_params|headers|META|read\(\))|\brequest\.\w+\[/;

/**
 * Calls that hand their text on unchanged (or merely joined, formatted, cut): their result carries request data if an
 * input does.
 */
const PASS_THROUGH =
  /^(str|format|join|strip|lstrip|rstrip|upper|lower|title|capitalize|replace|get|getlist|pop|decode)$/;

/**
 * Whether text from the request reaches `node`: read from `request` there, or through variables
 * assigned before it in the same function, f-strings, `+`/`%` formatting and string methods. Any other
 * call (a lookup, `escape()`, `int()`) ends the trail: it may clean the value, so it is not assumed to.
 */
export function carriesRequestData(py: PythonFile, node: SyntaxNode, depth = 0): boolean {
  if (depth > 6) return false;
  switch (node.name) {
    case "MemberExpression":
    case "SubscriptExpression":
      return REQUEST_DATA.test(py.src(node));
    case "VariableName": {
      const values = assignmentsInScope(py, node).get(py.src(node)) ?? [];
      return values.some((v) => v.from < node.from && carriesRequestData(py, v, depth + 1));
    }
    case "FormatString":
      return py
        .within(node, "FormatReplacement")
        .some((r) =>
          children(r).some(
            (c) => !/^[{}:]$|^Format(Conversion|Spec)$/.test(c.name) && carriesRequestData(py, c, depth + 1),
          ),
        );
    case "BinaryExpression":
    case "ParenthesizedExpression":
    case "ConditionalExpression":
    case "TupleExpression":
    case "ArrayExpression":
      return children(node).some((c) => carriesRequestData(py, c, depth + 1));
    case "CallExpression": {
      const parts = callParts(py, node);
      if (!parts || !PASS_THROUGH.test(parts.name)) return false;
      // `request.GET.get("q")`, `data.get("q")`: a lookup in request data, not `Order.objects.get(pk=...)`.
      if (parts.name === "get" || parts.name === "getlist" || parts.name === "pop")
        return parts.receiver !== undefined && carriesRequestData(py, parts.receiver, depth + 1);
      return [parts.receiver, ...parts.positional].some((a) => a !== undefined && carriesRequestData(py, a, depth + 1));
    }
    default:
      return false;
  }
}
