import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runAction } from "../../src/action.js";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import {
  commentPayload,
  HEAD_SHA,
  pullRequestObject,
  pullRequestPayload,
  reviewCommentPayload,
} from "../helpers/payloads.js";
import { FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const AGENTS = join(ROOT, "agents");

function eventFile(payload: Record<string, any>): string {
  const path = join(mkdtempSync(join(tmpdir(), "dr-action-")), "event.json");
  // Workflow event payloads carry no installation: the workflow's token is used instead.
  const { installation: _installation, ...rest } = payload;
  writeFileSync(path, JSON.stringify(rest));
  return path;
}

/** Where workflow commands go when a test does not read them. */
const quiet = () => {};

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
    github.scope.on("request", (req: { headers: Record<string, string> }) =>
      seen.push(req.headers.authorization ?? ""),
    );
    const model = mockModel({ summary: "From the Action.", comments: [] });
    const code = await runAction(
      {
        ...baseEnv("pull_request", eventFile(pullRequestPayload("opened"))),
        INPUT_ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
      },
      quiet,
    );
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
      .config(undefined, {
        viewer: "github-actions[bot]",
        selfLogin: "github-actions",
        otherReviews: [{ body: marker, author: { __typename: "Bot", login: "django-review" } }],
      })
      .files(engineerPrFiles())
      .review();
    expect(await runAction(baseEnv("pull_request", eventFile(pullRequestPayload("opened"))), quiet)).toBe(0);
    expect(github.reviews).toHaveLength(1);
    // A head the Action itself reviewed: skipped.
    const again = new GitHubMock()
      .config(undefined, { viewer: "github-actions[bot]", selfLogin: "github-actions", reviewedShas: [HEAD_SHA] })
      .reviewedHead();
    expect(await runAction(baseEnv("pull_request", eventFile(pullRequestPayload("synchronize"))), quiet)).toBe(0);
    expect(again.reviews).toHaveLength(0);
    expect(again.scope.isDone()).toBe(true);
  });

  it("handles /django-review comments too, checking the commenter's permission", async () => {
    const payload = commentPayload("/django-review engineer", { login: "maint" });
    const github = new GitHubMock()
      .permission("maint", "admin")
      .config()
      .reaction(payload.comment.id)
      .pull(pullRequestObject())
      .files(engineerPrFiles())
      .review();
    const code = await runAction(baseEnv("issue_comment", eventFile(payload)), quiet);
    expect(code).toBe(0);
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews[0]!.body).toContain("engineer requested with `/django-review`");
  });

  it("handles replies in the app's review threads (pull_request_review_comment)", async () => {
    const finding = "🟡 **minor** · `DJ502` Nullable text field\n\n<!-- django-review fp=0123456789abcdef0123 -->";
    const github = new GitHubMock()
      .reviewComment(41, { body: finding, path: "shop/models.py", line: 11 })
      .permission("maint", "write")
      .threadReply(41);
    const payload = reviewCommentPayload("why is this a problem?", { login: "maint", inReplyTo: 41 });
    expect(await runAction(baseEnv("pull_request_review_comment", eventFile(payload)), quiet)).toBe(0);
    expect(github.scope.isDone()).toBe(true);
    expect(github.threadReplies[0]).toMatch(/^\*\*`DJ502` /);
  });

  it("fails the step when the review fails, saying which permission the token lacks", async () => {
    const github = new GitHubMock().config();
    github.scope
      .post("/repos/Codertocat/Hello-World/check-runs")
      .reply(403, { message: "Resource not accessible by integration" });
    github.scope
      .get("/repos/Codertocat/Hello-World/pulls/2/files")
      .query(true)
      .reply(403, { message: "Resource not accessible by integration" });
    const lines: string[] = [];
    const code = await runAction(baseEnv("pull_request", eventFile(pullRequestPayload("opened"))), (line) =>
      lines.push(line),
    );
    expect(code).toBe(1);
    expect(github.scope.isDone()).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^::warning title=django-review could not post its review::GitHub refused GET \/repos\/Codertocat\/Hello-World\/pulls\/2\/files \(403\): the workflow's token lacks "pull_requests: read"\./,
    );
  });

  it("with a read-only token (a fork's pull request) still reports: annotations, job summary, SARIF, and why no review was posted", async () => {
    const github = new GitHubMock().config().files(engineerPrFiles()).related();
    const refused = {
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest",
    };
    github.scope.post("/repos/Codertocat/Hello-World/check-runs").reply(403, refused);
    github.scope
      .post("/repos/Codertocat/Hello-World/pulls/2/reviews")
      .reply(403, refused, { "x-accepted-github-permissions": "pull_requests=write" });
    github.scope.get("/repos/Codertocat/Hello-World/pulls/2/reviews").query(true).reply(200, []); // did GitHub keep it after all? no
    const dir = mkdtempSync(join(tmpdir(), "dr-action-out-"));
    const summary = join(dir, "summary.md");
    const sarif = join(dir, "review.sarif");
    const lines: string[] = [];
    const code = await runAction(
      {
        ...baseEnv("pull_request", eventFile(pullRequestPayload("opened"))),
        GITHUB_STEP_SUMMARY: summary,
        INPUT_SARIF_FILE: sarif,
      },
      (line) => lines.push(line),
    );

    expect(code).toBe(0); // reported through Actions' channels: the step does not fail for a fork
    console.log(github.scope.pendingMocks(), lines.slice(0, 40));
    expect(github.scope.isDone()).toBe(true);
    const annotations = lines.filter((l) => /^::(error|warning|notice) file=/.test(l));
    const results = JSON.parse(readFileSync(sarif, "utf8")).runs[0].results as Array<{
      ruleId: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
    }>;
    expect(results.length).toBeGreaterThan(0);
    expect(annotations).toHaveLength(results.length);
    for (const r of results) {
      const where = r.locations[0]!.physicalLocation;
      expect(
        annotations.some((a) =>
          a.includes(`file=${where.artifactLocation.uri},line=${where.region.startLine},title=${r.ruleId} `),
        ),
      ).toBe(true);
    }
    expect(annotations.join("\n")).not.toContain("`"); // plain text, not Markdown
    const hint = lines.find((l) => l.startsWith("::warning title=django-review could not post its review::"));
    expect(hint).toContain(
      'GitHub refused POST /repos/Codertocat/Hello-World/pulls/2/reviews (403): the workflow\'s token lacks "pull_requests: write".',
    );
    expect(hint).toContain("pull_request_target");
    const written = readFileSync(summary, "utf8");
    expect(written).toMatch(/^> \[!WARNING\]\n> GitHub refused POST/);
    expect(written).toContain("<!-- django-review sha="); // the review body as it would have been posted
    expect(written).toContain("| where | severity | source | finding |");
    // What the review printed ran with workflow commands stopped; they resume before the annotations.
    const stop = lines.findIndex((l) => l.startsWith("::stop-commands::"));
    const token = lines[stop]!.slice("::stop-commands::".length);
    expect(lines.indexOf(`::${token}::`)).toBeLessThan(lines.indexOf(annotations[0]!));
  });

  it("explains what it needs outside Actions, and ignores other events", async () => {
    expect(await runAction({})).toBe(2);
    expect(await runAction(baseEnv("push", eventFile({})), quiet)).toBe(0);
  });

  it("action.yml runs the compiled action on Node 22 and hands every input to it", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      runs: {
        steps: Array<{ uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string> }>;
      };
    };
    const steps = action.runs.steps;
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with?.["node-version"]).toBe(22);
    const review = steps.find((s) => s.env?.INPUT_GITHUB_TOKEN)!;
    const entry = /node "\$\{\{ github.action_path \}\}\/(\S+)"/.exec(review.run ?? "")?.[1];
    expect(entry).toBe("lib/action.js");
    expect(existsSync(join(ROOT, entry!))).toBe(true); // built by npm's prepare step, as the action's install step runs it
    for (const input of Object.keys(action.inputs))
      expect(review.env![`INPUT_${input.toUpperCase().replace(/-/g, "_")}`]).toBe(`\${{ inputs.${input} }}`);
  });
});
