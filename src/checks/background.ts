import type { SyntaxNode } from "@lezer/common";
import { IN_BACKGROUND } from "./conditions.js";
import { ancestors, classBases, decoratorsOf, importsFrom, type PythonFile } from "./python.js";
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
  for (const a of ancestors(node)) {
    if (a.name === "FunctionDefinition" && decoratorsOf(py, a).some((d) => TASK_DECORATOR.test(d))) return true;
    if (a.name !== "ClassDefinition") continue;
    const bases = classBases(py, a);
    if (bases.some((b) => COMMAND_BASE.test(b) || b === "celery.Task")) return true;
    if (bases.includes("Task") && importsFrom(file.text, "celery", "Task")) return true;
  }
  return false;
}

/** A query per row in background code is a hint for the model, not a comment. */
export function inBackground(file: SourceFile, node: SyntaxNode): { condition?: string } {
  return runsInBackground(file, file.python, node) ? { condition: IN_BACKGROUND.hint } : {};
}
