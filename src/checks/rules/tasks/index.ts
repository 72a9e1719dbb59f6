import type { SyntaxNode } from "@lezer/common";
import { ancestors, assignmentsInScope, callParts, children, type PythonFile } from "../../python.js";
import { chainLinks } from "../../querysets.js";
import type { SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";
import { either } from "../../../util/regex.js";

const ENQUEUE = new Set(["delay", "apply_async", "enqueue", "send_task", "async_task", "schedule", "defer"]);
const isTaskCode = (f: SourceFile) =>
  f.kind === "python" && /\.(delay|apply_async|enqueue|send_task)\(|async_task\(/.test(f.text);

/**
 * Calls that enqueue background work: `task.delay(...)`, `task.apply_async(...)`, `queue.enqueue(f, ...)`,
 * `async_task(f, ...)`.
 */
function enqueueCalls(py: PythonFile): Array<{ call: SyntaxNode; name: string; args: SyntaxNode[] }> {
  const found: Array<{ call: SyntaxNode; name: string; args: SyntaxNode[] }> = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (!parts || !ENQUEUE.has(parts.name)) continue;
    if (parts.name === "schedule" || parts.name === "defer") continue;
    if (!parts.receiver && parts.name !== "async_task") continue;
    let args = parts.positional;
    if (parts.name === "apply_async" || parts.name === "send_task") {
      const listed =
        parts.keywords.get("args") ?? (parts.name === "send_task" ? parts.positional[1] : parts.positional[0]);
      args = listed ? children(listed).filter((c) => !["[", "]", "(", ")", ","].includes(c.name)) : [];
    } else if (parts.name === "enqueue" || parts.name === "async_task") args = parts.positional.slice(1);
    args = [
      ...args,
      ...[...parts.keywords.entries()]
        .filter(
          ([k]) =>
            !/^(args|kwargs|countdown|eta|queue|priority|expires|retry|job_id|timeout|hook|task_name|group)$/.test(k),
        )
        .map(([, v]) => v),
    ];
    found.push({ call, name: parts.name, args });
  }
  return found;
}

const INSTANCE_SOURCES = new RegExp(
  `(${
    either([
      /\.objects\.(get|create|get_or_create|first|last|latest|earliest|update_or_create)/,
      /\b(get_object_or_404|save)\b/,
      /\.(first|last|get)\(\)?$/,
      /^self\.object$|^request\.user$|\.get_object\(\)/,
    ]).source
  })`,
);

function looksLikeInstance(py: PythonFile, arg: SyntaxNode, assignments: Map<string, SyntaxNode[]>): boolean {
  const text = py.src(arg).replace(/\s+/g, "");
  if (/^(request\.user|self\.request\.user|self\.object|instance|self\.get_object\(\))$/.test(text)) return true;
  if (arg.name === "CallExpression" && /(\.objects\.(get|create|first|last)|get_object_or_404)/.test(text)) return true;
  if (arg.name !== "VariableName") return false;
  const values = assignments.get(text) ?? [];
  return values.some((v) => {
    const source = py.src(v).replace(/\s+/g, "");
    if (!INSTANCE_SOURCES.test(source)) return false;
    const links = chainLinks(py, v);
    return !/^(id|pk)$/.test(links.at(-1)?.name ?? "");
  });
}

const taskGivenInstance: Rule = {
  id: "DJ601",
  title: "Background task given a model instance instead of its id",
  severity: "major",
  category: "tasks",
  tags: ["celery"],
  persona: "architect",
  explanation:
    "The instance is serialised (pickled or JSON-encoded) when enqueued: the worker gets a stale copy, or " +
    "serialisation fails. Pass the primary key and fetch the row inside the task.",
  appliesTo: isTaskCode,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { call, args } of enqueueCalls(py)) {
      const assignments = assignmentsInScope(py, call);
      const instance = args.find((a) => looksLikeInstance(py, a, assignments));
      if (!instance) continue;
      const lines = (assignments.get(py.src(instance)) ?? []).map((v) => py.lineOf(v));
      hits.push({
        line: py.lineOf(call),
        causeLines: lines,
        message:
          `${code(py.src(instance))} is a model instance: pass ${code(`${py.src(instance)}.pk`)} and ` +
          `load it in the task.`,
      });
    }
    return hits;
  },
};

/** The `with atomic()` block or `@atomic` decorator that runs `node` inside a transaction. */
function insideAtomic(py: PythonFile, node: SyntaxNode): SyntaxNode | undefined {
  for (const a of ancestors(node)) {
    if (a.name === "LambdaExpression") return undefined;
    if (a.name === "CallExpression" && /on_commit$/.test(callParts(py, a)?.name ?? "")) return undefined;
    if (a.name === "WithStatement" && /^\s*(async\s+)?with\s+(transaction\.)?atomic\b/.test(py.src(a))) return a;
    if (a.name === "FunctionDefinition") {
      // The decorator is what puts the body in a transaction: a change to the signature below it (type hints)
      // does not.
      const decorated = a.parent?.name === "DecoratedStatement" ? a.parent : undefined;
      return decorated?.getChildren("Decorator").find((d) => /(transaction\.)?atomic\b/.test(py.src(d)));
    }
  }
  return undefined;
}

const enqueueInsideTransaction: Rule = {
  id: "DJ602",
  title: "Task enqueued inside a transaction without `transaction.on_commit`",
  severity: "major",
  category: "tasks",
  tags: ["celery", "transactions"],
  persona: "architect",
  explanation:
    "The worker can pick the task up before the transaction commits: it does not find the new row, or reads old " +
    "data; and if the transaction rolls back, the task runs anyway. Enqueue with " +
    "`transaction.on_commit(lambda: task.delay(obj.pk))`.",
  appliesTo: isTaskCode,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { call } of enqueueCalls(py)) {
      const block = insideAtomic(py, call);
      if (!block) continue;
      hits.push({
        line: py.lineOf(call),
        causeLines: [py.lineOf(block)],
        message:
          "Enqueued inside `atomic()`: the worker may run before the commit (or after a rollback). Wrap it in " +
          "`transaction.on_commit(...)`.",
      });
    }
    return hits;
  },
};

export const taskRules: Rule[] = [taskGivenInstance, enqueueInsideTransaction];
