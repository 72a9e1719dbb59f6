/**
 * The worker-thread side of `off-thread.ts`: runs the review's pure, CPU-bound tasks (diff parsing, the
 * Django checks, prompt building — regex heavy on hostile input) for the main thread, which meanwhile
 * keeps answering webhooks and /healthz.
 */
import { parentPort } from "node:worker_threads";
import { type PureTask, type PureTasks, runTask } from "../decide/pure-tasks.js";
import { errorMessage } from "../util/error-message.js";

export interface TaskRequest<K extends PureTask = PureTask> {
  id: number;
  task: K;
  args: Parameters<PureTasks[K]>;
}

/** What the worker says: it is ready for tasks, or one task's result or error. */
export type WorkerMessage = { ready: true } | { id: number; result: unknown } | { id: number; error: string };

const say = (message: WorkerMessage) => parentPort?.postMessage(message);

parentPort?.on("message", (request: TaskRequest) => {
  try {
    say({ id: request.id, result: runTask(request.task, request.args) });
  } catch (error) {
    say({ id: request.id, error: errorMessage(error) });
  }
});
// Loaded (under tsx, compiled through its loader first): task time limits start from here.
say({ ready: true });
