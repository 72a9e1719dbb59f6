import { randomUUID } from "node:crypto";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { Probot } from "probot";
import { createApp } from "./app.js";
import { parseOperatorEnv } from "./config/env.js";
import { appOctokit } from "./github/octokit.js";
import { permissionProblem, workflowPermissionHint } from "./github/permissions.js";
import { MemoryQueue } from "./queue/memory.js";
import { buildReport } from "./report/report.js";
import { toSarif } from "./report/sarif.js";
import { escapeData, jobSummary, workflowAnnotations } from "./report/workflow.js";
import type { RenderedReview } from "./review/run-review.js";

/**
 * Runs the app once for the workflow's event, with the workflow's token (the thin adapter that
 * @probot/adapter-github-actions would be, without its pin to Probot 13). Every review is also
 * reported through Actions' own channels — annotations, the job summary, optionally SARIF — which
 * work with a read-only token (a fork's pull request), when the review itself cannot be posted.
 * Returns the exit code: 1 when the review failed and nothing could be reported.
 */
export async function runAction(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const token = env.INPUT_GITHUB_TOKEN || env.GITHUB_TOKEN;
  const name = env.GITHUB_EVENT_NAME;
  const path = env.GITHUB_EVENT_PATH;
  if (!token || !name || !path) {
    console.error(
      "django-review: run inside GitHub Actions: GITHUB_TOKEN (or the github-token input), GITHUB_EVENT_NAME and " +
        "GITHUB_EVENT_PATH are required",
    );
    return 2;
  }
  const handled = ["pull_request", "pull_request_target", "issue_comment", "pull_request_review_comment"];
  if (!handled.includes(name)) {
    out(`django-review: nothing to do for a ${name} event`);
    return 0;
  }
  const payload = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const failures: unknown[] = [];
  const rendered: RenderedReview[] = [];
  const queue = new MemoryQueue(1, (_job, error) => failures.push(error));
  const settings = parseOperatorEnv({
    ...env,
    ANTHROPIC_API_KEY: env.INPUT_ANTHROPIC_API_KEY || env.ANTHROPIC_API_KEY,
    DJANGO_REVIEW_MODEL: env.INPUT_MODEL || env.DJANGO_REVIEW_MODEL,
  });
  const probot = new Probot({
    githubToken: token,
    Octokit: appOctokit(settings.DJANGO_REVIEW_GITHUB_TIMEOUT_MS),
    logLevel: (env.LOG_LEVEL as "info" | undefined) ?? "info",
    ...(env.GITHUB_API_URL && env.GITHUB_API_URL !== "https://api.github.com" ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  // Nothing the review prints (logs may quote a PR's title or code) may act as a workflow command.
  const resume = randomUUID();
  out(`::stop-commands::${resume}`);
  try {
    // Actions has no server: routes (/healthz, /metrics) have nowhere to go.
    await probot.load(
      createApp({
        settings,
        queue,
        onFailure: (error) => failures.push(error),
        onRendered: (review) => rendered.push(review),
      }),
      { cwd: process.cwd(), addHandler: () => {} },
    );
    await probot.receive({
      id: env.GITHUB_RUN_ID ?? "action",
      name: name === "pull_request_target" ? "pull_request" : name,
      payload,
    } as never);
    await queue.onIdle();
  } finally {
    out(`::${resume}::`);
  }

  const problem = failures.map(permissionProblem).find((p) => p !== undefined);
  const hint = problem ? workflowPermissionHint(problem) : undefined;
  for (const review of rendered) report(env, out, review, hint);
  if (hint) out(`::warning title=django-review could not post its review::${escapeData(hint)}`);
  // A review that could not be posted for lack of permission but was reported here is not a failed step.
  const unreported = failures.filter((f) => !(permissionProblem(f) && rendered.length > 0));
  return unreported.length > 0 ? 1 : 0;
}

/** The review through Actions' channels: annotations, the job summary, and SARIF when asked. */
function report(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  review: RenderedReview,
  hint: string | undefined,
): void {
  const result = buildReport(review.analysis, review.configProblems);
  for (const line of workflowAnnotations(result)) out(line);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, jobSummary(review.body, result, hint));
  if (env.INPUT_SARIF_FILE) writeFileSync(env.INPUT_SARIF_FILE, `${JSON.stringify(toSarif(result), null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runAction(process.env);
