import type { SyntaxNode } from "@lezer/common";
import { assignmentsInScope, type PythonFile } from "../../python.js";
import type { SourceFile } from "../../source.js";

export const isPython = (f: SourceFile) => f.kind === "python";

export const isTemplate = (f: SourceFile) => f.kind === "template";

/** Whether `node` is request data: read from `request` directly, or a variable assigned from it. */
export function fromRequest(py: PythonFile, node: SyntaxNode): boolean {
  if (REQUEST_DATA.test(py.src(node))) return true;
  if (node.name !== "VariableName") return false;
  return (assignmentsInScope(py, node).get(py.src(node)) ?? []).some((v) => REQUEST_DATA.test(py.src(v)));
}

export const REQUEST_DATA = /\brequest\.(body|data|POST|GET|FILES|COOKIES|query_params|headers|META|read\(\))|\brequest\.\w+\[/;
