import { describe, expect, it } from "vitest";
import type { PromptFile } from "../../src/prompt/build.js";
import { groupOf, planChunks } from "../../src/prompt/chunk.js";

/** A file whose rendering costs about `tokens` tokens. */
function file(path: string, tokens: number): PromptFile {
  return { path, status: "modified", rendered: "x".repeat(Math.round(tokens * 3.5)) };
}

const limits = { perCallTokens: 10_000, fixedTokens: 2_000, maxCalls: 10, maxTotalTokens: 1_000_000 };
const paths = (chunks: PromptFile[][]) => chunks.map((c) => c.map((f) => f.path));

describe("planChunks", () => {
  it("sends a PR that fits in one call", () => {
    const plan = planChunks([file("shop/models.py", 1000), file("shop/views.py", 1000)], limits);
    expect(paths(plan.chunks)).toEqual([["shop/models.py", "shop/views.py"]]);
    expect(plan.notSent).toEqual([]);
  });

  it("splits a large PR into calls under the budget, keeping an app's files together", () => {
    const plan = planChunks(
      [
        file("shop/models.py", 3000),
        file("blog/models.py", 3000),
        file("shop/views.py", 3000),
        file("blog/views.py", 3000),
        file("blog/admin.py", 1000),
      ],
      limits,
    );
    expect(paths(plan.chunks)).toEqual([
      ["shop/models.py", "shop/views.py"],
      ["blog/models.py", "blog/views.py", "blog/admin.py"],
    ]);
    for (const chunk of plan.chunks) {
      const tokens = chunk.reduce((n, f) => n + f.rendered.length / 3.5, 0);
      expect(tokens + limits.fixedTokens).toBeLessThanOrEqual(limits.perCallTokens);
    }
  });

  it("splits an app too big for one call across calls", () => {
    const plan = planChunks([file("a/1.py", 5000), file("a/2.py", 5000), file("a/3.py", 5000)], limits);
    expect(paths(plan.chunks)).toEqual([["a/1.py"], ["a/2.py"], ["a/3.py"]]);
  });

  it("lists, with the reason, a file too big for any call and files past the per-PR ceilings", () => {
    const tooBig = planChunks([file("a/huge.py", 9000), file("a/ok.py", 100)], limits);
    expect(tooBig.notSent).toEqual([
      { path: "a/huge.py", reason: expect.stringContaining("too large for one model call") },
    ]);
    expect(paths(tooBig.chunks)).toEqual([["a/ok.py"]]);

    const files = [file("a/1.py", 7000), file("b/1.py", 7000), file("c/1.py", 7000)];
    const calls = planChunks(files, { ...limits, maxCalls: 2 });
    expect(calls.notSent).toEqual([{ path: "c/1.py", reason: expect.stringContaining("limit of 2 model calls") }]);
    const total = planChunks(files, { ...limits, maxTotalTokens: 20_000 });
    expect(total.notSent).toEqual([
      { path: "c/1.py", reason: expect.stringContaining("budget of 20000 prompt tokens") },
    ]);
    expect(total.estimatedTokens).toBeLessThanOrEqual(20_000);
  });

  it("groups by top-level folder", () => {
    expect(groupOf("shop/api/views.py")).toBe("shop");
    expect(groupOf("manage.py")).toBe("");
  });
});
