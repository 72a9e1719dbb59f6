import type { SyntaxNode } from "@lezer/common";
import {
  ancestors,
  assignmentsInScope,
  callParts,
  children,
  decoratorsOf,
  isAsyncDef,
  isAwaited,
  type PythonFile,
} from "../../python.js";
import { querysetOf } from "../../querysets.js";
import type { RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";

/**
 * Synchronous code reached from `async def` that the ORM-call check cannot see by name: Django's auth
 * functions and permission checks, the module's own sync helpers that query, and a queryset indexed
 * (`qs[0]`). Each runs a query on the event loop (or raises `SynchronousOnlyOperation`).
 */

/** `django.contrib.auth` functions that read or write the database; async twins exist from Django 5.0. */
const AUTH_FUNCTIONS = new Map([
  ["authenticate", "aauthenticate"],
  ["login", "alogin"],
  ["logout", "alogout"],
  ["get_user", "aget_user"],
  ["update_session_auth_hash", "aupdate_session_auth_hash"],
]);

/** User methods that query permissions and groups; async twins exist from Django 5.2. */
const PERMISSION_METHODS = new Map([
  ["has_perm", "ahas_perm"],
  ["has_perms", "ahas_perms"],
  ["has_module_perms", "ahas_module_perms"],
  ["get_all_permissions", "aget_all_permissions"],
  ["get_group_permissions", "aget_group_permissions"],
]);

/** An ORM call in a function body: a manager, an instance write, a shortcut that queries. */
const QUERIES =
  /\.objects\.|\b_default_manager\.|\.(save|delete|refresh_from_db)\(|\bget_object_or_404\(|\bget_list_or_404\(/;

/** Module-level sync functions and sync methods of the file's classes whose body queries, by name. */
function queryingHelpers(py: PythonFile): { functions: Set<string>; methods: Set<string> } {
  const functions = new Set<string>();
  const methods = new Set<string>();
  for (const def of py.nodes("FunctionDefinition")) {
    if (isAsyncDef(def) || !QUERIES.test(py.src(def))) continue;
    // `@sync_to_async` / `@database_sync_to_async` already make it awaitable off the event loop.
    if (decoratorsOf(py, def).some((d) => /sync_to_async\b/.test(d))) continue;
    const name = py.src(def.getChild("VariableName") ?? def);
    const owner = [...ancestors(def)].find((a) => a.name === "FunctionDefinition" || a.name === "ClassDefinition");
    if (!owner) functions.add(name);
    else if (owner.name === "ClassDefinition") methods.add(name);
  }
  return { functions, methods };
}

function importedFromAuth(py: PythonFile, name: string): boolean {
  return py
    .nodes("ImportStatement")
    .some(
      (imp) =>
        /^from\s+django\.contrib\.auth\s+import\b/.test(py.src(imp)) && new RegExp(`\\b${name}\\b`).test(py.src(imp)),
    );
}

/**
 * Hits for sync callables called directly (not awaited, not wrapped) in the async def `inAsync` says a node runs in.
 */
export function syncCallableHits(
  py: PythonFile,
  inAsync: (node: SyntaxNode) => boolean,
  asyncAuth: boolean,
  asyncPerms: boolean,
): RuleHit[] {
  const helpers = queryingHelpers(py);
  const hits: RuleHit[] = [];
  for (const call of py.nodes("CallExpression")) {
    if (!inAsync(call) || isAwaited(call)) continue;
    const parts = callParts(py, call);
    if (!parts) continue;
    const receiver = parts.receiver ? py.src(parts.receiver) : undefined;
    const twin = AUTH_FUNCTIONS.get(parts.name);
    if (!receiver && twin && importedFromAuth(py, parts.name)) {
      const fix = asyncAuth
        ? `use ${code(`await ${twin}(...)`)}`
        : "wrap it in `sync_to_async` (the async auth functions need Django 5.0)";
      hits.push({
        line: py.lineOf(call),
        message: `${code(`${parts.name}()`)} reads or writes the database synchronously inside \`async def\`: ${fix}.`,
      });
      continue;
    }
    const permTwin = PERMISSION_METHODS.get(parts.name);
    if (receiver && permTwin && /user\b/.test(receiver)) {
      const fix = asyncPerms
        ? `use ${code(`await ${receiver}.${permTwin}(...)`)}`
        : "wrap it in `sync_to_async` (the async permission methods need Django 5.2)";
      hits.push({
        line: py.lineOf(call),
        message:
          `${code(`${receiver}.${parts.name}()`)} queries permissions synchronously inside \`async ` + `def\`: ${fix}.`,
      });
      continue;
    }
    const helper =
      (!receiver && helpers.functions.has(parts.name)) || (receiver === "self" && helpers.methods.has(parts.name));
    if (helper) {
      const name = receiver ? `self.${parts.name}` : parts.name;
      hits.push({
        line: py.lineOf(call),
        message:
          `${code(`${name}()`)} is a sync function that queries the database, called directly inside ` +
          `\`async def\`: call it as ${code(`await sync_to_async(${name})(...)`)} or give it an async version.`,
      });
    }
  }
  // `qs[0]` evaluates the queryset; a slice without a step stays lazy.
  for (const sub of py.nodes("MemberExpression")) {
    const [target, open, ...rest] = children(sub);
    if (!target || open?.name !== "[" || rest.some((c) => c.name === ":") || !inAsync(sub)) continue;
    const qs = querysetOf(py, target, assignmentsInScope(py, sub));
    if (qs)
      hits.push({
        line: py.lineOf(sub),
        causeLines: qs.lines,
        message:
          `${code(py.src(sub))} runs the query synchronously inside \`async def\`: use \`await ` +
          `...afirst()\` or \`[x async for x in qs[:1]]\`.`,
      });
  }
  return hits;
}
