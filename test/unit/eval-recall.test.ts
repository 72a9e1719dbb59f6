import { describe, expect, it } from "vitest";
import { parseFixes, summariseRecall } from "../../src/eval/recall.js";

describe("recall on replayed fixes", () => {
  const fixes = parseFixes(
    "# comment\n\nacme/shop\tabc1234\tqueries\tN+1 in the order list\nacme/shop\tdef5678\tsecurity\tmark_safe over a name\n",
  );

  it("reads the fixes file and names a bad line", () => {
    expect(fixes.map((f) => [f.repo, f.commit, f.category])).toEqual([
      ["acme/shop", "abc1234", "queries"],
      ["acme/shop", "def5678", "security"],
    ]);
    expect(() => parseFixes("acme/shop\tabc1234\tspeed\twhy\n")).toThrow(/fixes line 1/);
    expect(() => parseFixes("acme/shop\tabc1234\tqueries\n")).toThrow(/fixes line 1/);
  });

  it("counts a fix caught only by a finding of its category in its own replay", () => {
    const summary = summariseRecall(fixes, [
      { repo: "acme/shop", commit: "abc1234ffff", path: "v.py", line: 3, rule: "DJ114", category: "queries" },
      { repo: "acme/shop", commit: "def5678", path: "v.py", line: 9, rule: "DJ101", category: "queries" },
    ]);
    expect(summary).toMatchObject({
      fixes: 2,
      caught: 1,
      recall: 0.5,
      precision: 0.5,
      byCategory: { queries: { fixes: 1, caught: 1 }, security: { fixes: 1, caught: 0 } },
    });
    expect(summary.missed.map((m) => m.commit)).toEqual(["def5678"]);
    expect(summary.other.map((o) => o.rule)).toEqual(["DJ101"]);
    expect(summariseRecall([], []).precision).toBe(1);
  });
});
