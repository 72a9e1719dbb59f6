import { createHmac } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import { Writable } from "node:stream";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { createNodeMiddleware, createProbot, type Logger } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory.js";
import { createLog, installWebhookGuard } from "../../src/server/webhook-guard.js";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { AGENTS_DIR, FAKE_ANTHROPIC_KEY, TEST_PRIVATE_KEY, TestOctokit } from "../helpers/probot.js";

const SECRET = "webhook-secret-for-tests";

function probotFromEnv(env: Record<string, string>, log?: Logger) {
  return createProbot({
    env: { APP_ID: "123", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: SECRET, LOG_LEVEL: "fatal", ...env },
    overrides: { Octokit: TestOctokit, ...(log ? { log } : {}) },
  });
}

// As `npm start` does (src/main.ts): oversized bodies refused unread, payloads never logged.
installWebhookGuard();

describe("where the app runs", () => {
  it("talks to GitHub Enterprise Server when GHE_HOST and GHE_PROTOCOL are set", async () => {
    const github = new GitHubMock("http://ghe.example.internal/api/v3")
      .token()
      .config()
      .files(engineerPrFiles())
      .related()
      .review();
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
    const model = mockModel(
      { summary: "via the gateway", comments: [] },
      { baseUrl: "https://llm-gateway.example.com/anthropic" },
    );
    const probot = probotFromEnv({});
    const env = {
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: "https://llm-gateway.example.com/anthropic",
      DJANGO_REVIEW_MODEL: "opus",
    };
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

  async function listen(log?: Logger): Promise<string> {
    const probot = probotFromEnv({}, log);
    const middleware = await createNodeMiddleware(createApp({ env: {}, agentsDir: AGENTS_DIR, queue }), { probot });
    server = createServer((req, res) => {
      void middleware(req, res, () => {
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    nock.enableNetConnect("127.0.0.1");
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api/github/webhooks`;
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

  it("a forged delivery's body is never logged", async () => {
    const lines: string[] = [];
    const log = await createLog(
      { LOG_FORMAT: "json", LOG_LEVEL: "info" },
      new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }),
    );
    const url = await listen(log);
    const body = JSON.stringify({ ...pullRequestPayload("opened"), filler: `SECRET-MARKER-${"x".repeat(1_000_000)}` });
    const response = await post(url, body, `sha256=${"0".repeat(64)}`);
    expect(response.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logged = lines.join("");
    expect(logged).toContain("signature");
    expect(logged).not.toContain("SECRET-MARKER");
    expect(logged.length).toBeLessThan(20_000);
  });

  it("a body over GitHub's 25 MB limit, or of no stated length, is refused before it is read", async () => {
    const url = new URL(await listen());
    const ask = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: "POST",
            headers: { "content-type": "application/json", "x-github-event": "push", ...headers },
          },
          (res) => {
            resolve(res.statusCode ?? 0);
            res.resume();
          },
        );
        request.on("error", reject);
        // Nothing of the declared 30 MB is sent: the answer must come without reading a body.
        request.flushHeaders();
      });
    expect(await ask({ "content-length": String(30 * 1024 * 1024) })).toBe(413);
    expect(await ask({ "transfer-encoding": "chunked" })).toBe(411);
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
