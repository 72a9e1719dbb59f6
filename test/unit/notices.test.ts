import { describe, expect, it } from "vitest";
import { reviewNotices } from "../../src/render/notices.js";

const none = { requested: [], unread: [], checksFailed: [], redacted: 0, repeated: 0, resolved: 0 };

describe("reviewNotices", () => {
  it("says nothing when there is nothing to say", () => {
    expect(reviewNotices(none)).toEqual([]);
  });

  it("says each thing once, singular or plural, warnings before bookkeeping", () => {
    expect(
      reviewNotices({
        requested: ["Asked for."],
        unread: ["a.py"],
        checksFailed: ["timed out"],
        redacted: 1,
        scope: "Incremental review: 1 file changed.",
        repeated: 1,
        resolved: 1,
      }),
    ).toEqual([
      "Asked for.",
      "⚠️ 1 changed file could not be read from GitHub and was reviewed from the diff alone, without its surrounding code: `a.py`.",
      "⚠️ The Django checks did not finish (timed out); this review has no rule findings.",
      "🔒 1 secret (keys, tokens, passwords) was redacted before the code was sent to the model.",
      "Incremental review: 1 file changed.",
      "1 finding already raised on an earlier push is not repeated.",
      "1 earlier thread whose code changed and whose finding is gone is marked resolved.",
    ]);
    expect(reviewNotices({ ...none, unread: ["a.py", "b.py"], redacted: 2, repeated: 3, resolved: 2 })).toEqual([
      "⚠️ 2 changed files could not be read from GitHub and were reviewed from the diff alone, without their surrounding code: `a.py`, `b.py`.",
      "🔒 2 secrets (keys, tokens, passwords) were redacted before the code was sent to the model.",
      "3 findings already raised on an earlier push are not repeated.",
      "2 earlier threads whose code changed and whose finding is gone are marked resolved.",
    ]);
  });

  it("names at most ten unread files, as code (file names come from the PR)", () => {
    const unread = Array.from({ length: 12 }, (_, i) => `f${i}.py`);
    const [line] = reviewNotices({ ...none, unread: [...unread.slice(0, 11), "`@org/team`.py"] });
    expect(line).toContain("`f9.py`, …");
    expect(line).not.toContain("f10.py");
    expect(reviewNotices({ ...none, unread: ["`@org/team`.py"] })[0]).toContain("`` `@org/team`.py ``");
  });
});
