import { describe, expect, it } from "vitest";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { HEAD_SHA, OWNER, pullRequestPayload, REPO } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

async function deliver() {
  const app = await createTestProbot({ env: {} });
  await app.receive({ id: "cr", name: "pull_request", payload: pullRequestPayload("opened") });
}

describe("the Django review check run", () => {
  it("is neutral by default, counts findings by severity and annotates each rule finding", async () => {
    const github = new GitHubMock().token().config().files(engineerPrFiles()).review();
    await deliver();
    expect(github.checkRuns).toHaveLength(1);
    const run = github.checkRuns[0]!;
    expect(run).toMatchObject({ name: "Django review", head_sha: HEAD_SHA, status: "completed", conclusion: "neutral" });
    expect(run.output.title).toBe("3 major, 1 minor");
    expect(run.output.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title.split(" ")[0]])).toEqual([
      ["shop/migrations/0002_order_note.py", 13, "failure", "DJ301"],
      ["shop/models.py", 11, "warning", "DJ502"],
      ["shop/templates/shop/order_list.html", 5, "failure", "DJ107"],
      ["shop/templates/shop/order_list.html", 6, "failure", "DJ410"],
    ]);
  });

  it("fails on findings at or above check_run.fail_on, so branch protection can require it", async () => {
    const github = new GitHubMock().token().config("check_run:\n  fail_on: major\n").files(engineerPrFiles()).review();
    await deliver();
    expect(github.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    expect(github.checkRuns[0]!.output.summary).toContain("Fails on major or worse");
  });

  it("a head whose review was posted but whose check run was not (a stop between the two) gets it on the next event", async () => {
    const body = `### django-review\n\n**Findings:** 2 🟠 major · 1 🟡 minor\n\n<!-- django-review sha=${HEAD_SHA} -->`;
    const github = new GitHubMock().token().config("check_run:\n  fail_on: major\n", { reviewedShas: [HEAD_SHA] }).reviewedHead({ checkRuns: [], reviewBody: body });
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(0);
    expect(github.checkRuns).toEqual([
      expect.objectContaining({ name: "Django review", head_sha: HEAD_SHA, status: "completed", conclusion: "failure", output: expect.objectContaining({ title: "2 major, 1 minor" }) }),
    ]);
  });

  it("can be turned off", async () => {
    const off = new GitHubMock().token().config("check_run:\n  enabled: false\n").files(engineerPrFiles()).review();
    await deliver();
    expect(off.checkRuns).toHaveLength(0);
    expect(off.reviews).toHaveLength(1);
  });

  it("a refused check run does not cost the review", async () => {
    const github = new GitHubMock().token().config().files(engineerPrFiles());
    github.scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(403, { message: "Resource not accessible by integration" });
    github.review();
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(1);
  });
});
