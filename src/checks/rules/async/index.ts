import type { SyntaxNode } from "@lezer/common";
import { loopsIn } from "../../loops.js";
import {
  ancestors,
  assignmentsInScope,
  callParts,
  enclosingDef,
  enclosingFunction,
  isAsyncDef,
  isAwaited,
} from "../../python.js";
import { chainLinks, EVALUATING_METHODS, querysetOf, unlessForeignSet } from "../../querysets.js";
import type { SourceFile } from "../../source.js";
import { atLeast } from "../../project-facts.js";
import type { Rule, RuleHit } from "../../types.js";
import { syncCallableHits } from "./sync-callables.js";
import { code } from "../../../comments/markdown.js";
import { exactly } from "../../../util/regex.js";

const isPython = (f: SourceFile) => f.kind === "python" && !f.isMigration && /\basync\s+def\b/.test(f.text);

/** The async def a node runs in directly: not inside a nested sync def or a lambda handed to sync_to_async. */
function directAsyncDef(node: SyntaxNode): SyntaxNode | undefined {
  const fn = enclosingFunction(node);
  return fn && isAsyncDef(fn) ? fn : undefined;
}

const SYNC_SHORTCUTS = new Set(["get_object_or_404", "get_list_or_404"]);
const INSTANCE_WRITES = new Set(["save", "delete", "refresh_from_db", "full_clean"]);

const syncOrmInAsync: Rule = {
  id: "DJ201",
  title: "Synchronous ORM call inside `async def`",
  severity: "critical",
  category: "async",
  tags: ["orm"],
  persona: "architect",
  explanation:
    "The Django ORM is synchronous: called from async code (directly, or through `authenticate()`, " +
    "`user.has_perm()` or a sync helper that queries) it raises `SynchronousOnlyOperation`, or blocks the " +
    "event loop when that check is off. Use the async API (`aget`, `afirst`, `acount`, `aexists`, `acreate`, " +
    "`asave`, `adelete`, `aauthenticate`, `async for`) or wrap the call in `sync_to_async`.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      if (!directAsyncDef(call) || isAwaited(call)) continue;
      const links = chainLinks(py, call);
      const last = links.at(-1);
      const parts = callParts(py, call);
      if (!last || !parts) continue;
      const viaManager = links.some((l) => l.name === "objects" || /_set$/.test(l.name));
      let reason: string | undefined;
      if (viaManager && last.call === call && EVALUATING_METHODS.has(last.name))
        reason = `${code(`.${last.name}()`)} queries synchronously; use ${code(`await ...a${last.name}()`)}`;
      else if (!parts.receiver && SYNC_SHORTCUTS.has(parts.name))
        reason =
          `${code(`${parts.name}()`)} queries synchronously; use ${code(`await a${parts.name}()`)} ` +
          `(Django 5.0+) or \`aget()\``;
      else if (
        parts.receiver &&
        INSTANCE_WRITES.has(parts.name) &&
        !/^(super\(\)|self)$/.test(py.src(parts.receiver)) &&
        parts.receiver.name === "VariableName"
      ) {
        reason =
          `${code(`${py.src(parts.receiver)}.${parts.name}()`)} writes synchronously; use ` +
          `${code(`await ${py.src(parts.receiver)}.a${parts.name === "full_clean" ? "full_clean" : parts.name}()`)}`;
      } else if (!parts.receiver && ["list", "len", "bool"].includes(parts.name) && parts.positional[0]) {
        const qs = unlessForeignSet(querysetOf(py, parts.positional[0], assignmentsInScope(py, call)), project);
        if (qs)
          reason =
            `${code(`${parts.name}(${py.src(parts.positional[0])})`)} evaluates the queryset ` +
            `synchronously; use \`[x async for x in ...]\` or \`await ...acount()\``;
      }
      if (reason && parts.name === "full_clean") continue;
      // The async ORM (aget, acount, asave...) exists from Django 4.1: older projects wrap the call instead.
      const version = project.facts.django?.version;
      if (reason && version && !atLeast(version, "4.1"))
        reason = `${reason.split(";")[0]}; wrap it in \`sync_to_async\` (Django ${version} has no async ORM API)`;
      if (reason) hits.push({ line: py.lineOf(call), message: `${reason} inside \`async def\`.` });
    }
    for (const loop of loopsIn(py)) {
      if (loop.async || !loop.iterable || !directAsyncDef(loop.node)) continue;
      const qs = unlessForeignSet(querysetOf(py, loop.iterable, assignmentsInScope(py, loop.node)), project);
      if (qs)
        hits.push({
          line: loop.line,
          causeLines: qs.lines,
          message: `A plain \`for\` over a queryset inside \`async def\` queries synchronously; use \`async for\`.`,
        });
    }
    for (const member of py.nodes("MemberExpression")) {
      if (py.src(member) !== "request.user" || !directAsyncDef(member)) continue;
      const parent = member.parent;
      if (parent?.name !== "MemberExpression") continue;
      const attr = py.src(parent).slice("request.user.".length);
      if (
        !/^(is_authenticated|is_anonymous|is_staff|is_superuser|pk|id|username|email|has_perm|groups|profile)/.test(
          attr,
        )
      )
        continue;
      hits.push({
        line: py.lineOf(member),
        message:
          "`request.user` is loaded lazily and synchronously; in async views use `user = await request.auser()` " +
          "(Django 5.0+).",
      });
    }
    const version = project.facts.django?.version;
    // Unknown version: suggest the async twins, as for the ORM calls above.
    hits.push(
      ...syncCallableHits(
        py,
        (node) => directAsyncDef(node) !== undefined,
        !version || atLeast(version, "5.0"),
        !version || atLeast(version, "5.2"),
      ),
    );
    return hits;
  },
};

const BLOCKING_CALLS: Array<{ pattern: RegExp; fix: string }> = [
  {
    pattern: /^requests\.(get|post|put|patch|delete|head|request|Session)$/,
    fix: "use `httpx.AsyncClient` (or aiohttp)",
  },
  { pattern: /^httpx\.(get|post|put|patch|delete|head|request|Client)$/, fix: "use `httpx.AsyncClient`" },
  { pattern: /^time\.sleep$/, fix: "use `await asyncio.sleep(...)`" },
  { pattern: /^(urllib\.request\.)?urlopen$/, fix: "use an async HTTP client" },
  { pattern: /^subprocess\.(run|call|check_call|check_output|Popen)$/, fix: "use `asyncio.create_subprocess_exec`" },
  { pattern: /^smtplib\.SMTP(_SSL)?$/, fix: "send mail from a task queue or via `sync_to_async`" },
  {
    pattern: /^send_mail$|^mail_admins$|^send_mass_mail$/,
    fix: "send it from a task, or `await sync_to_async(send_mail)(...)`",
  },
  { pattern: /^open$/, fix: "read files with `aiofiles` or in `sync_to_async`" },
  { pattern: /^socket\.create_connection$/, fix: "use `asyncio.open_connection`" },
];

const blockingIoInAsync: Rule = {
  id: "DJ202",
  title: "Blocking I/O inside `async def`",
  severity: "major",
  category: "async",
  tags: ["blocking"],
  persona: "architect",
  explanation:
    "A blocking call in an async view or consumer stops the event loop: every other request on that worker waits. " +
    "Use an async equivalent or move the call to a thread with `sync_to_async`/`asyncio.to_thread`.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      if (!directAsyncDef(call)) continue;
      const callee = call.firstChild;
      if (!callee || (callee.name !== "VariableName" && callee.name !== "MemberExpression")) continue;
      const name = py.src(callee).replace(/\s+/g, "");
      const blocking = BLOCKING_CALLS.find((b) => b.pattern.test(name));
      if (!blocking) continue;
      if (
        name === "open" &&
        [...ancestors(call)].some((a) => a.name === "WithStatement" && /async\s+with/.test(py.src(a).slice(0, 12)))
      )
        continue;
      hits.push({
        line: py.lineOf(call),
        message: `${code(`${name}()`)} blocks the event loop inside \`async def\`: ${blocking.fix}.`,
      });
    }
    return hits;
  },
};

const ASYNC_ORM = exactly(
  [
    ...["get", "first", "last", "count", "exists", "create", "get_or_create", "update_or_create", "update"],
    ...["delete", "save", "aggregate", "latest", "earliest", "in_bulk", "bulk_create", "bulk_update", "iterator"],
    ...["contains", "refresh_from_db", "auser", "login", "logout", "authenticate"],
  ].map((name) => `a${name}`),
);

const unawaitedCoroutine: Rule = {
  id: "DJ203",
  title: "Async ORM call or `sync_to_async(...)` not awaited",
  severity: "major",
  category: "async",
  tags: ["coroutine"],
  persona: "architect",
  explanation:
    "Calling an async method returns a coroutine; without `await` nothing runs (Python warns 'coroutine was never " +
    "awaited') and the code uses a coroutine object instead of a result.",
  appliesTo: (f) => f.kind === "python" && /\ba[a-z_]+\(|sync_to_async/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts) continue;
      const isAsyncOrm = parts.receiver !== undefined && ASYNC_ORM.test(parts.name) && chainLinks(py, call).length >= 2;
      const isSyncToAsync =
        call.firstChild?.name === "CallExpression" &&
        /^(sync_to_async|database_sync_to_async)$/.test(callParts(py, call.firstChild)?.name ?? "");
      if (!isAsyncOrm && !isSyncToAsync) continue;
      if (isAwaited(call)) continue;
      const parent = call.parent;
      // handed on to something that awaits it: gather(...), create_task(...), return in an async def, etc.
      if (parent?.name === "ArgList" || parent?.name === "MemberExpression" || parent?.name === "CallExpression")
        continue;
      const def = enclosingDef(call);
      if (!def || !isAsyncDef(def)) continue;
      if (
        parent?.name !== "ExpressionStatement" &&
        parent?.name !== "AssignStatement" &&
        parent?.name !== "ReturnStatement"
      )
        continue;
      if (parent.name === "ReturnStatement" && !isAsyncDef(def)) continue;
      hits.push({
        line: py.lineOf(call),
        message: `${code(`${py.src(call).slice(0, 60)}`)} returns a coroutine that is never awaited; add \`await\`.`,
      });
    }
    return hits;
  },
};

export const asyncRules: Rule[] = [syncOrmInAsync, blockingIoInAsync, unawaitedCoroutine];
