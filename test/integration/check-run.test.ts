import nock from "nock";
import { describe, expect, it } from "vitest";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import {
  checkRunRerequestedPayload,
  HEAD_SHA,
  OWNER,
  PR_NUMBER,
  pullRequestObject,
  pullRequestPayload,
  REPO,
} from "../helpers/payloads.js";
import { createTestProbot, FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";

async function deliver(
  env: NodeJS.ProcessEnv = {},
  name = "pull_request",
  payload: Record<string, unknown> = pullRequestPayload("opened"),
) {
  const app = await createTestProbot({ env });
  await app.receive({ id: "cr", name, payload } as never);
}

const WITH_MODEL = { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, DJANGO_REVIEW_MODEL_RETRIES: "0" };

describe("the Django review check run", () => {
  it("is neutral by default, counts findings by severity and annotates each rule finding", async () => {
    const github = new GitHubMock().token().config().files(engineerPrFiles()).review();
    await deliver();
    expect(github.checkRuns).toHaveLength(1);
    const run = github.checkRuns[0]!;
    expect(run).toMatchObject({
      name: "Django review",
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "neutral",
    });
    expect(run.output.title).toBe("3 major, 1 minor");
    expect(
      run.output.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title.split(" ")[0]]),
    ).toEqual([
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
    const github = new GitHubMock()
      .token()
      .config("check_run:\n  fail_on: major\n", { reviewedShas: [HEAD_SHA] })
      .reviewedHead({ checkRuns: [], reviewBody: body });
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(0);
    expect(github.checkRuns).toEqual([
      expect.objectContaining({
        name: "Django review",
        head_sha: HEAD_SHA,
        status: "completed",
        conclusion: "failure",
        output: expect.objectContaining({ title: "2 major, 1 minor" }),
      }),
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
    github.scope
      .post(`/repos/${OWNER}/${REPO}/check-runs`)
      .reply(403, { message: "Resource not accessible by integration" });
    github.review();
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(1);
  });

  it("opens in_progress when the review starts and completes with every finding, the model's included, in plain text", async () => {
    const github = new GitHubMock().token().config().files(engineerPrFiles()).review();
    const model = mockModel({
      summary: "ok",
      comments: [
        {
          path: "shop/models.py",
          line: 12,
          side: "RIGHT",
          severity: "major",
          body: "Lock the row with `select_for_update()` before **changing** it.",
        },
      ],
    });
    let whileModelWorked: string | undefined;
    model.scope.on("request", () => (whileModelWorked = github.checkRuns[0]?.status));
    await deliver(WITH_MODEL);
    expect(whileModelWorked).toBe("in_progress");
    expect(github.checkRuns).toHaveLength(1);
    const run = github.checkRuns[0]!;
    expect(run).toMatchObject({
      name: "Django review",
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "neutral",
    });
    expect(run.output.title).toBe("4 major, 1 minor");
    expect(run.output.summary).toContain("(4 from the Django checks, 1 from the model)");
    const fromModel = run.output.annotations.find((a) => a.path === "shop/models.py" && a.start_line === 12);
    expect(fromModel).toMatchObject({
      annotation_level: "failure",
      title: "django-review (model)",
      message: "Lock the row with select_for_update() before changing it.",
    });
    expect(run.output.annotations.map((a) => a.message).join("\n")).not.toMatch(/`|\*\*|<!--/);
  });

  it("applies check_run.fail_on to the model's comments too", async () => {
    const github = new GitHubMock()
      .token()
      .config("check_run:\n  fail_on: critical\n")
      .files(engineerPrFiles())
      .review();
    mockModel({
      summary: "ok",
      comments: [
        { path: "shop/models.py", line: 12, side: "RIGHT", severity: "critical", body: "This deletes every order." },
      ],
    });
    await deliver(WITH_MODEL);
    expect(github.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: expect.objectContaining({ title: "1 critical, 3 major, 1 minor" }),
    });
  });

  it("a review that fails still completes its run, saying so, never leaving it in progress", async () => {
    const github = new GitHubMock().token().config().checks();
    github.scope
      .get(`/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files`)
      .query(true)
      .reply(404, { message: "Not Found" });
    await deliver().catch(() => {}); // the test app rethrows the review's failure
    expect(github.checkRuns).toEqual([
      expect.objectContaining({
        status: "completed",
        conclusion: "neutral",
        output: expect.objectContaining({ title: "The review could not finish" }),
      }),
    ]);
    expect(github.reviews).toHaveLength(0);
  });

  it("'Re-run' on the check reviews the head again, and ignores other apps' checks", async () => {
    const github = new GitHubMock()
      .token()
      .config(undefined, { reviewedShas: [HEAD_SHA] })
      .pull(pullRequestObject())
      .files(engineerPrFiles())
      .review();
    await deliver({}, "check_run", checkRunRerequestedPayload());
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(1);
    expect(github.reviews[0]!.body).toContain("Re-run requested from the pull request's checks.");
    expect(github.checkRuns).toEqual([
      expect.objectContaining({
        head_sha: HEAD_SHA,
        status: "completed",
        output: expect.objectContaining({ title: "3 major, 1 minor" }),
      }),
    ]);

    const unmatched: string[] = [];
    const listener = (req: { path: string }) => unmatched.push(req.path);
    nock.emitter.on("no match", listener);
    await deliver({}, "check_run", checkRunRerequestedPayload("CodeQL"));
    nock.emitter.removeListener("no match", listener);
    expect(unmatched).toEqual([]); // not even a token was asked for
  });

  it("'Re-run' of a commit the pull request has moved past posts nothing (the new head's own review runs)", async () => {
    const github = new GitHubMock()
      .token()
      .config()
      .pull({ ...pullRequestObject(), head: { ...pullRequestObject().head, sha: "f".repeat(40) } });
    await deliver({}, "check_run", checkRunRerequestedPayload());
    expect(github.scope.isDone()).toBe(true);
    expect(github.reviews).toHaveLength(0);
    expect(github.checkRuns).toHaveLength(0);
  });
});
