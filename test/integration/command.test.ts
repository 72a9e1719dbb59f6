import nock from "nock";
import { describe, expect, it } from "vitest";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { commentPayload, pullRequestObject } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

async function deliverComment(payload: Record<string, any>) {
  const app = await createTestProbot();
  await app.receive({ id: "delivery-c", name: "issue_comment", payload });
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

  it("without an argument routes automatically, and says so when the argument is unknown", async () => {
    const payload = commentPayload("/django-review wizard", { login: "admin-user" });
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
    expect(github.reviews[0]!.body).toContain("`wizard` is not a persona");
    expect(github.reviews[0]!.body).toMatch(/\*\*Persona:\*\* engineer \(/);
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
