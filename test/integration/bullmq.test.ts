import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/app.js";
import { BullQueue } from "../../src/queue/bullmq.js";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { HEAD_SHA, pullRequestPayload } from "../helpers/payloads.js";
import { AGENTS_DIR, FAKE_ANTHROPIC_KEY, TEST_PRIVATE_KEY, TestOctokit } from "../helpers/probot.js";
import { Probot } from "probot";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function redisUrl(): string {
  const url = inject("redisUrl");
  if (!url) throw new Error("no Redis server: install Debian's redis-server (.ci/run does)");
  return url;
}

const queues: BullQueue[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await Promise.all(queues.splice(0).map((q) => q.close()));
});

function queueEnv(prefix: string): NodeJS.ProcessEnv {
  return {
    REDIS_URL: redisUrl(),
    DJANGO_REVIEW_QUEUE_PREFIX: prefix,
    DJANGO_REVIEW_QUEUE_LOCK_MS: "1500",
    DJANGO_REVIEW_QUEUE_STALLED_MS: "500",
    ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
    DJANGO_REVIEW_MODEL_RETRIES: "0",
  };
}

/** A replica: a real Probot instance whose app queues on Redis. */
async function replica(env: NodeJS.ProcessEnv): Promise<{ probot: Probot; queue: BullQueue }> {
  const queue = new BullQueue(env.REDIS_URL as string, {
    concurrency: 2,
    prefix: env.DJANGO_REVIEW_QUEUE_PREFIX as string,
    lockDurationMs: Number(env.DJANGO_REVIEW_QUEUE_LOCK_MS),
    stalledIntervalMs: Number(env.DJANGO_REVIEW_QUEUE_STALLED_MS),
  });
  queues.push(queue);
  const probot = new Probot({ appId: 123, privateKey: TEST_PRIVATE_KEY, Octokit: TestOctokit, logLevel: "fatal" });
  await probot.load(createApp({ env, agentsDir: AGENTS_DIR, queue }), { cwd: ROOT, addHandler: () => {} });
  return { probot, queue };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Skipped, with a warning from test/redis-setup.ts, only where redis-server is absent and CI is not set.
const withRedis = describe.skipIf(!inject("redisUrl"));

withRedis("BullMQ on a real Redis", () => {
  it("queues the review on Redis and a worker posts it", async () => {
    const env = queueEnv(`t1-${Date.now()}`);
    const github = new GitHubMock().token().config().files(engineerPrFiles()).review();
    mockModel({ summary: "Via Redis.", comments: [] });
    const { probot, queue } = await replica(env);
    await probot.receive({ id: "r1", name: "pull_request", payload: pullRequestPayload("opened") } as never);
    expect(await queue.size()).toBeGreaterThan(0);
    await until(() => github.reviews.length === 1);
    await queue.onIdle();
    expect(github.reviews[0]!.body).toContain("Via Redis.");
    expect(await queue.size()).toBe(0);
  });

  it("two replicas: one review per PR at a time, and the newer head supersedes the older", async () => {
    const env = queueEnv(`t2-${Date.now()}`);
    const newer = "b".repeat(40);
    // The older head's job may be superseded before it even asks for a token: that token is optional.
    const github = new GitHubMock()
      .token()
      .token({ optional: true })
      .config(undefined, { delayMs: 400 })
      .config(undefined, { headSha: newer })
      .files(engineerPrFiles(), newer)
      .review();
    mockModel({ summary: "newer", comments: [] });
    const one = await replica(env);
    const two = await replica(env);
    await one.probot.receive({ id: "a", name: "pull_request", payload: pullRequestPayload("synchronize") } as never);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await two.probot.receive({
      id: "b",
      name: "pull_request",
      payload: pullRequestPayload("synchronize", { headSha: newer }),
    } as never);
    await until(() => github.reviews.length === 1);
    await one.queue.onIdle();
    expect(github.reviews.map((r) => r.commit_id)).toEqual([newer]);
  });

  it("a worker killed mid-job: the job completes on another worker, with one review posted", async () => {
    const env = queueEnv(`t3-${Date.now()}`);
    // Replica A runs in its own process and is killed while it waits on the model.
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/bullmq-worker.ts"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    let output = "";
    child.stdout?.on("data", (chunk) => (output += String(chunk)));
    await until(() => output.includes("READY"), 20_000);

    // The webhook was received (and queued) by some replica; here, straight onto the queue.
    const front = new BullQueue(env.REDIS_URL as string, {
      concurrency: 1,
      prefix: env.DJANGO_REVIEW_QUEUE_PREFIX as string,
    });
    queues.push(front);
    const payload = pullRequestPayload("opened");
    const key = "Codertocat/Hello-World#2";
    await front.enqueue({
      key,
      headSha: HEAD_SHA,
      id: `${key}@${HEAD_SHA}`,
      supersedes: true,
      event: { id: "k", name: "pull_request", payload },
    });
    await until(() => output.includes("MODEL_CALLED"), 20_000);
    child.kill("SIGKILL");

    // Replica B takes the job over once A's lock on it has lapsed.
    const github = new GitHubMock().token().config().files(engineerPrFiles()).review();
    mockModel({ summary: "Recovered.", comments: [] });
    await replica(env);
    await until(() => github.reviews.length > 0, 20_000);
    await front.onIdle();
    expect(github.reviews).toHaveLength(1);
    expect(github.reviews[0]!.body).toContain("Recovered.");
  }, 60_000);
});

withRedis("fair between installations on Redis", () => {
  it("another installation's first review goes before one installation's backlog", async () => {
    const queue = new BullQueue(redisUrl(), { concurrency: 1, prefix: `fair-${Date.now()}` });
    queues.push(queue);
    const order: string[] = [];
    const job = (tenant: string, n: number) => ({
      key: `${tenant}/repo#${n}`,
      headSha: `s${n}`,
      id: `${tenant}-${n}`,
      supersedes: true,
      tenant,
      event: { id: `${tenant}-${n}`, name: "pull_request", payload: {} },
    });
    // Queued before a worker runs: the order is Redis's alone.
    for (let n = 1; n <= 6; n++) await queue.enqueue(job("busy", n));
    await queue.enqueue(job("quiet", 1));
    queue.start(async (event) => {
      order.push(event.id);
    });
    await until(() => order.length === 7);
    expect(order.indexOf("quiet-1")).toBeLessThanOrEqual(1);
  });
});
