import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { incrementalScope } from "../../src/github/incremental.js";
import { GitHubMock } from "../helpers/github-mock.js";

const ref = { owner: "o", repo: "r", pullNumber: 2 };
const octokit = new Octokit({ auth: "t", request: { retries: 0 } }) as never;
const A = "a".repeat(40);
const B = "b".repeat(40);

/** GitHub's compare answer for `A...B`. */
function compare(status: number, body: object = {}) {
  return new GitHubMock("https://api.github.com").scope
    .get(`/repos/o/r/compare/${A}...${B}`)
    .query({ per_page: "100" })
    .reply(status, body);
}

describe("incrementalScope", () => {
  it("is the whole PR when nothing was reviewed before, or the head is the one reviewed", async () => {
    expect(await incrementalScope(octokit, ref, undefined, B)).toEqual({});
    expect(await incrementalScope(octokit, ref, B, B)).toEqual({});
  });

  it("on a push ahead of the reviewed head: only the files changed since, renames under both names", async () => {
    compare(200, {
      status: "ahead",
      files: [{ filename: "shop/views.py" }, { filename: "shop/new.py", previous_filename: "shop/old.py" }],
    });
    expect(await incrementalScope(octokit, ref, A, B)).toEqual({
      paths: new Set(["shop/views.py", "shop/new.py", "shop/old.py"]),
      notice: "Incremental review: 2 files changed since the last reviewed commit aaaaaaa.",
    });
    compare(200, { status: "ahead", files: [{ filename: "a.py" }] });
    expect((await incrementalScope(octokit, ref, A, B)).notice).toBe(
      "Incremental review: 1 file changed since the last reviewed commit aaaaaaa.",
    );
  });

  it("falls back to a full review, and says why, when the reviewed commit is not an ancestor or too much changed", async () => {
    compare(200, { status: "diverged", files: [{ filename: "a.py" }] });
    expect(await incrementalScope(octokit, ref, A, B)).toEqual({
      notice:
        "Full review: the previously reviewed commit aaaaaaa is not an ancestor of this head (diverged; force-push?).",
    });
    compare(200, { status: "ahead", files: Array.from({ length: 300 }, (_, i) => ({ filename: `f${i}.py` })) });
    expect(await incrementalScope(octokit, ref, A, B)).toEqual({
      notice: "Full review: too many files changed since aaaaaaa to compare.",
    });
    compare(200, { status: "ahead", files: Array.from({ length: 299 }, (_, i) => ({ filename: `f${i}.py` })) });
    expect((await incrementalScope(octokit, ref, A, B)).paths?.size).toBe(299);
  });

  it("a reviewed commit GitHub no longer knows (404, 422) means a full review; any other error is not hidden as one", async () => {
    compare(404, { message: "Not Found" });
    expect(await incrementalScope(octokit, ref, A, B)).toEqual({
      notice: "Full review: the previously reviewed commit aaaaaaa is no longer in the repository (force-push).",
    });
    compare(422, { message: "No common ancestor" });
    expect((await incrementalScope(octokit, ref, A, B)).paths).toBeUndefined();
    compare(500, { message: "boom" });
    await expect(incrementalScope(octokit, ref, A, B)).rejects.toMatchObject({ status: 500 });
  });
});
