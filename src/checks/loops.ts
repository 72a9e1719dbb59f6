import type { SyntaxNode } from "@lezer/common";
import { assignmentsInScope, children, enclosingDef, type PythonFile } from "./python.js";

export interface Loop {
  node: SyntaxNode;
  /** The loop variable when it is a single name. */
  variable?: string;
  /** Every name the loop binds per iteration (`for key, value in ...` binds both). */
  targets: string[];
  iterable?: SyntaxNode;
  /** The nodes executed per iteration: a for-body, or a comprehension's element and conditions. */
  body: SyntaxNode[];
  async: boolean;
  line: number;
}

const COMPREHENSIONS = [
  "ArrayComprehensionExpression",
  "SetComprehensionExpression",
  "DictionaryComprehensionExpression",
  "ComprehensionExpression",
];

/** Every `for` statement and comprehension of the file. */
export function loopsOf(py: PythonFile): Loop[] {
  const loops: Loop[] = [];
  for (const node of py.nodes("ForStatement")) {
    const parts = children(node);
    const forAt = parts.findIndex((p) => p.name === "for");
    const inAt = parts.findIndex((p) => p.name === "in");
    const targets = parts.slice(forAt + 1, inAt);
    const body = node.getChild("Body");
    loops.push({
      node,
      ...(targets.length === 1 && targets[0]?.name === "VariableName" ? { variable: py.src(targets[0]) } : {}),
      targets: boundNames(py, targets),
      ...(parts[inAt + 1] ? { iterable: parts[inAt + 1] as SyntaxNode } : {}),
      body: body ? [body] : [],
      async: parts[0]?.name === "async",
      line: py.lineOf(node),
    });
  }
  for (const type of COMPREHENSIONS) {
    for (const node of py.nodes(type)) {
      const parts = children(node).filter((p) => !["[", "]", "{", "}", "(", ")"].includes(p.name));
      const forAt = parts.findIndex((p) => p.name === "for");
      const inAt = parts.findIndex((p, i) => i > forAt && p.name === "in");
      if (forAt < 0 || inAt < 0) continue;
      const targets = parts.slice(forAt + 1, inAt);
      loops.push({
        node,
        ...(targets.length === 1 && targets[0]?.name === "VariableName" ? { variable: py.src(targets[0]) } : {}),
        targets: boundNames(py, targets),
        ...(parts[inAt + 1] ? { iterable: parts[inAt + 1] as SyntaxNode } : {}),
        body: [...parts.slice(0, forAt), ...parts.slice(inAt + 2)],
        async: parts[forAt - 1]?.name === "async",
        line: py.lineOf(node),
      });
    }
  }
  return loops;
}

/** The names a loop target binds: `a`, `a, b`, `(a, (b, c))`. */
export function boundNames(py: PythonFile, targets: SyntaxNode[]): string[] {
  return targets.flatMap((t) =>
    t.name === "VariableName" ? [py.src(t)] : py.within(t, "VariableName").map((v) => py.src(v)),
  );
}

/** Whether `node` runs once per iteration of some loop (inside a for/while body or comprehension element). */
export function insideLoop(py: PythonFile, node: SyntaxNode, loops: Loop[]): Loop | undefined {
  let best: Loop | undefined;
  for (const loop of loops) {
    if (!loop.body.some((b) => b.from <= node.from && node.to <= b.to)) continue;
    if (!best || loop.node.from > best.node.from) best = loop;
  }
  if (best) return best;
  for (const w of py.nodes("WhileStatement")) {
    const body = w.getChild("Body");
    if (body && body.from <= node.from && node.to <= body.to)
      return { node: w, targets: [], body: [body], async: false, line: py.lineOf(w) };
  }
  return undefined;
}

const loopCache = new WeakMap<PythonFile, Loop[]>();

/** `loopsOf`, computed once per parsed file. */
export function loopsIn(py: PythonFile): Loop[] {
  let loops = loopCache.get(py);
  if (!loops) {
    loops = loopsOf(py);
    loopCache.set(py, loops);
  }
  return loops;
}

const LITERAL_COLLECTIONS = new Set(["TupleExpression", "ArrayExpression", "SetExpression", "DictionaryExpression"]);

/**
 * Whether the loop's length is fixed by the code rather than by data: a literal collection (written in the
 * loop or held in a variable the function never fills), a module constant (`CMS_PERMISSION_ACTIONS`),
 * `range(3)`. A query per iteration there is a handful of queries, not N+1.
 */
export function isBoundedByCode(py: PythonFile, loop: Loop): boolean {
  const iterable = loop.iterable;
  if (!iterable) return false;
  if (LITERAL_COLLECTIONS.has(iterable.name)) return true;
  const text = py.src(iterable).replace(/\.(items|keys|values)\(\)$/, "");
  if (/^([A-Za-z_][\w]*\.)*[A-Z][A-Z0-9_]+$/.test(text)) return true;
  if (/^[A-Za-z_]\w*$/.test(text)) {
    // `modes = {"filter": ..., "exclude": ...}` then `for mode, f in modes.items()`: as fixed as the literal.
    // Not a list the function fills (`rows = []` then `rows.append(...)`): only a non-empty literal left as written.
    const values = assignmentsInScope(py, iterable).get(text) ?? [];
    const def = enclosingDef(iterable);
    const filled = new RegExp(
      `\\b${text}\\s*(\\.(append|extend|add|update|insert|setdefault)\\(|\\[[^\\n]{0,200}\\]\\s*=(?!=))`,
    );
    if (
      values.length > 0 &&
      values.every((v) => LITERAL_COLLECTIONS.has(v.name) && v.from < iterable.from && children(v).length > 2) &&
      !filled.test(def ? py.src(def) : py.text)
    )
      return true;
  }
  return /^range\(\s*\d+\s*\)$/.test(text) || readsBoundedElement(py, loop, text);
}

/**
 * `for name, config in settings.PROVIDERS.items(): for app in config.get("APPS", []):` — a key, index or
 * dict view of what a code-bounded loop yields is configuration too. Only plain lookups: a call on the
 * element (`model.objects.all()`) reads data.
 */
function readsBoundedElement(py: PythonFile, loop: Loop, text: string): boolean {
  const root = /^([A-Za-z_]\w*)((\[[^\]\n]*\]|\.get\([^()\n]*\)|\.(items|keys|values)\(\))+)?$/.exec(text)?.[1];
  if (!root) return false;
  return loopsIn(py).some(
    (outer) =>
      outer !== loop &&
      outer.targets.includes(root) &&
      outer.body.some((b) => b.from <= loop.node.from && loop.node.to <= b.to) &&
      isBoundedByCode(py, outer),
  );
}

/** Whether the loop body always leaves after its first iteration (its last statement returns, breaks or raises). */
export function runsOnce(loop: Loop): boolean {
  const body = loop.body[0];
  if (body?.name !== "Body") return false;
  const statements = children(body).filter((c) => !/^[:{}]$|Comment|newline|indent|dedent/i.test(c.name));
  const last = statements.at(-1);
  return last !== undefined && /^(ReturnStatement|BreakStatement|RaiseStatement)$/.test(last.name);
}
