import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { createNodeMiddleware, createProbot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory.js";
import { engineerPrFiles } from "../fixtures/django-pr.js";
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
    const probot = createProbot({ env: { APP_ID: "1", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s", LOG_LEVEL: "fatal" }, overrides: { Octokit: TestOctokit } });
    const middleware = await createNodeMiddleware(createApp({ env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, DJANGO_REVIEW_MODEL_RETRIES: "0" }, agentsDir: AGENTS_DIR, queue }), { probot });
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
      headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "m", "x-hub-signature-256": `sha256=${createHmac("sha256", "s").update(body).digest("hex")}` },
    });
    await queue.onIdle();

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('django_review_reviews_total{outcome="posted"} 1');
    expect(metrics).toContain('django_review_model_tokens_total{kind="output"} 300');
    expect(metrics).toContain("django_review_queue_depth 0");
    expect(metrics).toMatch(/django_review_review_duration_seconds_count 1/);
    expect(metrics).toMatch(/django_review_model_cost_usd_total \d/);
  });
});
