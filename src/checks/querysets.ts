import type { SyntaxNode } from "@lezer/common";
import { callParts, children, type PythonFile } from "./python.js";
import type { ModelInfo, ProjectIndex } from "./project.js";

/** One link of an attribute/call chain, root first: `Order.objects.filter(a=1)` -> Order, objects, filter(...) */
export interface ChainLink {
  name: string;
  call?: SyntaxNode;
  node: SyntaxNode;
}

export function chainLinks(py: PythonFile, node: SyntaxNode): ChainLink[] {
  // Callers get their own copy: the computation below extends the arrays it gets back.
  const links = [...py.memo("chainLinks", node, () => computeChainLinks(py, node))];
  // The memo is keyed by position, and the parser hands out a new node object for the same node on each walk:
  // the last link is the caller's own node, so `last.call === call` holds whoever computed the chain first.
  const last = links.at(-1);
  if (last && last.node !== node && last.node.from === node.from && last.node.to === node.to)
    links[links.length - 1] = { ...last, node, ...(last.call ? { call: node } : {}) };
  return links;
}

function computeChainLinks(py: PythonFile, node: SyntaxNode): ChainLink[] {
  if (node.name === "ParenthesizedExpression") {
    const inner = children(node).find((c) => c.name !== "(" && c.name !== ")");
    return inner ? chainLinks(py, inner) : [];
  }
  if (node.name === "CallExpression") {
    const callee = node.firstChild;
    if (!callee) return [];
    const links = chainLinks(py, callee);
    const last = links.at(-1);
    if (last) links[links.length - 1] = { ...last, call: node, node };
    return links;
  }
  if (node.name === "MemberExpression") {
    const first = node.firstChild;
    const last = node.lastChild;
    if (!first || !last) return [];
    const links = chainLinks(py, first);
    if (last.name === "PropertyName") links.push({ name: py.src(last), node });
    else links.push({ name: "[]", node });
    return links;
  }
  return [{ name: py.src(node), node }];
}

const QUERYSET_METHODS = new Set([
  "filter",
  "exclude",
  "all",
  "select_related",
  "prefetch_related",
  "order_by",
  "annotate",
  "distinct",
  "only",
  "defer",
  "get_queryset",
  "none",
  "using",
  "alias",
  "select_for_update",
  "reverse",
  "iterator",
]);

/** Names that conventionally hold a queryset (`qs`, `queryset`, `active_qs`...), e.g. function parameters. */
const QUERYSET_NAME = /^(qs|queryset|\w+_qs|\w+_queryset)$/;

/** Methods that run the query (or a query per call) instead of returning a queryset. */
export const EVALUATING_METHODS = new Set([
  "get",
  "first",
  "last",
  "count",
  "exists",
  "aggregate",
  "latest",
  "earliest",
  "in_bulk",
  "create",
  "get_or_create",
  "update_or_create",
  "update",
  "delete",
  "bulk_create",
  "bulk_update",
  "contains",
  "explain",
]);

export interface QuerysetInfo {
  model?: string;
  /** Relations named in select_related / prefetch_related anywhere in its construction. */
  eager: Set<string>;
  /** select_related() / prefetch_related() without arguments, or with non-literal ones. */
  eagerAll: boolean;
  sliced: boolean;
  /** Lines where the queryset was built (the expression itself or the variable's assignments). */
  lines: number[];
  /**
   * The `<name>_set` attributes that are the only evidence of a manager (no `.objects`, no `get_queryset`):
   * `node.selection_set` is a GraphQL AST's list unless a model is named `selection`. Absent when other
   * evidence holds.
   */
  setNames?: string[];
}

/**
 * `qs` unless its only evidence is a `<name>_set` attribute that no known model's default reverse accessor
 * has (`selection_set` with no model `Selection`).
 */
export function unlessForeignSet(
  qs: QuerysetInfo | undefined,
  project: { mayBeReverseAccessor(name: string): boolean },
): QuerysetInfo | undefined {
  if (!qs?.setNames?.length) return qs;
  return qs.setNames.some((name) => project.mayBeReverseAccessor(name)) ? qs : undefined;
}

/**
 * Describes `node` if it is a queryset expression: a chain through `.objects` / `<rel>_set` /
 * queryset methods, or a variable assigned such a chain in `assignments`.
 */
export function querysetOf(
  py: PythonFile,
  node: SyntaxNode,
  assignments?: Map<string, SyntaxNode[]>,
  depth = 0,
): QuerysetInfo | undefined {
  if (node.name === "VariableName" && assignments && depth < 3) {
    const values = assignments.get(py.src(node)) ?? [];
    if (values.length === 0 && QUERYSET_NAME.test(py.src(node)))
      return { eager: new Set(), eagerAll: false, sliced: false, lines: [py.lineOf(node)] };
    const infos = values.flatMap((v) => {
      const info = querysetOf(py, v, assignments, depth + 1);
      return info ? [info] : [];
    });
    if (infos.length === 0) return undefined;
    const setOnly = infos.every((i) => i.setNames?.length);
    return {
      model: infos.find((i) => i.model)?.model,
      eager: new Set(infos.flatMap((i) => [...i.eager])),
      eagerAll: infos.some((i) => i.eagerAll),
      sliced: infos.some((i) => i.sliced),
      lines: infos.flatMap((i) => i.lines),
      ...(setOnly ? { setNames: infos.flatMap((i) => i.setNames ?? []) } : {}),
    } as QuerysetInfo;
  }
  const links = chainLinks(py, node);
  if (links.length < 2) return undefined;
  const names = links.map((l) => l.name);
  const last = links.at(-1) as ChainLink;
  const objectsAt = names.indexOf("objects");
  const viaManager = objectsAt > 0 || names.some((n) => /_set$/.test(n) || n === "get_queryset" || n === "queryset");
  const viaMethods = links.some((l, i) => i > 0 && l.call && QUERYSET_METHODS.has(l.name));
  if (!viaManager && !viaMethods) return undefined;
  // `.filter()` alone is no evidence: search-engine DSLs, pandas and API clients have one too. The
  // chain's root must be known to be a queryset (or be named like one).
  if (!viaManager && !rootIsQueryset(py, links[0] as ChainLink, assignments, depth, links)) return undefined;
  // The chain must end in a queryset, not in a value computed from it.
  if (last.call && !QUERYSET_METHODS.has(last.name)) return undefined;
  if (!last.call && last.name !== "objects" && !/_set$/.test(last.name) && last.name !== "[]") return undefined;
  const setNames = names.filter((n) => /_set$/.test(n));
  const setOnly = objectsAt <= 0 && setNames.length > 0 && !names.some((n) => n === "get_queryset" || n === "queryset");
  const info: QuerysetInfo = {
    eager: new Set(),
    eagerAll: false,
    sliced: last.name === "[]",
    lines: [py.lineOf(node)],
    ...(setOnly ? { setNames } : {}),
  };
  const modelName = objectsAt > 0 ? names[objectsAt - 1] : undefined;
  if (modelName && /^[A-Z]/.test(modelName)) info.model = modelName;
  const own = { ...info, ...eagerLoading(py, links) };
  // `perms.iterator()`, `qs.filter(...)` on a variable: what the variable was built with (its model, the relations
  // it loads) carries over to the chain.
  const root = links[0] as ChainLink;
  if (objectsAt > 0 || root.node.name !== "VariableName" || !assignments || depth >= 3) return own;
  const base = querysetOf(py, root.node, assignments, depth + 1);
  if (!base) return own;
  const model = own.model ?? base.model;
  const { setNames: _ownSets, ...stronger } = own;
  return {
    ...(base.setNames ? own : stronger),
    ...(model ? { model } : {}),
    eager: new Set([...own.eager, ...base.eager]),
    eagerAll: own.eagerAll || base.eagerAll,
    lines: [...new Set([...own.lines, ...base.lines])],
  };
}

/** The relations a chain's `select_related`/`prefetch_related` calls load (first part of each path). */
export function eagerLoading(py: PythonFile, links: ChainLink[]): { eager: Set<string>; eagerAll: boolean } {
  const eager = new Set<string>();
  let eagerAll = false;
  for (const link of links) {
    if (!link.call || (link.name !== "select_related" && link.name !== "prefetch_related")) continue;
    const parts = callParts(py, link.call);
    const args = parts?.positional ?? [];
    if (args.length === 0 || args.some((a) => a.name !== "String")) eagerAll = true;
    for (const arg of args)
      if (arg.name === "String")
        eager.add(
          py
            .src(arg)
            .replace(/^['"]|['"]$/g, "")
            .split("__")[0] as string,
        );
  }
  return { eager, eagerAll };
}

function rootIsQueryset(
  py: PythonFile,
  root: ChainLink,
  assignments: Map<string, SyntaxNode[]> | undefined,
  depth: number,
  links: ChainLink[],
): boolean {
  // `request.user.orders.filter()`: an attribute of the request's user followed by a queryset method is a related
  // manager.
  const names = links.map((l) => l.name);
  if (
    (names[0] === "request" && names[1] === "user" && links.length > 3 && !links[2]?.call) ||
    (names[0] === "self" && names[1] === "request" && names[2] === "user" && links.length > 4 && !links[3]?.call)
  )
    return true;
  if (root.node.name !== "VariableName") return false;
  if (QUERYSET_NAME.test(root.name)) return true;
  return depth < 3 && assignments !== undefined && querysetOf(py, root.node, assignments, depth + 1) !== undefined;
}

/** The model a manager chain starts from: `Order.objects.filter(...)` -> `Order`. */
function managerModel(links: ChainLink[]): string | undefined {
  const objectsAt = links.findIndex((l) => l.name === "objects");
  return objectsAt > 0 ? links[objectsAt - 1]?.name : undefined;
}

/**
 * Calls of one of `methods` ending a chain that starts at a model the project index knows:
 * `Order.objects.filter(sku=x).prefetch_related("customer")` -> its `prefetch_related` call, with `Order`.
 */
export function knownModelCalls(
  py: PythonFile,
  project: ProjectIndex,
  methods: ReadonlySet<string>,
): Array<{ call: SyntaxNode; method: string; model: ModelInfo }> {
  const found: Array<{ call: SyntaxNode; method: string; model: ModelInfo }> = [];
  for (const call of py.nodes("CallExpression")) {
    const links = chainLinks(py, call);
    const last = links.at(-1);
    if (!last?.call || last.call !== call || !methods.has(last.name)) continue;
    const model = project.model(managerModel(links));
    if (model) found.push({ call, method: last.name, model });
  }
  return found;
}

/** Whether an attribute `name` of a row is loaded by the queryset's eager loading. */
export function isEagerLoaded(info: QuerysetInfo, name: string): boolean {
  return info.eagerAll || info.eager.has(name);
}
