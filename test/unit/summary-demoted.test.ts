import { describe, expect, it } from "vitest";
import { type SummaryInput, withDemoted } from "../../src/render/summary.js";
import type { ReviewComment } from "../../src/vocabulary.js";

const comment = (line: number): ReviewComment => ({
  path: "a.py",
  line,
  side: "RIGHT",
  severity: "minor",
  body: `c${line}`,
});

describe("withDemoted", () => {
  it("moves the comments GitHub refused inline into the list below, with the reason, and leaves the rest", () => {
    const [one, two] = [comment(1), comment(2)];
    const input = {
      comments: [one, two],
      unplaced: [{ path: "b.py", line: 9, severity: "nit", body: "u", reason: "r" }],
    } as unknown as SummaryInput;
    const out = withDemoted(input, [two]);
    expect(out.comments).toEqual([one]);
    expect(out.unplaced).toEqual([
      ...input.unplaced,
      { path: "a.py", line: 2, severity: "minor", body: "c2", reason: "GitHub did not accept it inline" },
    ]);
    expect(withDemoted(input, [])).toBe(input);
  });
});
