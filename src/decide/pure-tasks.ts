import { parseChangedFiles } from "../diff/parse.js";
import { promptRequests } from "../prompt/requests.js";
import { checkPullRequest } from "./check-pull-request.js";

/**
 * The CPU-bound, pure steps of a review: what hostile input (a 130k-line hunk, a 450 KB view) can make
 * slow. The server runs them on a worker thread (off-thread.ts), the CLI and tests inline; both call
 * them by name through an `Offload`, so the review reads the same either way.
 */
export const PURE_TASKS = {
  /** The PR's file list into hunks and lines. */
  parse: parseChangedFiles,
  /** The Django checks over the changed files. */
  checks: checkPullRequest,
  /** The model calls within the budget, rendered and redacted. */
  prompts: promptRequests,
};

export type PureTasks = typeof PURE_TASKS;
export type PureTask = keyof PureTasks;

/** What each task is doing, for a message when one fails or is stopped. */
export const DOING: Record<PureTask, string> = {
  parse: "reading the diff",
  checks: "the Django checks",
  prompts: "building the prompts",
};

/** Runs one pure task; its arguments and result cross a thread boundary, so they are plain data. */
export type Offload = <K extends PureTask>(
  task: K,
  ...args: Parameters<PureTasks[K]>
) => Promise<ReturnType<PureTasks[K]>>;

/** Runs a task in place (the CLI, the Action, tests, and the server with DJANGO_REVIEW_CHECKS_INLINE). */
export const runInline: Offload = async (task, ...args) => runTask(task, args);

/** The task by name, called with its arguments as they arrived (here or on the worker). */
export function runTask<K extends PureTask>(task: K, args: Parameters<PureTasks[K]>): ReturnType<PureTasks[K]> {
  // TypeScript cannot correlate a key with its own function's parameters; the signature above does.
  const run = PURE_TASKS[task] as unknown as (...a: Parameters<PureTasks[K]>) => ReturnType<PureTasks[K]>;
  return run(...args);
}
