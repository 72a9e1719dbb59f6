// 200 signed webhook deliveries at once to the real server middleware on loopback: how fast each
// is acknowledged, and whether every queued review completes.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { createNodeMiddleware, createProbot } from "probot";
import { createApp } from "../src/app.js";
import { MemoryQueue } from "../src/queue/memory.js";
import { FakeServices } from "./fake-services.js";
import { generateDjangoPr } from "./generate-django-pr.js";
import { AGENTS_DIR, BENCH_ENV, BenchOctokit, PRIVATE_KEY, pullRequestEvent } from "./review-bench.js";

const SECRET = "bench-secret";
/** Deliveries in flight at once from the load generator. */
const CLIENT_CONCURRENCY = 20;

export async function measureBurst(
  deliveries: number,
): Promise<{ deliveries: number; p50: number; p99: number; completed: number }> {
  const { services, queue, server, url } = await startBenchApp();

  const files = generateDjangoPr(3);
  const bodies = Array.from({ length: deliveries }, (_, i) => {
    const number = 90_000 + i;
    const headSha = i.toString(16).padStart(40, "c");
    services.addPr({ number, headSha, files });
    return JSON.stringify(pullRequestEvent(number, headSha));
  });
  const prepared = bodies.map((body, i) => ({
    id: `burst-${i}`,
    body,
    signature: `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
  }));
  const client = new Worker(new URL("./burst-client.mjs", import.meta.url), {
    workerData: { url, deliveries: prepared, concurrency: CLIENT_CONCURRENCY },
  });
  const { latencies, failed } = await new Promise<{ latencies: number[]; failed: number }>((resolve, reject) => {
    client.once("message", resolve);
    client.once("error", reject);
  });
  await client.terminate();
  if (failed > 0) throw new Error(`bench: ${failed} deliveries were not answered 200`);
  await queue.onIdle();
  await new Promise((resolve) => server.close(resolve));
  const completed = services.counters.reviewsPosted;
  services.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  return { deliveries, p50: at(0.5), p99: at(0.99), completed };
}

export interface FairBurst {
  deliveries: number;
  pullRequests: number;
  installations: number;
  drainMs: number;
  reviewsPosted: number;
  /** Per installation: when its first review was posted, from the first delivery. */
  firstReviewMs: Record<string, number>;
}

/**
 * The real app under an unfair load: `deliveries` signed pushes over `prs` pull requests of
 * `installations` installations, one installation owning all but one PR per other installation, a
 * zero-latency model. How long the queue takes to drain, and whether the small installations' reviews
 * come early or only after the big one's backlog.
 */
export async function measureFairBurst(deliveries = 500, prs = 50, installations = 5): Promise<FairBurst> {
  const { services, queue, server, url } = await startBenchApp();
  const files = generateDjangoPr(3);
  // PR p belongs to installation 1, except the last (installations - 1) PRs, one per other installation.
  const installationOf = (p: number) => (p < prs - (installations - 1) ? 1 : 2 + (p - (prs - (installations - 1))));
  const prepared = Array.from({ length: deliveries }, (_, i) => {
    const p = i % prs;
    const number = 70_000 + p;
    const headSha = i.toString(16).padStart(40, "d");
    services.addPr({ number, headSha, files });
    const body = JSON.stringify(pullRequestEvent(number, headSha, installationOf(p)));
    return { id: `fair-${i}`, body, signature: `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` };
  });
  const firstReviewMs: Record<string, number> = {};
  const started = performance.now();
  services.onReviewPosted = (number) => {
    firstReviewMs[String(installationOf(number - 70_000))] ??= performance.now() - started;
  };
  const client = new Worker(new URL("./burst-client.mjs", import.meta.url), {
    workerData: { url, deliveries: prepared, concurrency: CLIENT_CONCURRENCY },
  });
  await new Promise((resolve, reject) => {
    client.once("message", resolve);
    client.once("error", reject);
  });
  await client.terminate();
  await queue.onIdle();
  const drainMs = performance.now() - started;
  await new Promise((resolve) => server.close(resolve));
  const reviewsPosted = services.counters.reviewsPosted;
  services.close();
  return { deliveries, pullRequests: prs, installations, drainMs, reviewsPosted, firstReviewMs };
}

/** The real app behind a real HTTP server on loopback, GitHub and the model faked by `FakeServices`. */
async function startBenchApp() {
  const services = new FakeServices();
  const queue = new MemoryQueue(4); // the default DJANGO_REVIEW_CONCURRENCY
  const probot = createProbot({
    env: { APP_ID: "1", PRIVATE_KEY, WEBHOOK_SECRET: SECRET, LOG_LEVEL: "fatal" },
    overrides: { Octokit: BenchOctokit },
  });
  const middleware = await createNodeMiddleware(createApp({ env: BENCH_ENV, agentsDir: AGENTS_DIR, queue }), {
    probot,
  });
  const server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return { services, queue, server, url };
}
