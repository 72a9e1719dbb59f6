import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { pullRequestPayload } from "../helpers/payloads.js";
import { FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "shutdown-test-secret";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A process of the app as it is deployed, its output collected; `until` waits for a line. */
function start(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let output = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const until = async (pattern: RegExp, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${output}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, exited, until, output: () => output };
}

let running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running = [];
  nock.disableNetConnect();
});

function appEnv(port: number): NodeJS.ProcessEnv {
  return {
    APP_ID: "123",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    PORT: String(port),
    HOST: "127.0.0.1",
    ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
    DJANGO_REVIEW_CONCURRENCY: "1",
    DJANGO_REVIEW_MODEL_RETRIES: "0",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
  };
}

async function deliver(port: number, payload: object, id: string): Promise<number> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
    },
    body,
  });
  return response.status;
}

describe("the server stops like a service", () => {
  it("on SIGTERM mid-review: takes no more webhooks, posts the running review, logs the queued one as dropped, exits 0", async () => {
    nock.enableNetConnect(/^127\.0\.0\.1/);
    const port = await freePort();
    const app = start("node", ["--import", "tsx", "--import", "./test/fixtures/server-wire.ts", "src/main.ts"], {
      ...appEnv(port),
      WIRE_MODEL_DELAY_MS: "1500",
      DJANGO_REVIEW_SHUTDOWN_GRACE_MS: "20000",
    });
    running.push(app.child);
    await app.until(/Listening on/);
    expect(await deliver(port, pullRequestPayload("opened"), "d-running")).toBe(200);
    const waiting = pullRequestPayload("opened", { headSha: "b".repeat(40) });
    waiting.number = 3;
    waiting.pull_request.number = 3;
    expect(await deliver(port, waiting, "d-waiting")).toBe(200);
    await app.until(/WIRE POST \/v1\/messages/); // the model is working on the first review

    app.child.kill("SIGTERM");
    await app.until(/stopping: no new webhooks/);
    const late = await deliver(port, pullRequestPayload("opened", { headSha: "c".repeat(40) }), "d-late").catch(
      () => "refused",
    );
    expect(late).not.toBe(200); // refused at the socket, or answered 500 so that GitHub can redeliver
    const { code } = await app.exited;
    const output = app.output();
    expect(code).toBe(0);
    const stopping = output.indexOf("stopping: no new webhooks");
    const posted = output.indexOf("WIRE POST /repos/Codertocat/Hello-World/pulls/2/reviews");
    expect(stopping).toBeGreaterThan(-1);
    expect(posted).toBeGreaterThan(stopping); // the review was posted after the signal, not lost
    expect(output).toMatch(/"dropped":\["Codertocat\/Hello-World#3@b{40}"\][^\n]*queued reviews dropped at shutdown/);
    expect(output).toContain('"msg":"django-review: stopped"');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow(); // nothing holds the port
  }, 60_000);

  it("`npm start` passes SIGTERM through: the server it started stops and frees its port", async () => {
    nock.enableNetConnect(/^127\.0\.0\.1/);
    const port = await freePort();
    const npm = start("npm", ["start"], appEnv(port));
    running.push(npm.child);
    await npm.until(/Listening on/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    npm.child.kill("SIGTERM");
    await npm.exited;
    await npm.until(/django-review: stopped/, 10_000);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);

  it("a bad environment value stops start-up, naming the variable and what it must be", async () => {
    const port = await freePort();
    const app = start("node", ["--import", "tsx", "src/main.ts"], {
      ...appEnv(port),
      DJANGO_REVIEW_CONCURRENCY: "four",
    });
    running.push(app.child);
    const { code } = await app.exited;
    expect(code).toBe(78);
    expect(app.output()).toContain(
      'django-review: bad environment: DJANGO_REVIEW_CONCURRENCY=\\"four\\": must be a whole number',
    );
    expect(app.output()).not.toContain("Listening on");
  }, 30_000);
});
