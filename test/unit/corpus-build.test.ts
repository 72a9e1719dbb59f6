import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildCase, readAnnotations } from "../../src/eval/corpus-build.js";
import { buildCorpusFromSource, walk } from "../../src/eval/corpus.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the corpus builder (npm run corpus:build)", () => {
  it("made the corpus on disk: every file of test/corpus is what test/corpus-src builds, and nothing else", () => {
    const built = buildCorpusFromSource(join(root, "test/corpus-src"));
    const onDisk = new Map(
      walk(join(root, "test/corpus")).map((f) => [relative(join(root, "test/corpus"), f), readFileSync(f, "utf8")]),
    );
    expect([...onDisk.keys()].sort()).toEqual([...built.keys()].sort());
    for (const [path, text] of built) expect(onDisk.get(path), path).toBe(text);
    expect(new Set([...built.keys()].map((p) => p.split("/")[0])).size).toBe(45);
  });

  it("reads the annotations: flags, reasons, implied and overridden added lines, template comments", () => {
    const { lines, added, entries } = readAnnotations(
      [
        "a = 1",
        "b = 2  #!+",
        "for o in qs: o.c  #!E:queries -- one query per row",
        "ok = 3  #!N -- prefetched",
        "old = 4  #!E:models = -- flagged though unchanged",
        "{{ x|safe }}  {#!O -- either way#}",
        "",
      ].join("\n"),
    );
    expect(lines).toEqual(["a = 1", "b = 2", "for o in qs: o.c", "ok = 3", "old = 4", "{{ x|safe }}"]);
    expect([...added].sort()).toEqual([2, 3, 4, 6]);
    expect(entries).toEqual([
      { kind: "expected", line: 3, category: "queries", reason: "one query per row" },
      { kind: "must_not_flag", line: 4, reason: "prefetched" },
      { kind: "expected", line: 5, category: "models", reason: "flagged though unchanged" },
      { kind: "optional", line: 6, reason: "either way" },
    ]);
  });

  it("writes a case: head without annotations, a diff with the base's removed lines, expectations with default reasons", () => {
    const tree = new Map([
      ["shop/views.py", "import x\nkeep = 1\nnew = 2  #!E:queries\nfine = 3  #!N\n"],
      ["shop/models.py", "class Order: ...\n\n"],
    ]);
    const built = buildCase(
      "q99",
      { changed: [{ path: "shop/views.py", removed: [{ after: 2, text: "gone = 0" }] }] },
      tree,
    );
    expect(built.get("head/shop/views.py")).toBe("import x\nkeep = 1\nnew = 2\nfine = 3\n");
    expect(built.get("head/shop/models.py")).toBe("class Order: ...\n");
    expect(built.get("change.diff")).toBe(
      [
        "diff --git a/shop/views.py b/shop/views.py",
        "index 1111111..2222222 100644",
        "--- a/shop/views.py",
        "+++ b/shop/views.py",
        "@@ -1,3 +1,4 @@",
        " import x",
        " keep = 1",
        "-gone = 0",
        "+new = 2",
        "+fine = 3",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(built.get("case.json") ?? "")).toEqual({
      id: "q99",
      files: ["shop/views.py"],
      expected: [{ file: "shop/views.py", lines: [3], category: "queries", reason: "defensible" }],
      optional: [],
      must_not_flag: [{ file: "shop/views.py", lines: [4], reason: "a look-alike that is fine" }],
    });
    const added = buildCase("n1", { changed: [{ path: "a.py", new: true }] }, new Map([["a.py", "x = 1\ny = 2\n"]]));
    expect(added.get("change.diff")).toContain(
      "new file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/a.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n",
    );
    expect(() => buildCase("bad", { changed: [{ path: "missing.py" }] }, new Map())).toThrow(
      "corpus case bad: missing.py is listed as changed but is not in tree/",
    );
  });
});
