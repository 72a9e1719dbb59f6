import { describe, expect, it } from "vitest";
import { enclosingScopeStart, renderFileWithContext, splitLines } from "../../src/diff/context.js";
import { LineMap } from "../../src/diff/line-map.js";
import { parseChangedFile, parseUnifiedDiff } from "../../src/diff/parse.js";
import type { DiffFile } from "../../src/diff/types.js";
import { pathMatcher, SECRET_PATH_PATTERNS } from "../../src/diff/path-filter.js";
import { MODELS_HEAD, MODELS_PATCH } from "../fixtures/django-pr.js";

const TWO_HUNKS = `@@ -1,4 +1,4 @@
 import os
-import sys
+import json
 
 def a():
@@ -20,3 +20,4 @@ def b():
     x = 1
     y = 2
+    z = 3
     return x
\\ No newline at end of file`;

describe("parseChangedFile", () => {
  it("numbers added, deleted and context lines and drops the no-newline marker", () => {
    const file = parseChangedFile({ path: "a.py", status: "modified", additions: 2, deletions: 1, patch: TWO_HUNKS });
    expect(file.unreviewable).toBeUndefined();
    expect(file.hunks).toHaveLength(2);
    expect(file.hunks[0]!.lines).toEqual([
      { kind: "context", oldLine: 1, newLine: 1, text: "import os" },
      { kind: "del", oldLine: 2, text: "import sys" },
      { kind: "add", newLine: 2, text: "import json" },
      { kind: "context", oldLine: 3, newLine: 3, text: "" },
      { kind: "context", oldLine: 4, newLine: 4, text: "def a():" },
    ]);
    expect(file.hunks[1]!.lines.map((l) => l.text)).toEqual(["    x = 1", "    y = 2", "    z = 3", "    return x"]);
  });

  it("strips CRLF line endings from the text", () => {
    const file = parseChangedFile({
      path: "w.py",
      status: "added",
      additions: 2,
      deletions: 0,
      patch: "@@ -0,0 +1,2 @@\n+a = 1\r\n+b = 2\r",
    });
    expect(file.hunks[0]!.lines.map((l) => l.text)).toEqual(["a = 1", "b = 2"]);
  });

  it.each([
    [{ status: "added" as const, additions: 0, deletions: 0 }, "binary"],
    [{ status: "modified" as const, additions: 5000, deletions: 10 }, "too-large"],
    [{ status: "renamed" as const, additions: 0, deletions: 0 }, "pure-rename"],
    [{ status: "removed" as const, additions: 0, deletions: 3, patch: "@@ -1,3 +0,0 @@\n-a\n-b\n-c" }, "removed"],
  ])("marks %o as %s", (file, reason) => {
    expect(parseChangedFile({ path: "x", ...file }).unreviewable).toBe(reason);
  });

  it("reviews a rename that also changes lines", () => {
    const file = parseChangedFile({
      path: "new.py",
      previousPath: "old.py",
      status: "renamed",
      additions: 1,
      deletions: 1,
      patch: "@@ -1 +1 @@\n-a = 1\n+a = 2",
    });
    expect(file.unreviewable).toBeUndefined();
    expect(file.previousPath).toBe("old.py");
  });
});

describe("LineMap", () => {
  const map = new LineMap([
    parseChangedFile({ path: "a.py", status: "modified", additions: 2, deletions: 1, patch: TWO_HUNKS }),
  ]);

  it("knows which lines take a comment on each side, and their hunk", () => {
    expect(map.hunkOf("a.py", "RIGHT", 2)).toBe(0);
    expect(map.hunkOf("a.py", "LEFT", 2)).toBe(0);
    expect(map.hunkOf("a.py", "RIGHT", 22)).toBe(1);
    expect(map.hunkOf("a.py", "RIGHT", 10)).toBeUndefined();
    expect(map.hunkOf("a.py", "LEFT", 22)).toBe(1);
    expect(map.hunkOf("a.py", "LEFT", 23)).toBeUndefined();
    expect(map.hunkOf("b.py", "RIGHT", 1)).toBeUndefined();
    expect(map.isAdded("a.py", 22)).toBe(true);
    expect(map.isAdded("a.py", 21)).toBe(false);
  });

  it("finds the nearest commentable line within reach, preferring the one below", () => {
    expect(map.nearest("a.py", "RIGHT", 22, 3)).toBe(22);
    expect(map.nearest("a.py", "RIGHT", 6, 3)).toBe(4);
    expect(map.nearest("a.py", "RIGHT", 18, 3)).toBe(20);
    expect(map.nearest("a.py", "RIGHT", 12, 3)).toBeUndefined();
  });
});

describe("renderFileWithContext", () => {
  const file = parseChangedFile({
    path: "shop/models.py",
    status: "modified",
    additions: 2,
    deletions: 0,
    patch: MODELS_PATCH,
  });

  it("prints real line numbers, marks what is commentable and what was added", () => {
    const text = renderFileWithContext(file, MODELS_HEAD, 2);
    expect(text.split("\n")).toEqual([
      "  6   ",
      "  7   ",
      "R8   class Order(models.Model):",
      "R9       customer = models.ForeignKey(Customer, on_delete=models.CASCADE)",
      "R10       number = models.CharField(max_length=20)",
      "R11 +     note = models.CharField(max_length=200, null=True)",
      "R12 +     created = models.DateTimeField()",
      "R13   ",
      "R14       def __str__(self):",
      "R15           return self.number",
    ]);
  });

  it("shows deleted lines with their old numbers, and works without the head file", () => {
    const parsed = parseChangedFile({ path: "a.py", status: "modified", additions: 2, deletions: 1, patch: TWO_HUNKS });
    const text = renderFileWithContext(parsed, undefined, 20);
    expect(text).toContain("R1   import os\nL2 - import sys\nR2 + import json");
    expect(text).toContain("\n…\n");
  });

  it("widens the context to the enclosing def", () => {
    const head = [
      "class A:",
      "    def long(self):",
      ...Array.from({ length: 30 }, (_, i) => `        x${i} = ${i}`),
    ].join("\n");
    const patch = "@@ -30,1 +30,1 @@\n-        x27 = 0\n+        x27 = 27";
    const parsed = parseChangedFile({ path: "a.py", status: "modified", additions: 1, deletions: 1, patch });
    const text = renderFileWithContext(parsed, head, 3);
    expect(text.split("\n")[0]).toBe("  2       def long(self):");
  });
});

describe("enclosingScopeStart", () => {
  const lines = splitLines(
    "import x\n\nclass A:\n    def f(self):\n        if x:\n            return 1\n\nasync def g():\n    await y\n",
  );
  it("finds the def or class a line belongs to", () => {
    expect(enclosingScopeStart(lines, 6)).toBe(4);
    expect(enclosingScopeStart(lines, 4)).toBe(3);
    expect(enclosingScopeStart(lines, 9)).toBe(8);
    expect(enclosingScopeStart(lines, 1)).toBeUndefined();
  });
});

describe("secret path patterns", () => {
  const isSecret = pathMatcher(SECRET_PATH_PATTERNS);
  it.each([
    ".env",
    "config/.env.production",
    "deploy/server.pem",
    "keys/id_rsa",
    "ops/credentials.json",
    "tls/site.KEY",
  ])("treats %s as a secret", (path) => expect(isSecret(path)).toBe(true));
  it.each(["shop/models.py", "environment.py", "docs/keys.md", "templates/env.html"])(
    "does not treat %s as a secret",
    (path) => expect(isSecret(path)).toBe(false),
  );
});

describe("pathMatcher", () => {
  it("matches slash-free globs on the file name and globs with a slash on the whole path", () => {
    const match = pathMatcher(["*.lock", "legacy/**", "**/vendor/**", "docs/*.md"]);
    expect(
      ["poetry.lock", "a/b/uv.lock", "legacy/settings.py", "shop/vendor/x.js", "vendor/y.js", "docs/index.md"].filter(
        match,
      ),
    ).toHaveLength(6);
    expect(
      ["lock.py", "app/legacy/settings.py", "vendored.py", "docs/sub/a.md", "shop/models.py"].filter(match),
    ).toEqual([]);
  });
});

describe("huge hunks", () => {
  it("a 130,000-line added hunk and a 130,000-line deleted one render without a stack overflow", () => {
    const n = 130_000;
    const added = `diff --git a/a.py b/a.py\nnew file mode 100644\n--- /dev/null\n+++ b/a.py\n@@ -0,0 +1,${n} @@\n${Array.from({ length: n }, (_, i) => `+x${i} = ${i}`).join("\n")}\n`;
    const removed = `diff --git a/b.py b/b.py\n--- a/b.py\n+++ b/b.py\n@@ -1,${n + 1} +1,1 @@\n${Array.from({ length: n }, (_, i) => `-y${i} = ${i}`).join("\n")}\n z = 1\n`;
    const [a, b] = parseUnifiedDiff(added + removed) as [DiffFile, DiffFile];
    expect(renderFileWithContext(a, undefined, 3).split("\n")).toHaveLength(n);
    expect(renderFileWithContext(b, "z = 1\n", 3).split("\n").length).toBeGreaterThan(n);
  });
});
