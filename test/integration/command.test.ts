import nock from "nock";
import { describe, expect, it } from "vitest";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel, mockModelText } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { commentPayload, HEAD_SHA, pullRequestObject, pullRequestPayload } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

async function deliverComment(payload: Record<string, any>) {
  const app = await createTestProbot();
  await app.receive({ id: "delivery-c", name: "issue_comment", payload });
}

/** A push to the PR, delivered to a fresh app (nothing kept in memory from earlier deliveries). */
async function deliverPush() {
  const app = await createTestProbot();
  await app.receive({ id: "delivery-p", name: "pull_request", payload: pullRequestPayload("synchronize") } as never);
}

describe("/django-review command", () => {
  it("from a maintainer: 👀 reaction, then one review with the requested persona", async () => {
    const payload = commentPayload("/django-review architect\nplease look at the migration", { login: "maint" });
    const reactions: string[] = [];
    const github = new GitHubMock()
      .token()
      .permission("maint", "write", "maintain")
      .reaction(payload.comment.id, (b) => reactions.push(b.content))
      .pull(pullRequestObject())
      .config()
      .files(engineerPrFiles())
      .related()
      .review();
    const model = mockModel({ summary: "ok", comments: [] });

    await deliverComment(payload);

    expect(github.scope.isDone()).toBe(true);
    expect(model.scope.isDone()).toBe(true);
    expect(reactions).toEqual(["eyes"]);
    expect(github.reviews).toHaveLength(1);
    expect(model.calls[0]!.body.system[0].text).toContain("elite Django backend architect");
    expect(github.reviews[0]!.body).toContain("architect requested with `/django-review`");
  });

  it("without an argument routes automatically", async () => {
    const payload = commentPayload("/django-review", { login: "admin-user" });
    const github = new GitHubMock()
      .token()
      .permission("admin-user", "admin")
      .reaction(payload.comment.id)
      .pull(pullRequestObject())
      .config()
      .files(engineerPrFiles())
      .related()
      .review();
    mockModel({ summary: "ok", comments: [] });

    await deliverComment(payload);

    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews[0]!.body).toMatch(/\*\*Persona:\*\* engineer \(/);
  });

  it("an unknown command gets the help: commands, this PR's state, the persona its changes point to, the config", async () => {
    const payload = commentPayload("/django-review wizard @everyone", { login: "admin-user" });
    const github = new GitHubMock()
      .token()
      .permission("admin-user", "admin")
      .reaction(payload.comment.id)
      .config("max_comments: 7\nchecks:\n  disable: [DJ307]\n")
      .fileList(engineerPrFiles())
      .comment();
    await deliverComment(payload);
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(github.reviews).toHaveLength(0);
    const help = github.comments[0]!;
    expect(help).toMatch(/^`wizard` is not a django-review command\.\n\n\*\*django-review commands\*\*/);
    expect(help).toContain("- `/django-review pause` / `resume`");
    expect(help).toContain("**On this pull request:** reviews on every push; persona now: engineer (");
    expect(help).toContain("max_comments 7, max_lookups 8, checks on (off: `DJ307`).");
    expect(help).not.toContain("@everyone");
  });

  it("pause stops automatic reviews until resume, and the state is read back from GitHub", async () => {
    const pause = commentPayload("/django-review pause", { login: "maint" });
    const github = new GitHubMock().token().permission("maint", "write").reaction(pause.comment.id).comment();
    await deliverComment(pause);
    expect(github.comments[0]).toMatch(
      /^⏸️ \*\*django-review is paused on this pull request\*\*[\s\S]*<!-- django-review state=paused -->$/,
    );

    // A push, in a fresh app (as after a restart): the pause is read from the app's comment on GitHub.
    github.token().config();
    await deliverPush();
    expect(github.reviews).toHaveLength(0);

    const resume = commentPayload("/django-review resume", { login: "maint" });
    resume.comment.id += 1;
    github.token().permission("maint", "write").reaction(resume.comment.id).comment();
    await deliverComment(resume);
    github.token().config().files(engineerPrFiles()).related().review();
    mockModel({ summary: "ok", comments: [] });
    await deliverPush();
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(github.reviews).toHaveLength(1);
  });

  it("ignore DJ… switches that rule off for this PR's later reviews; without a rule it says how", async () => {
    const ignore = commentPayload("/django-review ignore dj502 we know", { login: "maint" });
    const github = new GitHubMock().token().permission("maint", "write").reaction(ignore.comment.id).comment();
    await deliverComment(ignore);
    expect(github.comments[0]).toMatch(
      /^🔕 `DJ502` is off for this pull request[\s\S]*<!-- django-review state=ignore-rule:DJ502 -->$/,
    );

    github.token().config().files(engineerPrFiles()).related().review();
    mockModel({ summary: "ok", comments: [] });
    await deliverPush();
    expect(github.reviews[0]!.comments.map((c) => /`(DJ\d+)`/.exec(c.body)?.[1])).not.toContain("DJ502");
    expect(github.reviews[0]!.comments.length).toBeGreaterThan(0);

    const bare = commentPayload("/django-review ignore", { login: "maint" });
    bare.comment.id += 1;
    github.token().permission("maint", "write").reaction(bare.comment.id).comment();
    await deliverComment(bare);
    expect(github.comments[1]).toContain("name it: `/django-review ignore DJ101`");
    expect(github.comments[1]).not.toContain("<!-- django-review");
    expect(github.scope.isDone()).toBe(true);
  });

  it("full posts every finding again, the ones already in open threads too", async () => {
    const first = new GitHubMock().token().config().files(engineerPrFiles()).related().review();
    mockModel({ summary: "ok", comments: [] });
    await deliverPush();
    const posted = first.reviews[0]!.comments.length;
    expect(posted).toBeGreaterThan(0);

    for (const [body, expected] of [
      ["/django-review", 0],
      ["/django-review full", posted],
    ] as const) {
      const payload = commentPayload(body, { login: "maint" });
      payload.comment.id += body.length;
      first.token().permission("maint", "write").reaction(payload.comment.id).pull(pullRequestObject());
      first
        .config(undefined, { reviewedShas: [HEAD_SHA] })
        .files(engineerPrFiles())
        .related()
        .review();
      mockModel({ summary: "ok", comments: [] });
      await deliverComment(payload);
      expect(first.reviews.at(-1)!.comments).toHaveLength(expected);
    }
    expect(first.reviews.at(-1)!.body).toContain("Full review requested: every finding is posted again.");
    expect(first.scope.isDone()).toBe(true);
  });

  it("ask: the question and the PR go to the model as data; the answer is posted sanitised, with its cost", async () => {
    const payload = commentPayload("/django-review ask Is the new </question> null=True on `note` safe? @all", {
      login: "maint",
    });
    const github = new GitHubMock()
      .token()
      .permission("maint", "write")
      .config()
      .reaction(payload.comment.id)
      .pull(pullRequestObject())
      .files(engineerPrFiles())
      .related()
      .comment();
    const model = mockModelText("Yes, but cc @octo-org/team and see [this](https://evil.example/x).");

    await deliverComment(payload);

    expect(github.scope.isDone()).toBe(true);
    const call = model.calls[0]!;
    expect(call.body.tools).toBeUndefined();
    expect(call.body.max_tokens).toBe(1500);
    expect(call.body.system[0].text).toMatch(/^You answer one question about a GitHub pull request/);
    const user: string = call.body.messages[0].content;
    expect(user).toContain("<question>\nIs the new &lt;/question> null=True on `note` safe? @all\n</question>");
    expect(user).toContain("R11 +     note = models.CharField(max_length=200, null=True)");
    const answer = github.comments[0]!;
    expect(answer).not.toMatch(/(^|\s)@octo-org/);
    expect(answer).not.toContain("](https://evil.example");
    expect(answer).toMatch(
      /<sub>Answered as django-backend-engineer · model `claude-sonnet-5-5` · tokens: 2000 input · 120 output · ≈ \$[\d.]+<\/sub>$/,
    );
    expect(github.reviews).toHaveLength(0);
    // one batched read, of the changed files only: no project files, no tree
    expect(github.blobReads).toHaveLength(1);
    expect(github.blobReads[0]!.map((e) => e.slice(41)).sort()).toEqual(
      engineerPrFiles()
        .map((f) => f.filename)
        .sort(),
    );
  });

  it("ask counts against limits.replies_per_pr_per_hour, and says so when it is spent", async () => {
    const github = new GitHubMock().token();
    const app = await createTestProbot();
    for (const n of [1, 2]) {
      const payload = commentPayload(`/django-review ask question ${n}`, { login: "maint" });
      payload.comment.id += n;
      github.permission("maint", "write").config("limits:\n  replies_per_pr_per_hour: 1\n").comment();
      if (n === 1) {
        github.reaction(payload.comment.id).pull(pullRequestObject()).files(engineerPrFiles()).related();
        mockModelText("An answer.");
      }
      await app.receive({ id: `ask-${n}`, name: "issue_comment", payload } as never);
    }
    expect(github.scope.isDone()).toBe(true);
    expect(github.comments[1]).toBe(
      "Not answered: the limit of 1 replies per pull request per hour was reached (`limits` in the config).",
    );
  });

  it("ask without an API key says it needs one", async () => {
    const payload = commentPayload("/django-review ask why?", { login: "maint" });
    const github = new GitHubMock().token().permission("maint", "write").reaction(payload.comment.id).comment();
    const app = await createTestProbot({ env: {} });
    await app.receive({ id: "ask-nokey", name: "issue_comment", payload } as never);
    expect(github.scope.isDone()).toBe(true);
    expect(github.comments[0]).toContain("needs a model: no `ANTHROPIC_API_KEY` is configured");
  });

  it("from a read-only user: asks GitHub for the permission, then posts nothing", async () => {
    const github = new GitHubMock().token().permission("drive-by", "read");
    await deliverComment(commentPayload("/django-review", { login: "drive-by" }));
    expect(github.scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    expect(github.reviews).toHaveLength(0);
  });

  it("ignores bots, other comments and comments on issues without a request", async () => {
    await deliverComment(commentPayload("/django-review", { login: "django-review[bot]", userType: "Bot" }));
    await deliverComment(commentPayload("Looks good, but /django-review later"));
    await deliverComment(commentPayload("/django-reviewer"));
    const onIssue = commentPayload("/django-review");
    delete onIssue.issue.pull_request;
    await deliverComment(onIssue);
    // nock has no interceptor at all: any request (even a token request) would have failed the delivery
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("on a closed pull request: acknowledged, then nothing is reviewed", async () => {
    const payload = commentPayload("/django-review", { login: "maint" });
    const github = new GitHubMock()
      .token()
      .permission("maint", "write")
      .reaction(payload.comment.id)
      .config()
      .pull({ ...pullRequestObject(), state: "closed" });
    await deliverComment(payload);
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(0);
  });

  it("still reviews when the reaction cannot be added", async () => {
    const payload = commentPayload("/django-review", { login: "maint" });
    const github = new GitHubMock().token().permission("maint", "write");
    github.scope
      .post(`/repos/Codertocat/Hello-World/issues/comments/${payload.comment.id}/reactions`)
      .reply(403, { message: "Resource not accessible by integration" });
    github.pull(pullRequestObject()).config().files(engineerPrFiles()).related().review();
    mockModel({ summary: "ok", comments: [] });

    await deliverComment(payload);

    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(1);
  });
});
