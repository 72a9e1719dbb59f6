import { describe, expect, it } from "vitest";
import { newFilePatch } from "../fixtures/django-pr.js";
import { mockModel, promptOf } from "../helpers/anthropic-mock.js";
import { GitHubMock, type MockFile } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

function pyFile(path: string, functions: number): MockFile {
  const content = Array.from(
    { length: functions },
    (_, i) =>
      `def handler_${i}(request):\n    return {"value": ${i}, "label": "item number ${i} of the generated module"}\n`,
  ).join("\n");
  return { filename: path, status: "added", patch: newFilePatch(content), content };
}

describe("a PR larger than one model call", () => {
  it("is reviewed in chunks that reuse the cached system prompt, merged into one review", async () => {
    const files = [
      pyFile("shop/views.py", 75),
      pyFile("blog/views.py", 75),
      { filename: "poetry.lock", status: "modified", patch: "@@ -1 +1 @@\n-a\n+b" },
    ];
    const github = new GitHubMock().token().config("max_prompt_tokens: 6000\nmax_lookups: 0\n").files(files).review();
    const first = mockModel(
      {
        summary: "Shop part.",
        comments: [{ path: "shop/views.py", line: 2, side: "RIGHT", severity: "minor", body: "first chunk" }],
      },
      { usage: { input_tokens: 3000, cache_creation_input_tokens: 2500, output_tokens: 100 } },
    );
    const second = mockModel(
      {
        summary: "Blog part.",
        comments: [{ path: "blog/views.py", line: 2, side: "RIGHT", severity: "minor", body: "second chunk" }],
      },
      { usage: { input_tokens: 3000, cache_read_input_tokens: 2500, output_tokens: 100 } },
    );

    const app = await createTestProbot();
    await app.receive({ id: "big", name: "pull_request", payload: pullRequestPayload("opened") });

    expect(github.scope.isDone()).toBe(true);
    const [call1, call2] = [first.calls[0]!, second.calls[0]!];
    expect(call1.body.system).toEqual(call2.body.system);
    expect(call1.body.system[0].cache_control).toEqual({ type: "ephemeral" });
    expect(promptOf(call1)).toContain('<file path="shop/views.py"');
    expect(promptOf(call1)).not.toContain('<file path="blog/views.py"');
    expect(promptOf(call2)).toContain("this is part 2");
    for (const call of [call1, call2]) expect(JSON.stringify(call.body).length / 3.5).toBeLessThan(6000 * 1.1);

    expect(github.reviews).toHaveLength(1);
    const review = github.reviews[0]!;
    expect(review.comments.map((c) => c.path)).toEqual(["shop/views.py", "blog/views.py"]);
    expect(review.body).toContain("Shop part.\n\nBlog part.");
    expect(review.body).toContain("· 2 calls · tokens: 11000 input (2500 from cache) · 200 output · ≈ $");
    expect(review.body).toContain("`poetry.lock`: lock, vendored, generated or built file (`skip_paths`)");
  });

  it("stops at the per-PR call limit and says which files were not sent and why", async () => {
    const files = [pyFile("a/views.py", 75), pyFile("b/views.py", 75), pyFile("c/views.py", 75)];
    const github = new GitHubMock()
      .token()
      .config("max_prompt_tokens: 6000\nmax_model_calls: 2\nmax_lookups: 0\n")
      .files(files)
      .review();
    mockModel({ summary: "a", comments: [] });
    mockModel({ summary: "b", comments: [] });

    const app = await createTestProbot();
    await app.receive({ id: "big2", name: "pull_request", payload: pullRequestPayload("opened") });

    expect(github.reviews[0]!.body).toContain(
      "`c/views.py`: not sent to the model: over the limit of 2 model calls per pull request (`max_model_calls`)",
    );
  });
});
