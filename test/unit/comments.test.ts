import { describe, expect, it } from "vitest";
import { renderSuggestion } from "../../src/comments/render.js";
import { sanitizeModelText } from "../../src/comments/sanitize.js";
import { capComments, placeComments } from "../../src/comments/validate.js";
import { LineMap } from "../../src/diff/line-map.js";
import { parseChangedFile } from "../../src/diff/parse.js";
import type { ModelComment } from "../../src/model/review-tool.js";

const PATCH = `@@ -1,3 +1,4 @@
 a = 1
-b = 2
+b = 3
+c = 4
 d = 5
@@ -40,2 +41,3 @@ def f():
     x = 1
+    y = 2
     return x`;
const lineMap = new LineMap([
  parseChangedFile({ path: "m.py", status: "modified", additions: 3, deletions: 1, patch: PATCH }),
]);

function comment(overrides: Partial<ModelComment>): ModelComment {
  return { path: "m.py", line: 2, side: "RIGHT", severity: "minor", body: "text", ...overrides };
}

describe("placeComments", () => {
  it("keeps a comment on a diff line, with its suggestion and range", () => {
    const { placed, unplaced } = placeComments(
      [comment({ start_line: 2, line: 3, suggestion: "b = 3\nc = 5" })],
      lineMap,
    );
    expect(unplaced).toEqual([]);
    expect(placed).toEqual([
      {
        path: "m.py",
        line: 3,
        side: "RIGHT",
        start_line: 2,
        start_side: "RIGHT",
        severity: "minor",
        source: "model",
        body: expect.stringContaining("```suggestion\nb = 3\nc = 5\n```"),
      },
    ]);
  });

  it("anchors deleted lines on the LEFT side and never attaches a suggestion there", () => {
    const { placed } = placeComments([comment({ side: "LEFT", line: 2, suggestion: "b = 2" })], lineMap);
    expect(placed[0]).toMatchObject({ side: "LEFT", line: 2 });
    expect(placed[0]!.body).not.toContain("suggestion");
  });

  it("moves a comment a few lines off the diff to the nearest diff line, dropping its suggestion", () => {
    const { placed } = placeComments([comment({ line: 6, suggestion: "x" })], lineMap);
    expect(placed[0]).toMatchObject({ line: 4 });
    expect(placed[0]!.body).toContain("Moved from line 6, which is not part of the diff; suggestion dropped.");
    expect(placed[0]!.body).not.toContain("```suggestion");
  });

  it("lists comments far from the diff, or on other files, instead of posting them", () => {
    const { placed, unplaced } = placeComments([comment({ line: 20 }), comment({ path: "other.py" })], lineMap);
    expect(placed).toEqual([]);
    expect(unplaced.map((u) => u.reason)).toEqual([
      "line 20 is not part of the diff",
      "the file has no reviewable diff in this pull request",
    ]);
  });

  it("drops a range that spans two hunks, and its suggestion, keeping a one-line comment", () => {
    const { placed } = placeComments([comment({ start_line: 3, line: 42, suggestion: "y = 3" })], lineMap);
    expect(placed[0]).toMatchObject({ line: 42 });
    expect(placed[0]).not.toHaveProperty("start_line");
    expect(placed[0]!.body).not.toContain("```suggestion");
  });

  it("caps inline comments, keeping the most severe and listing the rest", () => {
    const { placed } = placeComments(
      [
        comment({ severity: "nit", line: 1 }),
        comment({ severity: "critical", line: 3 }),
        comment({ severity: "major", line: 4 }),
      ],
      lineMap,
    );
    const result = capComments(placed, 2);
    expect(result.kept.map((c) => c.severity)).toEqual(["critical", "major"]);
    expect(result.overflow).toEqual([
      expect.objectContaining({ severity: "nit", reason: "over the limit of 2 inline comments" }),
    ]);
  });

  it("posts the same comment on the same line once", () => {
    expect(placeComments([comment({}), comment({})], lineMap).placed).toHaveLength(1);
  });
});

describe("sanitizeModelText", () => {
  it("defuses @mentions of people and teams in prose", () => {
    const text = sanitizeModelText("Ask @alice or @acme/security-team, cc @bob.");
    expect(text).toBe("Ask @\u200balice or @\u200bacme/security-team, cc @\u200bbob.");
  });

  it("leaves code, decorators and e-mail addresses alone", () => {
    const text = "Use `@login_required` and\n```python\n@cached_property\ndef x(self): ...\n```\nmail me@example.com";
    expect(sanitizeModelText(text)).toBe(text);
  });

  it("removes HTML comments, which could forge the app's hidden markers", () => {
    expect(sanitizeModelText("ok <!-- django-review sha=abc --> done")).toBe("ok  done");
  });
});

describe("renderSuggestion", () => {
  it("uses a fence longer than any backtick run in the code", () => {
    expect(renderSuggestion('doc = """\n```py\nx\n```\n"""')).toBe(
      '````suggestion\ndoc = """\n```py\nx\n```\n"""\n````',
    );
    expect(renderSuggestion("x = 1\n")).toBe("```suggestion\nx = 1\n```");
  });
});
