import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { ChangedFile } from "../../src/diff/types.js";
import { loadPersonas } from "../../src/personas/load.js";
import { type OffThread, offThread } from "../../src/review/off-thread.js";
import { analyse } from "../../src/decide/analyse.js";
import { type Offload, runInline } from "../../src/decide/pure-tasks.js";
import { engineerPrFiles, newFilePatch } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { AGENTS_DIR, createTestProbot, FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";

/** The engineer fixture as GitHub's file list gives it. */
function changedFiles(): ChangedFile[] {
  return engineerPrFiles().map((f) => ({
    path: f.filename,
    status: (f.status ?? "modified") as ChangedFile["status"],
    additions: 1,
    deletions: 0,
    ...(f.patch ? { patch: f.patch } : {}),
  }));
}
const heads = new Map(engineerPrFiles().map((f) => [f.filename, f.content ?? ""]));
/** A view the checks spend seconds on: 5,000 queryset loops. */
const SLOW_VIEW = `def v(request):\n${Array.from({ length: 5_000 }, (_, i) => `    qs${i} = Order.objects.filter(n=${i})\n    for o in qs${i}:\n        print(o.customer.name)`).join("\n")}\n`;

describe("the review's pure tasks on a worker thread", () => {
  let worker: OffThread | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  it("give what they give inline: parsed diff, check findings, prompts (structured data survives the thread)", async () => {
    worker = offThread();
    const files = await worker("parse", changedFiles());
    expect(files).toEqual(await runInline("parse", changedFiles()));
    expect(files.map((f) => f.hunks.length)).toEqual([1, 1, 1]);

    const checks = await worker("checks", files, heads, new Map(), DEFAULT_CONFIG);
    expect(checks).toEqual(await runInline("checks", files, heads, new Map(), DEFAULT_CONFIG));
    expect(checks.findings.length).toBeGreaterThan(0);

    const persona = [...loadPersonas(AGENTS_DIR).values()][0]!;
    const input = {
      files,
      heads,
      related: new Map<string, string>(),
      config: DEFAULT_CONFIG,
      persona,
      pr: {
        title: "Order notes",
        body: "token = 'ghp_0123456789abcdefghijABCDEFGHIJ012345'",
        baseRef: "main",
        headRef: "n",
      },
      hints: [{ path: "shop/models.py", line: 9, text: "DJ201 hint" }],
      model: "claude-x",
    };
    const prompts = await worker("prompts", input);
    expect(prompts).toEqual(await runInline("prompts", input));
    expect(prompts.requests).toHaveLength(1);
    expect(prompts.requests[0]?.user).toContain("DJ201 hint");
    expect(prompts.redactedSecrets).toBe(1);
    expect(prompts.sentPaths).toEqual(files.map((f) => f.path));
  });

  it("turn a task's error into a rejection naming it, and the worker goes on serving", async () => {
    worker = offThread();
    await expect(worker("parse", null as never)).rejects.toThrow(
      /^reading the diff failed: Cannot read properties of null/,
    );
    expect(await worker("parse", changedFiles())).toHaveLength(3);
  });

  it("fail a task whose arguments cannot cross the thread, and serve the next", async () => {
    worker = offThread();
    await expect(
      worker("parse", [{ path: "a.py", status: "added", additions: 1, deletions: 0, patch: (() => "") as never }]),
    ).rejects.toThrow(/^reading the diff failed: .*could not be cloned/);
    expect(await worker("parse", changedFiles())).toHaveLength(3);
  });

  it("fail the waiting tasks, once, when the worker cannot start (no worker after worker)", async () => {
    worker = offThread(30_000, { workerFile: new URL("./no-such-worker.js", import.meta.url) });
    const results = await Promise.allSettled([worker("parse", changedFiles()), worker("parse", changedFiles())]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(
      /reading the diff failed: the worker thread could not start: .*no-such-worker/,
    );
  });

  it("stop a task past its time limit with a message saying which step, and replace the stuck worker", async () => {
    worker = offThread(300);
    const files = await runInline("parse", [
      { path: "shop/views.py", status: "added", additions: 15_001, deletions: 0, patch: newFilePatch(SLOW_VIEW) },
    ]);
    const stuck = worker("checks", files, new Map([["shop/views.py", SLOW_VIEW]]), new Map(), DEFAULT_CONFIG);
    // Queued behind the stuck task: its limit counts from when it reaches a worker, not from now.
    const behind = worker("parse", changedFiles());
    await expect(stuck).rejects.toThrow("the Django checks did not finish within 300 ms and stopped");
    // A fresh worker takes the queue (its start-up does not count against the task either).
    expect(await behind).toHaveLength(3);
    expect(await worker("parse", changedFiles())).toHaveLength(3);
  });
});

describe("a review whose checks are stopped", () => {
  it("is still posted, with the model's comments and a summary saying the checks did not finish", async () => {
    const app = await createTestProbot({
      env: {
        ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
        DJANGO_REVIEW_MODEL_RETRIES: "0",
        DJANGO_REVIEW_CHECKS_TIMEOUT_MS: "200",
      },
    });
    const github = new GitHubMock()
      .token()
      .config()
      .files([
        { filename: "shop/views.py", status: "added", patch: newFilePatch(SLOW_VIEW), content: SLOW_VIEW },
        // Small enough for the model to be shown (the view is too large for one call).
        engineerPrFiles()[0]!,
      ])
      .review();
    mockModel({
      summary: "One loop worth a look.",
      comments: [
        {
          path: "shop/models.py",
          line: 12,
          side: "RIGHT",
          severity: "major",
          body: "Lock the row first.",
        },
      ],
    });
    await app.receive({ id: "slow", name: "pull_request", payload: pullRequestPayload("opened") });
    expect(github.reviews).toHaveLength(1);
    const [review] = github.reviews;
    expect(review?.body).toContain("The Django checks did not finish");
    expect(review?.comments.map((c) => [c.line, c.body.includes("Lock the row first.")])).toEqual([[12, true]]);
  }, 30_000);
});

describe("a review whose prompts cannot be built", () => {
  it("posts the checks alone, says the model was not asked and why, and calls no model", async () => {
    const files = await runInline("parse", changedFiles());
    const calls: unknown[] = [];
    const warnings: string[] = [];
    const failingPrompts: Offload = (task, ...args) =>
      task === "prompts"
        ? Promise.reject(new Error("building the prompts did not finish within 60 s and stopped"))
        : runInline(task, ...args);
    const analysis = await analyse({
      files,
      skipped: [],
      heads,
      related: new Map(),
      config: DEFAULT_CONFIG,
      personas: loadPersonas(AGENTS_DIR),
      pr: { title: "t", body: "", baseRef: "main", headRef: "n" },
      log: { warn: (_meta, message) => warnings.push(message) },
      model: async (request) => {
        calls.push(request);
        throw new Error("not to be called");
      },
      offload: failingPrompts,
    });
    expect(calls).toEqual([]);
    expect(analysis?.modelResult).toEqual({
      comments: [],
      notice: "The model was not asked: building the prompts did not finish within 60 s and stopped.",
    });
    expect(analysis?.checks.findings.length).toBeGreaterThan(0);
    expect(analysis?.comments.length).toBe(analysis?.checks.findings.length);
    expect(warnings).toEqual([
      "django-review: the prompts could not be built; the review goes on with the checks alone",
    ]);
  });
});
