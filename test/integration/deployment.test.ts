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

const SECRET = "webhook-secret-for-tests";

function probotFromEnv(env: Record<string, string>) {
  return createProbot({
    env: { APP_ID: "123", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: SECRET, LOG_LEVEL: "fatal", ...env },
    overrides: { Octokit: TestOctokit },
  });
}

describe("where the app runs", () => {
  it("talks to GitHub Enterprise Server when GHE_HOST and GHE_PROTOCOL are set", async () => {
    const github = new GitHubMock("http://ghe.example.internal/api/v3").token().config().files(engineerPrFiles()).related().review();
    mockModel({ summary: "ok", comments: [] });
    const probot = probotFromEnv({ GHE_HOST: "ghe.example.internal", GHE_PROTOCOL: "http" });
    const queue = new MemoryQueue(1);
    await probot.load(createApp({ env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY }, agentsDir: AGENTS_DIR, queue }), {
      cwd: process.cwd(),
      addHandler: () => {},
    });

    await probot.receive({ id: "d1", name: "pull_request", payload: pullRequestPayload("opened") } as any);
    await queue.onIdle();

    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(1);
  });

  it("sends model requests to ANTHROPIC_BASE_URL when it is set", async () => {
    const github = new GitHubMock().token().config().files(engineerPrFiles()).related().review();
    const model = mockModel({ summary: "via the gateway", comments: [] }, { baseUrl: "https://llm-gateway.example.com/anthropic" });
    const probot = probotFromEnv({});
    const env = { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: "https://llm-gateway.example.com/anthropic", DJANGO_REVIEW_MODEL: "opus" };
    const queue = new MemoryQueue(1);
    await probot.load(createApp({ env, agentsDir: AGENTS_DIR, queue }), { cwd: process.cwd(), addHandler: () => {} });

    await probot.receive({ id: "d2", name: "pull_request", payload: pullRequestPayload("opened") } as any);
    await queue.onIdle();

    expect(model.scope.isDone()).toBe(true);
    expect(model.calls[0]!.body.model).toBe("claude-opus-5-5");
    expect(github.reviews[0]!.body).toContain("via the gateway");
  });
});

describe("webhook signatures", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    nock.enableNetConnect();
  });

  const queue = new MemoryQueue(1);

  async function listen(): Promise<string> {
    const probot = probotFromEnv({});
    const middleware = await createNodeMiddleware(createApp({ env: {}, agentsDir: AGENTS_DIR, queue }), { probot });
    server = createServer((req, res) => {
      void middleware(req, res, () => {
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    nock.enableNetConnect("127.0.0.1");
    return `http://127.0.0.1:${(server?.address() as AddressInfo).port}/api/github/webhooks`;
  }

  function post(url: string, body: string, signature: string) {
    return fetch(url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "d3",
        "x-hub-signature-256": signature,
      },
    });
  }

  it("rejects a delivery whose signature does not match WEBHOOK_SECRET, before any handler runs", async () => {
    const url = await listen();
    const body = JSON.stringify(pullRequestPayload("opened"));
    const forged = `sha256=${createHmac("sha256", "not-the-secret").update(body).digest("hex")}`;
    const response = await post(url, body, forged);
    expect(response.status).toBe(400);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("accepts a correctly signed delivery", async () => {
    const url = await listen();
    const github = new GitHubMock().token().config();
    const body = JSON.stringify(pullRequestPayload("opened", { draft: true }));
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const response = await post(url, body, signature);
    expect(response.status).toBe(200);
    await queue.onIdle();
    expect(github.scope.isDone()).toBe(true);
  });
});
