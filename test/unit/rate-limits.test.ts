import { describe, expect, it } from "vitest";
import { RateLimits } from "../../src/review/rate-limits.js";

const settings = { reviews_per_pr_per_hour: 2, commands_per_pr_per_hour: 1 };
const pr = (n: number, owner = "acme") => ({ owner, repo: "shop", pullNumber: n });

describe("RateLimits", () => {
  it("limits reviews and commands per PR within a sliding hour", () => {
    let now = 0;
    const limits = new RateLimits(100, () => now);
    expect(limits.take(pr(1), "review", settings)).toBeUndefined();
    expect(limits.take(pr(1), "review", settings)).toBeUndefined();
    expect(limits.take(pr(1), "review", settings)).toContain("limit of 2 reviews per pull request per hour");
    expect(limits.take(pr(2), "review", settings)).toBeUndefined();
    expect(limits.take(pr(1), "command", settings)).toBeUndefined();
    expect(limits.take(pr(1), "command", settings)).toContain("limit of 1 commands per pull request");
    now += 3_600_001;
    expect(limits.take(pr(1), "review", settings)).toBeUndefined();
  });

  it("limits everything one installation spends per hour", () => {
    const limits = new RateLimits(3, () => 0);
    expect([1, 2, 3].map((n) => limits.take(pr(n), "review", settings))).toEqual([undefined, undefined, undefined]);
    expect(limits.take(pr(4), "review", settings)).toContain("limit of 3 reviews per installation per hour");
    expect(limits.take(pr(5, "other-org"), "review", settings)).toBeUndefined();
  });
});
