import type { SyntaxNode } from "@lezer/common";
import { assignmentsInScope, callParts, children, enclosingDef, type PythonFile } from "./python.js";

/**
 * Everything a plain name is given in its function, for judging what it can hold: its assignments (and `+=`), and
 * what is added to it as a list (`tags.append(x)`, `tags.insert(0, x)`, `tags.extend(xs)`). `tags = []` then
 * `tags.append(s.title)` holds the titles, not an empty list; an `extend` of a bare generator is given as its
 * argument list, which `isTrusted` reads as the generator it holds.
 */
export function builtValues(py: PythonFile, node: SyntaxNode): SyntaxNode[] {
  return [...(assignmentsInScope(py, node).get(py.src(node)) ?? []), ...listAdditions(py, node)];
}

/** What is appended, inserted or extended into the list `node` names, anywhere in its function. */
export function listAdditions(py: PythonFile, node: SyntaxNode): SyntaxNode[] {
  return additionsByList(py, node).get(py.src(node)) ?? [];
}

/** Whether `node` names a parameter of the function it is used in: a value from the caller. */
export function isParameter(py: PythonFile, node: SyntaxNode): boolean {
  const def = enclosingDef(node);
  return def !== undefined && parameterNames(py, def).has(py.src(node));
}

/** The names a `def` takes (`self`, `*args` and `**kwargs` included; not a default's value or an annotation). */
export function parameterNames(py: PythonFile, def: SyntaxNode): Set<string> {
  return py.memo("parameters", def, () => {
    const parts = children(def.getChild("ParamList") ?? def).filter((c) => c.name !== "TypeDef");
    return new Set(
      parts.filter((p, i) => p.name === "VariableName" && parts[i - 1]?.name !== "AssignOp").map((p) => py.src(p)),
    );
  });
}

const ADDERS = /^(append|insert|extend)$/;

function additionsByList(py: PythonFile, node: SyntaxNode): Map<string, SyntaxNode[]> {
  const def = enclosingDef(node);
  if (!def) return new Map();
  return py.memo("listAdditions", def, () => {
    const map = new Map<string, SyntaxNode[]>();
    for (const call of py.within(def, "CallExpression")) {
      if (enclosingDef(call) !== def) continue;
      const parts = callParts(py, call);
      if (parts?.receiver?.name !== "VariableName" || !ADDERS.test(parts.name)) continue;
      const args = call.getChild("ArgList");
      // `xs.extend(f(x) for x in ys)`: the parser leaves a bare generator's parts in the argument list
      const added = parts.name === "extend" && args?.getChild("for") ? args : parts.positional.at(-1);
      if (!added) continue;
      const list = py.src(parts.receiver);
      map.set(list, [...(map.get(list) ?? []), added]);
    }
    return map;
  });
}
