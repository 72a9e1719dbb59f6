import { MemoryQueue } from "../src/queue/memory.js";
import type { ReviewJob } from "../src/queue/types.js";

export interface FairnessResult {
  deliveries: number;
  pullRequests: number;
  installations: number;
  drainMs: number;
  /** Per installation: how long its first review waited to start. */
  firstStartMs: Record<string, number>;
}

/**
 * The queue under a burst: `deliveries` pushes over `prs` pull requests of `installations`
 * installations, one installation sending most of them, each review taking `reviewMs` (a
 * zero-latency model plus the app's own work). Measures when each installation's first review
 * started (fairness) and when the queue drained.
 */
export async function measureFairness(
  deliveries = 500,
  prs = 50,
  installations = 5,
  reviewMs = 20,
  concurrency = 4,
): Promise<FairnessResult> {
  const started = performance.now();
  const firstStartMs: Record<string, number> = {};
  const queue = new MemoryQueue(concurrency);
  queue.start(async (event) => {
    const tenant = String((event.payload as { tenant: string }).tenant);
    firstStartMs[tenant] ??= performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, reviewMs));
  });
  for (let i = 0; i < deliveries; i++) {
    // Installation 1 owns most pull requests (a monorepo's bot pushing), the others a few each.
    const pr = i % prs;
    const tenant = pr < prs - (installations - 1) ? "1" : String(2 + (pr % (installations - 1)));
    const job: ReviewJob = {
      key: `${tenant}/repo#${pr}`,
      headSha: `sha${i}`,
      id: `${tenant}#${pr}@${i}`,
      supersedes: true,
      tenant,
      event: { id: `d${i}`, name: "pull_request", payload: { tenant } },
    };
    await queue.enqueue(job);
  }
  await queue.onIdle();
  return { deliveries, pullRequests: prs, installations, drainMs: performance.now() - started, firstStartMs };
}
