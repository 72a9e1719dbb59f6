import type { SyntaxNode } from "@lezer/common";
import { loopsIn } from "./loops.js";
import type { ProjectIndex } from "./project.js";
import { ancestors, assignmentsInScope, callParts, children, enclosingDef, type PythonFile } from "./python.js";
import { chainLinks, querysetOf } from "./querysets.js";

/** Calls that return one row of the model they are called on. */
const ROW_METHODS = /^(get|first|last|latest|earliest|create|aget|afirst|alast|acreate)$/;
/** Shortcuts whose first argument names the model of the row they return. */
const ROW_SHORTCUTS = /^(a?get_object_or_404)$/;

/**
 * The known model a name holds at `node`, from evidence in the code: `self` in a model's method, a
 * parameter annotated with a model, a loop over a model's queryset, or an assignment from
 * `Model.objects.get()/first()/create()`, `get_object_or_404(Model, ...)` or `Model(...)`. Undefined
 * without such evidence: `self.x` in a test case or a view, or an untyped parameter, is not taken for
 * a model instance.
 */
export function instanceModel(py: PythonFile, name: SyntaxNode, project: ProjectIndex): string | undefined {
  if (name.name !== "VariableName") return undefined;
  const text = py.src(name);
  if (text === "self") return selfModel(py, name, project);
  const fromAnnotation = annotatedModel(py, name, text, project);
  if (fromAnnotation) return fromAnnotation;
  for (const loop of loopsIn(py)) {
    if (loop.variable !== text || !loop.iterable || !loop.body.some((b) => b.from <= name.from && name.to <= b.to))
      continue;
    const model = querysetOf(py, loop.iterable, assignmentsInScope(py, loop.node))?.model;
    if (model && project.models.has(model)) return model;
  }
  const assigned = assignmentsInScope(py, name).get(text) ?? [];
  for (const value of assigned) {
    const model = rowModel(py, value);
    if (model && project.models.has(model)) return model;
  }
  // A parameter named after a known model (`order` for `Order`, `line_item` for `LineItem`) holds one.
  const named = text
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
  return assigned.length === 0 && isParameter(py, name, text) && project.models.has(named) ? named : undefined;
}

/** The model of the row an expression returns, when the expression says it. */
export function rowModel(py: PythonFile, value: SyntaxNode): string | undefined {
  if (value.name !== "CallExpression" && value.name !== "AwaitExpression") return undefined;
  const call = value.name === "AwaitExpression" ? children(value).find((c) => c.name === "CallExpression") : value;
  if (!call) return undefined;
  const links = chainLinks(py, call);
  const last = links.at(-1);
  if (!last?.call) return undefined;
  if (links.length === 1) {
    const parts = callParts(py, call);
    const first = parts?.positional[0];
    if (ROW_SHORTCUTS.test(last.name) && first) return py.src(first).split(".").pop();
    return /^[A-Z]/.test(last.name) ? last.name : undefined; // Model(...)
  }
  if (!ROW_METHODS.test(last.name)) return undefined;
  return querysetOf(py, links.length > 1 ? (links.at(-2)?.node as SyntaxNode) : call, assignmentsInScope(py, call))
    ?.model;
}

function selfModel(py: PythonFile, node: SyntaxNode, project: ProjectIndex): string | undefined {
  for (const a of ancestors(node)) {
    if (a.name !== "ClassDefinition") continue;
    const name = py.src(a.getChild("VariableName") ?? a);
    return project.models.has(name) ? name : undefined;
  }
  return undefined;
}

function isParameter(py: PythonFile, node: SyntaxNode, name: string): boolean {
  const params = enclosingDef(node)?.getChild("ParamList");
  return params !== undefined && params !== null && new RegExp(`(^|[(,\\s])${name}\\s*[,:=)]`).test(py.src(params));
}

function annotatedModel(py: PythonFile, node: SyntaxNode, name: string, project: ProjectIndex): string | undefined {
  const def = enclosingDef(node);
  const params = def?.getChild("ParamList");
  if (!params) return undefined;
  const m = new RegExp(`\\b${name}\\s*:\\s*(?:"|')?(?:[\\w.]+\\.)?([A-Z]\\w*)`).exec(py.src(params));
  return m?.[1] && project.models.has(m[1]) ? m[1] : undefined;
}
