import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runAction } from "../../src/action.js";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { commentPayload, HEAD_SHA, pullRequestObject, pullRequestPayload } from "../helpers/payloads.js";
import { FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";

const AGENTS = fileURLToPath(new URL("../../agents", import.meta.url));

function eventFile(payload: Record<string, any>): string {
  const path = join(mkdtempSync(join(tmpdir(), "dr-action-")), "event.json");
  // Workflow event payloads carry no installation: the workflow's token is used instead.
  const { installation: _installation, ...rest } = payload;
  writeFileSync(path, JSON.stringify(rest));
  return path;
}

const baseEnv = (name: string, path: string) => ({
  GITHUB_EVENT_NAME: name,
  GITHUB_EVENT_PATH: path,
  INPUT_GITHUB_TOKEN: "ghs_workflow_token",
  GITHUB_RUN_ID: "42",
  LOG_LEVEL: "fatal" as const,
  DJANGO_REVIEW_AGENTS_DIR: AGENTS,
  DJANGO_REVIEW_MODEL_RETRIES: "0",
});

describe("GitHub Action", () => {
  it("reviews the workflow's pull_request event with the workflow's token", async () => {
    const github = new GitHubMock().config().files(engineerPrFiles()).review();
    const seen: string[] = [];
    github.scope.on("request", (req: { headers: Record<string, string> }) => seen.push(req.headers.authorization ?? ""));
    const model = mockModel({ summary: "From the Action.", comments: [] });
    const code = await runAction({ ...baseEnv("pull_request", eventFile(pullRequestPayload("opened"))), INPUT_ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY });
    expect(code).toBe(0);
    expect(github.scope.isDone()).toBe(true);
    expect(model.calls).toHaveLength(1);
    expect(github.reviews[0]!.body).toContain("From the Action.");
    expect(new Set(seen)).toEqual(new Set(["token ghs_workflow_token"]));
  });

  it("knows itself as the workflow token's actor: its own marker skips a reviewed head, the app's marker does not", async () => {
    const marker = `Review\n\n<!-- django-review sha=${HEAD_SHA} -->`;
    // A head the django-review GitHub App (another identity) reviewed: the Action still reviews it.
    const github = new GitHubMock()
      .config(undefined, { viewer: "github-actions[bot]", selfLogin: "github-actions", otherReviews: [{ body: marker, author: { __typename: "Bot", login: "django-review" } }] })
      .files(engineerPrFiles())
      .review();
    expect(await runAction(baseEnv("pull_request", eventFile(pullRequestPayload("opened"))))).toBe(0);
    expect(github.reviews).toHaveLength(1);
    // A head the Action itself reviewed: skipped.
    const again = new GitHubMock().config(undefined, { viewer: "github-actions[bot]", selfLogin: "github-actions", reviewedShas: [HEAD_SHA] }).reviewedHead();
    expect(await runAction(baseEnv("pull_request", eventFile(pullRequestPayload("synchronize"))))).toBe(0);
    expect(again.reviews).toHaveLength(0);
    expect(again.scope.isDone()).toBe(true);
  });

  it("handles /django-review comments too, checking the commenter's permission", async () => {
    const payload = commentPayload("/django-review engineer", { login: "maint" });
    const github = new GitHubMock().permission("maint", "admin").config().reaction(payload.comment.id).pull(pullRequestObject()).files(engineerPrFiles()).review();
    const code = await runAction(baseEnv("issue_comment", eventFile(payload)));
    expect(code).toBe(0);
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews[0]!.body).toContain("engineer requested with `/django-review`");
  });

  it("fails the step when the review fails", async () => {
    const github = new GitHubMock().config();
    github.scope.get("/repos/Codertocat/Hello-World/pulls/2/files").query(true).reply(403, { message: "Resource not accessible by integration" });
    const code = await runAction(baseEnv("pull_request", eventFile(pullRequestPayload("opened"))));
    expect(code).toBe(1);
    expect(github.scope.isDone()).toBe(true);
  });

  it("explains what it needs outside Actions, and ignores other events", async () => {
    expect(await runAction({})).toBe(2);
    expect(await runAction(baseEnv("push", eventFile({})))).toBe(0);
  });
});
