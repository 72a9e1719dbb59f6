// Drives the real app (Probot instance, queue, pipeline) over generated PRs against the fake services.
import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../src/app.js";
import { MemoryQueue } from "../src/queue/memory.js";
import { changedLines, FakeServices, INSTALLATION_ID, OWNER, REPO } from "./fake-services.js";
import { generateDjangoPr } from "./generate-django-pr.js";

export const AGENTS_DIR = fileURLToPath(new URL("../agents", import.meta.url));
export const { privateKey: PRIVATE_KEY } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** Retries and the throttler's pacing are off: they would measure GitHub's limits, not our code. */
export const BenchOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export const BENCH_ENV = { ANTHROPIC_API_KEY: "sk-ant-bench", DJANGO_REVIEW_MODEL_RETRIES: "0" };

export function pullRequestEvent(number: number, headSha: string, installation = INSTALLATION_ID) {
  return {
    action: "opened",
    number,
    installation: { id: installation },
    repository: { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, type: "Organization" } },
    sender: { login: "dev", type: "User" },
    pull_request: {
      number,
      title: `Change ${number}`,
      body: "Generated for the benchmark.",
      state: "open",
      draft: false,
      user: { login: "dev", type: "User" },
      head: { sha: headSha, ref: `feature-${number}` },
      base: { sha: "0".repeat(40), ref: "main" },
    },
  };
}

export interface ReviewFigures {
  files: number;
  changedLines: number;
  overheadMs: number;
  githubRequests: number;
  modelCalls: number;
  promptTokensPerLine: number;
  cacheReadShare: number;
  lookups: number;
}

export async function benchReview(fileCount: number, runs: number, linesPerFile?: number): Promise<ReviewFigures> {
  const services = new FakeServices({ modelLooksUp: true });
  const queue = new MemoryQueue(4);
  const probot = new Probot({ appId: 1, privateKey: PRIVATE_KEY, Octokit: BenchOctokit, logLevel: "fatal" });
  await probot.load(createApp({ env: BENCH_ENV, agentsDir: AGENTS_DIR, queue }), {
    cwd: process.cwd(),
    addHandler: () => {},
  });
  const files = generateDjangoPr(fileCount, linesPerFile);
  const times: number[] = [];
  let figures = { github: 0, modelCalls: 0, promptTokens: 0, cacheReadTokens: 0, lookups: 0 };
  // Run 0 warms up (JIT, the installation token); the median is over the rest.
  for (let run = 0; run <= runs; run++) {
    const number = fileCount * 1000 + run;
    const headSha = run.toString(16).padStart(40, "a");
    services.addPr({ number, headSha, files });
    services.reset();
    const started = performance.now();
    await probot.receive({
      id: `bench-${number}`,
      name: "pull_request",
      payload: pullRequestEvent(number, headSha),
    } as never);
    await queue.onIdle();
    const elapsed = performance.now() - started;
    if (services.counters.reviewsPosted !== 1)
      throw new Error(`bench: expected one review for ${fileCount} files, got ${services.counters.reviewsPosted}`);
    if (run > 0) {
      times.push(elapsed);
      figures = { ...services.counters };
    }
  }
  services.close();
  times.sort((a, b) => a - b);
  const lines = changedLines(files);
  return {
    files: fileCount,
    changedLines: lines,
    overheadMs: times[Math.floor(times.length / 2)] as number,
    githubRequests: figures.github,
    modelCalls: figures.modelCalls,
    promptTokensPerLine: figures.promptTokens / lines,
    cacheReadShare: figures.promptTokens === 0 ? 0 : figures.cacheReadTokens / figures.promptTokens,
    lookups: figures.lookups,
  };
}
