import { readFileSync } from "node:fs";
import { Probot } from "probot";
import { createApp } from "./app.js";
import { AppOctokit } from "./github/octokit.js";
import { MemoryQueue } from "./queue/memory.js";

/**
 * Runs the app once for the workflow's event, with the workflow's token (the thin adapter that
 * @probot/adapter-github-actions would be, without its pin to Probot 13). Returns the exit code:
 * 1 when the review failed, so the workflow run shows it.
 */
export async function runAction(env: NodeJS.ProcessEnv): Promise<number> {
  const token = env.INPUT_GITHUB_TOKEN || env.GITHUB_TOKEN;
  const name = env.GITHUB_EVENT_NAME;
  const path = env.GITHUB_EVENT_PATH;
  if (!token || !name || !path) {
    console.error("django-review: run inside GitHub Actions: GITHUB_TOKEN (or the github-token input), GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are required");
    return 2;
  }
  if (name !== "pull_request" && name !== "pull_request_target" && name !== "issue_comment") {
    console.log(`django-review: nothing to do for a ${name} event`);
    return 0;
  }
  const payload = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  let failed = false;
  const queue = new MemoryQueue(1, () => (failed = true));
  const probot = new Probot({
    githubToken: token,
    Octokit: AppOctokit,
    logLevel: (env.LOG_LEVEL as "info" | undefined) ?? "info",
    ...(env.GITHUB_API_URL && env.GITHUB_API_URL !== "https://api.github.com" ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  const appEnv = { ...env, ANTHROPIC_API_KEY: env.INPUT_ANTHROPIC_API_KEY || env.ANTHROPIC_API_KEY, DJANGO_REVIEW_MODEL: env.INPUT_MODEL || env.DJANGO_REVIEW_MODEL };
  // Actions has no server: routes (/healthz, /metrics) have nowhere to go.
  await probot.load(createApp({ env: appEnv, queue, onFailure: () => (failed = true) }), { cwd: process.cwd(), addHandler: () => {} });
  await probot.receive({ id: env.GITHUB_RUN_ID ?? "action", name: name === "pull_request_target" ? "pull_request" : name, payload } as never);
  await queue.onIdle();
  return failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runAction(process.env);
