import { Worker } from "node:worker_threads";
import { errorMessage } from "../util/error-message.js";
import { DOING, type Offload, type PureTask } from "../decide/pure-tasks.js";
import type { TaskRequest, WorkerMessage } from "./pure-worker.js";

/** A pure task that takes longer than this is given up (the worker is replaced), never waited out. */
export const TASK_TIMEOUT_MS = 60_000;

export type OffThread = Offload & { close: () => Promise<void> };

interface Queued {
  request: TaskRequest;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Runs a review's pure tasks (pure-tasks.ts) on a worker thread: the server's event loop stays free
 * for webhook acknowledgements and `/healthz` whatever a PR contains. Tasks go to the worker one at a
 * time, so each one's time limit counts its own work only (not a queue behind other reviews, nor the
 * worker's start-up); a task past its limit costs its worker, and a fresh one takes the rest.
 * Under tsx (dev, tests) the worker loads the TypeScript source through the same loader.
 */
export function offThread(timeoutMs = TASK_TIMEOUT_MS, options: { workerFile?: URL } = {}): OffThread {
  const queue: Queued[] = [];
  let nextId = 0;
  let current: { worker: Worker; ready: boolean; running?: Queued; timer?: NodeJS.Timeout } | undefined;

  const settle = (outcome: { result?: unknown; error?: Error }) => {
    if (!current?.running) return;
    clearTimeout(current.timer);
    const { resolve, reject } = current.running;
    current.running = undefined;
    if (outcome.error) reject(outcome.error);
    else resolve(outcome.result);
    dispatch();
  };
  const dispatch = () => {
    if (queue.length === 0) return;
    current ??= start();
    if (!current.ready || current.running) return;
    const next = queue.shift() as Queued;
    const running = current;
    running.running = next;
    running.timer = setTimeout(() => {
      // The worker is stuck in this task: it is dropped (and stopped), and the queue moves on.
      if (current === running) current = undefined;
      void running.worker.terminate();
      next.reject(new Error(`${DOING[next.request.task]} did not finish within ${duration(timeoutMs)} and stopped`));
      dispatch();
    }, timeoutMs);
    try {
      running.worker.postMessage(next.request);
    } catch (error) {
      // Arguments the thread cannot take (not plain data): this task fails, the worker serves the next.
      settle({ error: new Error(`${DOING[next.request.task]} failed: ${errorMessage(error)}`) });
    }
  };
  const start = () => {
    // Compiled (lib/): the worker's own .js file. From source (tsx in dev and tests): register tsx's
    // loader in the worker first, then import the .ts file through it.
    const worker = options.workerFile
      ? new Worker(options.workerFile)
      : import.meta.url.endsWith(".ts")
        ? new Worker(
            `import("tsx/esm/api").then(({ register }) => { register(); return ` +
              `import(${JSON.stringify(new URL("./pure-worker.ts", import.meta.url).href)}); })`,
            { eval: true },
          )
        : new Worker(new URL("./pure-worker.js", import.meta.url));
    worker.unref();
    const self = { worker, ready: false } as NonNullable<typeof current>;
    worker.on("message", (message: WorkerMessage) => {
      if (current !== self) return;
      if ("ready" in message) {
        self.ready = true;
        dispatch();
      } else if (self.running?.request.id === message.id) {
        const task = self.running.request.task;
        settle(
          "error" in message
            ? { error: new Error(`${DOING[task]} failed: ${message.error}`) }
            : { result: message.result },
        );
      }
    });
    const lost = (why: string) => {
      if (current !== self) return;
      current = undefined;
      const running = self.running;
      if (running) {
        clearTimeout(self.timer);
        running.reject(new Error(`${DOING[running.request.task]} failed: ${why}`));
      }
      // A worker that dies before it is ready would die again: the waiting tasks fail instead of
      // starting one worker after another.
      if (!self.ready)
        for (const waiting of queue.splice(0))
          waiting.reject(new Error(`${DOING[waiting.request.task]} failed: the worker thread could not start: ${why}`));
      dispatch();
    };
    worker.on("error", (error) => lost(error.message));
    worker.on("exit", (code) => lost(`the worker thread stopped (exit code ${code})`));
    return self;
  };

  const run = ((task: PureTask, ...args: TaskRequest["args"]) =>
    new Promise<unknown>((resolve, reject) => {
      queue.push({ request: { id: nextId++, task, args }, resolve, reject });
      dispatch();
    })) as OffThread;
  run.close = async () => {
    const worker = current?.worker;
    current = undefined;
    for (const waiting of queue.splice(0)) waiting.reject(new Error("the review's worker thread was closed"));
    await worker?.terminate();
  };
  return run;
}

function duration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}
