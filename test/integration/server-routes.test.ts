import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import nock from "nock";
import { createNodeMiddleware, createProbot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory.js";
import { engineerPrFiles, newFilePatch } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { AGENTS_DIR, FAKE_ANTHROPIC_KEY, TEST_PRIVATE_KEY, TestOctokit } from "../helpers/probot.js";

describe("/healthz and /metrics", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    nock.enableNetConnect();
  });

  it("answer beside the webhook route, and the metrics count reviews, tokens and the queue", async () => {
    const queue = new MemoryQueue(1);
    const probot = createProbot({
      env: { APP_ID: "1", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s", LOG_LEVEL: "fatal" },
      overrides: { Octokit: TestOctokit },
    });
    const middleware = await createNodeMiddleware(
      createApp({
        env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, DJANGO_REVIEW_MODEL_RETRIES: "0" },
        agentsDir: AGENTS_DIR,
        queue,
      }),
      { probot },
    );
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    nock.enableNetConnect("127.0.0.1");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    new GitHubMock().token().config().files(engineerPrFiles()).review();
    mockModel({ summary: "ok", comments: [] });
    const body = JSON.stringify(pullRequestPayload("opened"));
    await fetch(`${base}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "m",
        "x-hub-signature-256": `sha256=${createHmac("sha256", "s").update(body).digest("hex")}`,
      },
    });
    await queue.onIdle();

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('django_review_reviews_total{outcome="posted"} 1');
    expect(metrics).toContain('django_review_model_tokens_total{kind="output"} 300');
    expect(metrics).toContain("django_review_queue_depth 0");
    expect(metrics).toMatch(/django_review_review_duration_seconds_count 1/);
    expect(metrics).toMatch(/django_review_model_cost_usd_total \d/);
  });

  it("stay under a second while a hostile review runs: parsing, checks and prompts work off the event loop", async () => {
    const queue = new MemoryQueue(1);
    const probot = createProbot({
      env: { APP_ID: "1", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s", LOG_LEVEL: "fatal" },
      overrides: { Octokit: TestOctokit },
    });
    // The review runs for seconds here: no freshness re-read before posting, whatever the machine's speed.
    const env = { DJANGO_REVIEW_STALE_CHECK_MS: "-1" };
    const middleware = await createNodeMiddleware(createApp({ env, agentsDir: AGENTS_DIR, queue }), { probot });
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    nock.enableNetConnect("127.0.0.1");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // One view with 5,000 queryset loops (450 KB): the checks take seconds on it. And one 130,000-line
    // hunk (4 MB): parsing it and rendering it for the prompt take most of a second on the main thread.
    const big = `${Array.from({ length: 130_000 }, (_, i) => `X${i} = "a.b.b.b.b ${i}"`).join("\n")}\n`;
    const text = `def v(request):\n${Array.from({ length: 5_000 }, (_, i) => `    qs${i} = Order.objects.filter(n=${i})\n    for o in qs${i}:\n        print(o.customer.name)`).join("\n")}\n`;
    const github = new GitHubMock()
      .token()
      .config()
      .files([
        { filename: "shop/views.py", status: "added", patch: newFilePatch(text), content: text },
        { filename: "shop/constants.py", status: "added", patch: newFilePatch(big), content: big },
      ])
      .review();
    const body = JSON.stringify(pullRequestPayload("opened"));
    const started = Date.now();
    await fetch(`${base}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "hostile",
        "x-hub-signature-256": `sha256=${createHmac("sha256", "s").update(body).digest("hex")}`,
      },
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let slowest = 0;
    let probes = 0;
    let idle = false;
    void queue.onIdle().then(() => (idle = true));
    while (!idle) {
      const t = Date.now();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      slowest = Math.max(slowest, Date.now() - t);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    delay.disable();
    expect(github.reviews).toHaveLength(1);
    // The review took long enough for the probes to mean something.
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(probes).toBeGreaterThan(10);
    expect(slowest).toBeLessThan(1_000);
    // And the event loop itself never stalled for a second (the checks alone run for seconds, and the
    // whole review on the main thread stalls it for over two: DJANGO_REVIEW_CHECKS_INLINE=1).
    expect(delay.max / 1e6).toBeLessThan(1_000);
  }, 60_000);
});
