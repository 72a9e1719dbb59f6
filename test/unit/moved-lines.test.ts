import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { checkPullRequest } from "../../src/decide/check-pull-request.js";
import { movedLines } from "../../src/diff/moved-lines.js";
import { parseUnifiedDiff } from "../../src/diff/parse.js";
import { realChanges } from "../../src/diff/real-changes.js";

/** A unified diff of one file: `+`/`-`/` ` lines, numbered from the hunk's start on both sides. */
function fileDiff(path: string, lines: string[], start = 1): string {
  const old = lines.filter((l) => !l.startsWith("+")).length;
  const head = lines.filter((l) => !l.startsWith("-")).length;
  return [
    `diff --git a/${path} b/${path}`,
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${start},${old} +${start},${head} @@`,
    ...lines,
    "",
  ].join("\n");
}

const FORM = (name: string, indent = "") => [
  `${indent}class ${name}Form(forms.ModelForm):`,
  `${indent}    class Meta:`,
  `${indent}        model = ${name}`,
  `${indent}        fields = "__all__"`,
];

const plus = (lines: string[]) => lines.map((l) => `+${l}`);
const minus = (lines: string[]) => lines.map((l) => `-${l}`);

describe("movedLines", () => {
  it("finds a block deleted from one file and added to another, re-indented", () => {
    const files = parseUnifiedDiff(
      fileDiff("app/old.py", [" import x", ...minus(FORM("Build")), " y = 1"]) +
        fileDiff("shop/new.py", [" import z", ...plus(FORM("Build", "    ")), " w = 2"]),
    );
    const moved = movedLines(files);
    expect([...(moved.get("shop/new.py")?.added ?? [])]).toEqual([2, 3, 4, 5]);
    expect([...(moved.get("app/old.py")?.deleted ?? [])]).toEqual([2, 3, 4, 5]);
  });

  it("keeps a line edited on the way as new, and its unedited neighbours as moved", () => {
    const after = ["        widgets = {}", "        labels = {}", "        help_texts = {}"];
    const edited = [...FORM("Build").slice(0, 3), `        fields = ["name"]`, ...after];
    const source = [...FORM("Build").slice(0, 3), `        fields = ["name", "version"]`, ...after];
    const files = parseUnifiedDiff(fileDiff("app/old.py", minus(source)) + fileDiff("shop/new.py", plus(edited)));
    expect([...(movedLines(files).get("shop/new.py")?.added ?? [])].sort()).toEqual([1, 2, 3, 5, 6, 7].sort());
  });

  it("does not take a short or a low-content block for a move", () => {
    const files = parseUnifiedDiff(
      fileDiff("app/old.py", minus(["    )", "]", "x = 1"])) + fileDiff("shop/new.py", plus(["    )", "]", "x = 1"])),
    );
    expect(movedLines(files).size).toBe(0);
    const two = parseUnifiedDiff(
      fileDiff("app/old.py", minus(FORM("Build").slice(0, 2))) +
        fileDiff("shop/new.py", plus(FORM("Build").slice(0, 2))),
    );
    expect(movedLines(two).size).toBe(0);
  });

  it("does not count code the change copies while the original stays", () => {
    const files = parseUnifiedDiff(fileDiff("shop/new.py", plus(FORM("Build"))));
    expect(movedLines(files).size).toBe(0);
  });

  it("moves within one file across hunks, and realChanges leaves both ends alone", () => {
    const diff = [
      "diff --git a/app/forms.py b/app/forms.py",
      "--- a/app/forms.py",
      "+++ b/app/forms.py",
      "@@ -1,6 +1,2 @@",
      " import x",
      ...minus(FORM("Build")),
      " y = 1",
      "@@ -20,2 +16,6 @@",
      " z = 2",
      ...plus(FORM("Build")),
      " w = 3",
      "",
    ].join("\n");
    const [file] = parseUnifiedDiff(diff);
    if (!file) throw new Error("no file");
    const moved = movedLines([file]).get(file.path);
    expect([...(moved?.added ?? [])]).toEqual([17, 18, 19, 20]);
    const real = realChanges(file, moved);
    expect([...real.changed]).toEqual([]);
    expect([...real.deletedAt]).toEqual([]);
    // Without the move, both ends are changes.
    const plain = realChanges(file);
    expect([...plain.changed].sort((a, b) => a - b)).toEqual([17, 18, 19, 20]);
    expect([...plain.deletedAt]).toEqual([2]);
  });

  it("leaves nothing moved on a change past its size bound, on either side", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `value_${i} = compute_something(${i})`);
    const moved = (deleted: number, added: number) =>
      movedLines(
        parseUnifiedDiff(fileDiff("app/old.py", minus(lines(deleted))) + fileDiff("shop/new.py", plus(lines(added)))),
      ).size;
    expect(moved(50_001, 3)).toBe(0);
    expect(moved(3, 50_001)).toBe(0);
    expect(moved(50_000, 50_000)).toBe(2);
  });

  it("marks no deletion as moved when nothing like it is added", () => {
    expect(movedLines(parseUnifiedDiff(fileDiff("app/old.py", minus(FORM("Build"))))).size).toBe(0);
  });

  it("leaves out blank lines and, in Python, comments: a block moved with them reworked still moved", () => {
    const landed = [FORM("Build")[0] ?? "", "", `${FORM("Build")[1]}  # the form's options`, ...FORM("Build").slice(2)];
    const files = parseUnifiedDiff(
      fileDiff("app/old.py", minus(FORM("Build"))) + fileDiff("shop/new.py", plus(landed)),
    );
    expect([...(movedLines(files).get("shop/new.py")?.added ?? [])]).toEqual([1, 3, 4, 5]);
  });

  it("does not take the unchanged lines around two edits for a move", () => {
    const around = [" def handle(self):", "     rows = Build.objects.filter(active=True)", "     report(rows)"];
    const files = parseUnifiedDiff(
      fileDiff("app/a.py", [...around, "-    x = 1", "+    x = 2"]) +
        fileDiff("app/b.py", [...around, "-    y = 1", "+    y = 2"]),
    );
    expect(movedLines(files).size).toBe(0);
  });
});

describe("checks on moved code", () => {
  const forms = (names: string[], fields = `"__all__"`) =>
    [
      "from django import forms",
      "",
      ...names.flatMap((n) => [...FORM(n).slice(0, 3), `        fields = ${fields}`, "", ""]),
    ].join("\n");
  const review = (diff: string, head: Record<string, string>) =>
    checkPullRequest(parseUnifiedDiff(diff), new Map(Object.entries(head)), new Map(), DEFAULT_CONFIG).findings.map(
      (f) => `${f.rule}@${f.file}:${f.line}`,
    );

  it("forms moved unchanged to another module raise nothing where they land", () => {
    const head = forms(["Build", "Tag"]);
    const diff =
      fileDiff("tcms/rpc/forms.py", [" from django import forms", " ", ...minus(head.split("\n").slice(2))]) +
      fileDiff("tcms/management/forms.py", [" from django import forms", " ", ...plus(head.split("\n").slice(2))]);
    expect(
      review(diff, { "tcms/rpc/forms.py": "from django import forms\n\n", "tcms/management/forms.py": head }),
    ).toEqual([]);
  });

  it("a form that gains fields = '__all__' on the way is still raised", () => {
    const before = forms(["Build"], `["name"]`).split("\n").slice(2);
    const head = forms(["Build"]);
    const diff =
      fileDiff("tcms/rpc/forms.py", [" from django import forms", " ", ...minus(before)]) +
      fileDiff("tcms/management/forms.py", [" from django import forms", " ", ...plus(head.split("\n").slice(2))]);
    expect(
      review(diff, { "tcms/rpc/forms.py": "from django import forms\n\n", "tcms/management/forms.py": head }),
    ).toEqual(["DJ413@tcms/management/forms.py:6"]);
  });
});
