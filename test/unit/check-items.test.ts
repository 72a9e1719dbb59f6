import { describe, expect, it } from "vitest";
import { renderCommentBody, SUGGESTION_BLOCK } from "../../src/comments/render.js";
import { checkItems } from "../../src/render/check-items.js";

describe("a model comment's words, as the check run shows them", () => {
  it("drop the badge, the suggestion block (however long its fence), the note and markers", () => {
    const suggestion = "x = '```'\ny = 1";
    const body = `${renderCommentBody({ severity: "minor", body: "Quote it once.", suggestion, note: "Moved from line 3." })}\n\n<!-- django-review fp=abc -->`;
    expect(SUGGESTION_BLOCK.exec(body)?.[2]).toBe(suggestion);
    const [item] = checkItems(
      [{ path: "a.py", line: 4, side: "RIGHT", severity: "minor", body, source: "model" }],
      [],
      [],
    );
    expect(item).toEqual({
      file: "a.py",
      line: 4,
      severity: "minor",
      source: "model",
      title: "",
      message: "Quote it once.",
    });
  });
});
