/**
 * The worker-thread side of `checks-off-thread.ts`: runs the Django checks (pure, CPU-bound, regex
 * heavy on hostile input) for the main thread, which meanwhile keeps answering webhooks and /healthz.
 */
import { parentPort } from "node:worker_threads";
import type { RepoConfig } from "../config/schema.js";
import type { DiffFile } from "../diff/types.js";
import { checkPullRequest } from "./check-pull-request.js";

export interface ChecksRequest {
  id: number;
  files: DiffFile[];
  heads: Array<[string, string]>;
  related: Array<[string, string]>;
  config: RepoConfig;
}

parentPort?.on("message", (request: ChecksRequest) => {
  try {
    const result = checkPullRequest(request.files, new Map(request.heads), new Map(request.related), request.config);
    parentPort?.postMessage({ id: request.id, result });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
