import type { SyntaxNode } from "@lezer/common";
import { IN_BACKGROUND } from "./conditions.js";
import {
  ancestors,
  classBases,
  decoratorsOf,
  fromImports,
  importsFrom,
  type PythonFile,
  relativeModulePath,
} from "./python.js";
import type { ProjectIndex } from "./project.js";
import type { SourceFile } from "./source.js";

/**
 * Decorators that make a function a background job: Celery (`shared_task`, `app.task(...)`), Huey
 * (`db_task`, `db_periodic_task`), RQ (`job`), Dramatiq (`actor`), django-background-tasks
 * (`background`), Django's own tasks (`task`).
 */
const TASK_DECORATOR =
  /^(?:[\w.]+\.)?(?:task|shared_task|periodic_task|db_task|db_periodic_task|job|actor|background)\s*(?:\(|$)/;

/**
 * Class-based jobs: a management command, a Celery `Task` subclass (`Task` only when imported from Celery: a
 * project's own model may be called Task).
 */
const COMMAND_BASE = /(?:^|\.)(?:BaseCommand|LabelCommand|AppCommand)$/;

const COMMAND_MODULE = /(^|\/)management\/commands\/[^/]+\.py$/;

/**
 * Whether code runs where nobody waits on it: a background task, a management command. There a query per
 * row costs throughput, not a user's wait, so batching it is a judgement, not a fix. (Migrations are
 * background code too, but the query rules do not read them at all.)
 */
function runsInBackground(file: SourceFile, py: PythonFile, node: SyntaxNode): boolean {
  if (COMMAND_MODULE.test(file.path)) return true;
  for (const a of ancestors(node)) if (isJob(file, py, a)) return true;
  return false;
}

/** A task function, or a command or Celery Task class. */
function isJob(file: SourceFile, py: PythonFile, node: SyntaxNode): boolean {
  if (node.name === "FunctionDefinition") return decoratorsOf(py, node).some((d) => TASK_DECORATOR.test(d));
  if (node.name !== "ClassDefinition") return false;
  const bases = classBases(py, node);
  if (bases.some((b) => COMMAND_BASE.test(b) || b === "celery.Task")) return true;
  return bases.includes("Task") && importsFrom(file.text, "celery", "Task");
}

/** A query per row in background code (or in what a task calls) is a hint for the model, not a comment. */
export function inBackground(file: SourceFile, project: ProjectIndex, node: SyntaxNode): { condition?: string } {
  return runsInBackground(file, file.python, node) || calledByJobs(file, project, node)
    ? { condition: IN_BACKGROUND.hint }
    : {};
}

/**
 * A project function or class that a job calls, as `module` (a path without `.py`, `paperless_mail/mail`) and
 * `name`: the service a Celery task hands its work to (`MailAccountHandler().handle_mail_account(account)`,
 * `services.send_bulk_email()`) runs in the background too, though nothing in its own file says so.
 */
export interface JobCallee {
  module: string;
  name: string;
}

/** Where jobs live: a `tasks.py` module or `tasks/` package, a management command. */
const JOB_MODULE = /(^|\/)(tasks(\.py$|\/)|management\/commands\/[^/]+\.py$)/;

/** What the jobs of one module call among the project's own functions and classes (one hop, by import). */
export function jobCallees(file: SourceFile): JobCallee[] {
  if (file.kind !== "python" || !JOB_MODULE.test(file.path)) return [];
  const py = file.python;
  const everything = COMMAND_MODULE.test(file.path);
  const jobs = [...py.nodes("FunctionDefinition"), ...py.nodes("ClassDefinition")].filter((n) => isJob(file, py, n));
  const inJob = (call: SyntaxNode) => everything || jobs.some((j) => call.from >= j.from && call.to <= j.to);
  const bound = importBindings(file);
  const own = moduleOf(file.path);
  const callees: JobCallee[] = [];
  for (const call of py.nodes("CallExpression").filter(inJob)) {
    const callee = call.firstChild;
    if (callee?.name === "VariableName") {
      const name = py.src(callee);
      callees.push(bound.get(name) ?? { module: own, name });
    } else if (callee?.name === "MemberExpression" && callee.firstChild?.name === "VariableName") {
      // `services.send_bulk_email()` where `services` is a module the file imports
      const from = bound.get(py.src(callee.firstChild));
      const name = callee.lastChild ? py.src(callee.lastChild) : "";
      if (from) callees.push({ module: [from.module, from.name].filter(Boolean).join("/"), name });
    }
  }
  return callees;
}

/** A Python file's module as a path: `shop/services.py` and `shop/services/__init__.py` are `shop/services`. */
function moduleOf(path: string): string {
  return path.replace(/\.py$/, "").replace(/\/__init__$/, "");
}

/** `from a.b import c as d` -> d: {module a/b, name c}; relative modules resolved from the file's folder. */
function importBindings(file: SourceFile): Map<string, JobCallee> {
  const bound = new Map<string, JobCallee>();
  for (const { module: dotted, clause } of fromImports(file.text)) {
    const module = relativeModulePath(file.path, dotted) ?? dotted.replace(/\./g, "/");
    for (const entry of clause.replace(/[()]/g, "").split(",")) {
      const [name, alias] = entry.trim().split(/\s+as\s+/);
      if (name && /^\w+$/.test(name)) bound.set(alias ?? name, { module, name });
    }
  }
  return bound;
}

/**
 * Whether the module-level function or class around `node` is one a job calls (known from the tasks modules
 * the project index read). It may be called from a view too; the finding still goes to the model, which weighs it.
 */
function calledByJobs(file: SourceFile, project: ProjectIndex, node: SyntaxNode): boolean {
  const top = [...ancestors(node)].filter((a) => a.name === "FunctionDefinition" || a.name === "ClassDefinition").pop();
  const name = top ? file.python.src(top.getChild("VariableName") ?? top) : "";
  if (!name) return false;
  const module = moduleOf(file.path);
  return project.jobCallees.some((c) => c.name === name && (module === c.module || module.endsWith(`/${c.module}`)));
}
