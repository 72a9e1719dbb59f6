import type nock from "nock";
import { describe, expect, it } from "vitest";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel, promptOf } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

async function deliver(payload = pullRequestPayload("opened")) {
  const app = await createTestProbot();
  await app.receive({ id: "d", name: "pull_request", payload });
}

function countRequests(scope: nock.Scope): string[] {
  const seen: string[] = [];
  scope.on("request", (req: { method: string; path: string }) => seen.push(`${req.method} ${req.path.split("?")[0]}`));
  return seen;
}

describe("GitHub reads", () => {
  it("makes five requests for a review (context, files, contents, the tree, the review) and two for its check run", async () => {
    const github = new GitHubMock().token().config().files(engineerPrFiles()).review();
    const requests = countRequests(github.scope);
    mockModel({ summary: "ok", comments: [] });

    await deliver();

    expect(github.scope.isDone()).toBe(true);
    expect(requests.filter((r) => !r.includes("access_tokens"))).toEqual([
      "POST /graphql",
      "POST /repos/Codertocat/Hello-World/check-runs",
      "GET /repos/Codertocat/Hello-World/pulls/2/files",
      "POST /graphql",
      // the head's tree, for the project-wide index (nothing more to read here) and the model's lookups
      "GET /repos/Codertocat/Hello-World/git/trees/ec26c3e57ca3a959ca5aad62de7213c562f8c821",
      "POST /repos/Codertocat/Hello-World/pulls/2/reviews",
      "PATCH /repos/Codertocat/Hello-World/check-runs/7",
    ]);
    // changed files and the project files the checks read, each once
    const read = github.blobReads.flat();
    expect(new Set(read).size).toBe(read.length);
    expect(read).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:shop\/models.py$/),
        expect.stringMatching(/:shop\/serializers.py$/),
      ]),
    );
  });

  it("falls back to REST, file by file, when the GraphQL read fails", async () => {
    const github = new GitHubMock().token().config().filesOverRest(engineerPrFiles()).review();
    const model = mockModel({ summary: "ok", comments: [] });
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(promptOf(model.calls[0]!)).toContain("  5       name = models.CharField(max_length=100)");
    expect(github.reviews).toHaveLength(1);
  });

  it("uses the org's .github config when the repository has none", async () => {
    const github = new GitHubMock()
      .token()
      .config(undefined, { org: "persona: architect\n" })
      .files(engineerPrFiles())
      .review();
    const model = mockModel({ summary: "ok", comments: [] });
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(model.calls[0]!.body.system[0].text).toContain("elite Django backend architect");
  });

  it("resolves `_extends` through Probot's config loader", async () => {
    const github = new GitHubMock()
      .token()
      .config("_extends: .github\nmax_comments: 1\n")
      .configRest({
        "Codertocat/Hello-World": "_extends: .github\nmax_comments: 1\n",
        "Codertocat/.github": "persona: architect\nmax_comments: 9\n",
      })
      .files(engineerPrFiles())
      .review();
    const model = mockModel({ summary: "ok", comments: [] });
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(model.calls[0]!.body.system[0].text).toContain("elite Django backend architect");
    expect(github.reviews[0]!.comments).toHaveLength(1); // the repo's max_comments wins over the base's
  });

  it("reads the config alone for a draft, and stops there", async () => {
    const github = new GitHubMock().token().config();
    const requests = countRequests(github.scope);
    await deliver(pullRequestPayload("opened", { draft: true }));
    expect(github.scope.isDone()).toBe(true);
    expect(requests.filter((r) => !r.includes("access_tokens"))).toEqual(["POST /graphql"]);
  });
});
