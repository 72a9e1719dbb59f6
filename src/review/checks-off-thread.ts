import { Worker } from "node:worker_threads";
import type { CheckResult } from "../checks/index.js";
import type { RepoConfig } from "../config/schema.js";
import type { DiffFile } from "../diff/types.js";
import type { ChecksRequest } from "./checks-worker.js";

/** A review's checks that take longer than this are given up (the worker is replaced), never waited out. */
export const CHECKS_TIMEOUT_MS = 60_000;

export type RunChecks = (
  files: DiffFile[],
  heads: Map<string, string>,
  related: Map<string, string>,
  config: RepoConfig,
) => Promise<CheckResult>;

/**
 * Runs the Django checks on a worker thread, one review at a time per worker: the server's event
 * loop stays free for webhook acknowledgements and `/healthz` whatever a PR contains. Under tsx (dev,
 * tests) the worker loads the TypeScript source through the same loader.
 */
export function checksOffThread(timeoutMs = CHECKS_TIMEOUT_MS): RunChecks & { close: () => Promise<void> } {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (r: CheckResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  const fail = (error: Error) => {
    for (const { reject, timer } of pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    pending.clear();
    worker = undefined;
  };
  const start = (): Worker => {
    // Compiled (lib/): the worker's own .js file. From source (tsx in dev and tests): register tsx's
    // loader in the worker first, then import the .ts file through it.
    const w = import.meta.url.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(new URL("./checks-worker.ts", import.meta.url).href)}); })`,
          { eval: true },
        )
      : new Worker(new URL("./checks-worker.js", import.meta.url));
    w.unref();
    w.on("message", (message: { id: number; result?: CheckResult; error?: string }) => {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.result) waiting.resolve(message.result);
      else waiting.reject(new Error(message.error ?? "the checks worker failed"));
    });
    w.on("error", (error) => fail(error));
    w.on("exit", (code) => {
      if (worker === w) fail(new Error(`the checks worker stopped (exit code ${code})`));
    });
    return w;
  };
  const run = ((files, heads, related, config) =>
    new Promise<CheckResult>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the Django checks took over ${Math.round(timeoutMs / 1000)} s and were stopped`));
        // A worker stuck in one review is replaced; others waiting on it fail the same way.
        const stuck = worker;
        worker = undefined;
        void stuck?.terminate();
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      const request: ChecksRequest = { id, files, heads: [...heads], related: [...related], config };
      worker.postMessage(request);
    })) as RunChecks & { close: () => Promise<void> };
  run.close = async () => {
    const w = worker;
    worker = undefined;
    await w?.terminate();
  };
  return run;
}
