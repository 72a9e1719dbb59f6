import type { SyntaxNode } from "@lezer/common";
import { decoratorsOf, defsIn, type PythonFile } from "./python.js";
import { chainLinks } from "./querysets.js";
import { code } from "../comments/markdown.js";

/** What a model's members query when they are read or called on a row (for N+1 through attributes and methods). */
export interface QueryingProperty {
  /** The related manager it reads through `self.<relation>` (prefetching it may answer the query), if any. */
  relation?: string;
  /** The method it calls on it (`all`, `count`, `filter`...) or the query's text. */
  query: string;
}

const QUERYSET_METHODS = [
  ...["all", "filter", "exclude", "count", "exists", "aggregate", "first", "last", "get", "order_by"],
  ...["values", "values_list", "latest", "earliest"],
].join("|");
const RELATED_QUERY = new RegExp(`\\bself\\.(\\w+)\\.(${QUERYSET_METHODS})\\(`);
const MANAGER_QUERY = /\b[A-Z]\w*\.objects\.\w+\(/;
const PROPERTY = /^(property|cached_property|functional\.cached_property)$/;

/** Properties of a model class that run a query each time they are read on a new instance. */
export function queryingProperties(py: PythonFile, cls: SyntaxNode): Map<string, QueryingProperty> {
  const found = new Map<string, QueryingProperty>();
  for (const def of cls
    .getChild("Body")
    ?.getChildren("DecoratedStatement")
    .flatMap((d) => d.getChildren("FunctionDefinition")) ?? []) {
    if (!decoratorsOf(py, def).some((d) => PROPERTY.test(d))) continue;
    const body = py.src(def.getChild("Body") ?? def);
    const related = RELATED_QUERY.exec(body);
    const name = py.src(def.getChild("VariableName") ?? def);
    if (related) found.set(name, { relation: related[1] as string, query: `self.${related[1]}.${related[2]}()` });
    else if (MANAGER_QUERY.test(body))
      found.set(name, { query: (MANAGER_QUERY.exec(body)?.[0] ?? "").replace(/\($/, "()") });
  }
  return found;
}

/** Calls that run their query at once (a method returning `qs.filter()` runs nothing until it is iterated). */
const RUNS_QUERY = /^(get|first|last|count|exists|aggregate|latest|earliest|in_bulk|get_or_create)$/;
/** Methods meant to write or validate a row: calling them per row is DJ110's, not a hidden read. */
const NOT_A_READ = /^(__\w+__|save|delete|clean\w*|full_clean|validate\w*|refresh_from_db|update\w*|create\w*)$/;

/**
 * A method whose work is a write (it saves, deletes or creates rows: treebeard's `move()` overridden to save the
 * moved node, Tandoor b43d6e08d4): calling it per row is a per-row write, with no read to fetch up front.
 */
function writesRows(py: PythonFile, def: SyntaxNode): boolean {
  return /\.(save|delete|bulk_create|bulk_update)\(|\.objects\.(create|update|get_or_create|update_or_create)\(/.test(
    py.src(def.getChild("Body") ?? def),
  );
}

/**
 * Plain methods of a model that run a query when called: a manager read that runs at once
 * (`Plugin.objects.get(...)`, `plugin.model.objects.get(...)`, `self.line_set.count()`, `self.tags.exists()` on a
 * many-to-many field), or a call of another of
 * the model's methods that does (`get_plugin_instance()` -> `self.get_bound_plugin()` -> `.objects.get()`).
 * Name -> the query, for the message.
 */
export function queryingMethods(py: PythonFile, cls: SyntaxNode, manyToMany: ReadonlySet<string>): Map<string, string> {
  // Properties are read, not called: queryingProperties has them.
  const defs = defsIn(cls.getChild("Body")).filter((def) => !decoratorsOf(py, def).some((d) => PROPERTY.test(d)));
  const named = new Map(defs.map((def) => [py.src(def.getChild("VariableName") ?? def), def] as const));
  const found = new Map<string, string>();
  for (const [name, def] of named) {
    if (NOT_A_READ.test(name) || writesRows(py, def)) continue;
    const query = directQuery(py, def, manyToMany);
    if (query) found.set(name, query);
  }
  // Through the model's own methods, to a fixed point (each round adds at least one, or stops).
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, def] of named) {
      if (found.has(name) || NOT_A_READ.test(name) || writesRows(py, def)) continue;
      const callee = py
        .src(def.getChild("Body") ?? def)
        .match(/\bself\.(\w+)\(/g)
        ?.map((m) => m.slice(5, -1))
        .find((m) => found.has(m) && m !== name);
      if (callee) {
        found.set(name, `${found.get(callee)}, through \`self.${callee}()\``);
        changed = true;
      }
    }
  }
  return found;
}

/**
 * Object-permission checks that query per call: django-guardian's checker built for the call, its `get_perms`, and
 * the `has_perm(perm, obj)` of a checker made in the same function.
 */
const PERMISSION_QUERY = /^(ObjectPermissionChecker|get_perms|get_user_perms|get_group_perms)$/;

/** A guardian permission check a function makes for each call (`ObjectPermissionChecker(user)`), as text. */
export function permissionQueryIn(py: PythonFile, def: SyntaxNode): string | undefined {
  for (const call of py.within(def, "CallExpression")) {
    const callee = call.firstChild;
    if (callee?.name === "VariableName" && PERMISSION_QUERY.test(py.src(callee))) return `\`${py.src(callee)}()\``;
  }
  return undefined;
}

function directQuery(py: PythonFile, def: SyntaxNode, manyToMany: ReadonlySet<string>): string | undefined {
  const permission = permissionQueryIn(py, def);
  if (permission) return permission;
  for (const call of py.within(def, "CallExpression")) {
    const links = chainLinks(py, call);
    const last = links.at(-1);
    if (!last?.call || !RUNS_QUERY.test(last.name)) continue;
    const names = links.map((l) => l.name);
    const throughManager = names.includes("objects") || names.some((n) => /_set$/.test(n));
    // `self.tags.count()` on a many-to-many field; `self.data.get("k")` on anything else is a dict's.
    const throughRelated = names[0] === "self" && links.length === 3 && manyToMany.has(names[1] as string);
    // `code()`: a chain's root is any expression, a string with backticks and a mention in it included.
    if (throughManager || throughRelated) return code(`${names.join(".")}()`);
  }
  return undefined;
}

/**
 * A function that keeps what it fetched: decorated with a cache (`@lru_cache`, `@cache`, `@cached`,
 * `@memoize`), reading Django's cache before its query and filling it after, or filling a dict it checks first
 * (`if pk not in _users: _users[pk] = User.objects.get(pk=pk)`, taiga's export serializers). Called per row, it
 * queries once per distinct key, not per row.
 */
function isMemoised(py: PythonFile, def: SyntaxNode): boolean {
  if (decoratorsOf(py, def).some((d) => /\b(lru_cache|cache|cached|memoize|memoized)\b/.test(d))) return true;
  const body = py.src(def);
  // Django's cache: cache.get_or_set(key, loader), or the value read from the cache first and stored after the
  // query by cache.set() or a helper named for it (tendenci's get_setting() calls cache_setting()). Per row it
  // queries on a cache miss only.
  if (/\bcache\.get_or_set\(/.test(body)) return true;
  const read = /\bcache\.get(?:_many)?\(/.exec(body);
  const query = /\.objects\./.exec(body);
  if (
    read &&
    query &&
    read.index < query.index &&
    /\bcache\.set(?:_many)?\(|\b\w*cache\w*\(/.test(body.slice(query.index))
  )
    return true;
  for (const m of body.matchAll(/\bif\s+[\w.]+\s+not\s+in\s+(\w+)\s*:/g))
    if (new RegExp(`\\b${m[1]}\\[[^\\]\\n]+\\]\\s*=[^=][^\\n]*\\.objects\\.`).test(body)) return true;
  return false;
}

/** A module-level function that runs a query when called. */
export interface QueryingFunction {
  /** The query, for messages. */
  query: string;
  /**
   * Attributes whose presence on a row the function tests first (`hasattr(user, "_prefetched_fxa_accounts")`):
   * a caller that supplies one (a `Prefetch(..., to_attr=...)`, an annotation) takes the path without the query.
   */
  skippedWith: string[];
}

/** The attribute names a function tests rows for: `hasattr(x, "name")`, `getattr(x, "name", None)`. */
function testedAttributes(py: PythonFile, def: SyntaxNode): string[] {
  return [...py.src(def).matchAll(/\b(?:hasattr|getattr)\(\s*[\w.]+\s*,\s*["'](\w+)["']/g)].map((m) => m[1] as string);
}

/**
 * Module-level functions of a file that run a query when called: directly (as for methods above, or a guardian
 * permission check), or through another function of the same module that does.
 */
export function queryingFunctions(py: PythonFile): Map<string, QueryingFunction> {
  const defs = defsIn(py.tree.topNode);
  const named = new Map(defs.map((def) => [py.src(def.getChild("VariableName") ?? def), def] as const));
  const found = new Map<string, QueryingFunction>();
  for (const [name, def] of named) {
    if (isMemoised(py, def)) continue;
    const query = directQuery(py, def, new Set());
    if (query) found.set(name, { query, skippedWith: testedAttributes(py, def) });
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, def] of named) {
      if (found.has(name)) continue;
      const callee = py
        .within(def, "CallExpression")
        .map((c) => c.firstChild)
        .find((c) => c?.name === "VariableName" && found.has(py.src(c)) && py.src(c) !== name);
      const through = callee ? found.get(py.src(callee)) : undefined;
      if (callee && through) {
        found.set(name, {
          query: `${through.query}, through \`${py.src(callee)}()\``,
          skippedWith: [...through.skippedWith, ...testedAttributes(py, def)],
        });
        changed = true;
      }
    }
  }
  return found;
}
