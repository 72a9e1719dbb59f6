import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type Logger, Probot, ProbotOctokit } from "probot";
import { createApp } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory.js";

// A throwaway key made per test run: no PEM file in the repository for Probot to pick up by mistake.
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

// Function form: it runs after Probot's own defaults, so retries and throttling really are off
// (the throttler's shared limiters would otherwise pace every review post by 3 s across tests).
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export const AGENTS_DIR = fileURLToPath(new URL("../../agents", import.meta.url));
export const FAKE_ANTHROPIC_KEY = "sk-ant-test-key";

export interface TestAppOptions {
  env?: NodeJS.ProcessEnv;
  baseUrl?: string;
  /** Defaults to an Octokit with retries and throttling off. */
  Octokit?: typeof ProbotOctokit;
  /** Where the app's log lines go (default: nowhere). */
  log?: Logger;
}

export interface TestApp {
  probot: Probot;
  queue: MemoryQueue;
  /** Delivers a webhook event, then waits until the reviews it queued have finished. */
  receive(event: { id: string; name: string; payload: unknown }): Promise<void>;
}

/** A real Probot instance running the real app and queue; only the network below it is faked (nock). */
export async function createTestProbot(options: TestAppOptions = {}): Promise<TestApp> {
  const probot = new Probot({
    appId: 123,
    privateKey,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    Octokit: options.Octokit ?? TestOctokit,
    ...(options.log ? { log: options.log } : { logLevel: "fatal" as const }),
  });
  const env = options.env ?? { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, DJANGO_REVIEW_MODEL_RETRIES: "0" };
  const queue = new MemoryQueue(4, (_job, error) => {
    throw error;
  });
  await probot.load(createApp({ env, agentsDir: AGENTS_DIR, queue }), { cwd: process.cwd(), addHandler: () => {} });
  return {
    probot,
    queue,
    async receive(event) {
      await probot.receive(event as Parameters<Probot["receive"]>[0]);
      await queue.onIdle();
    },
  };
}

export { privateKey as TEST_PRIVATE_KEY };
