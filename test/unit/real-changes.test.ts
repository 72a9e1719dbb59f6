import { describe, expect, it } from "vitest";
import { isTestPath } from "../../src/checks/source.js";
import { changedSourceFile } from "../helpers/changed-source-file.js";
import { parseChangedFile } from "../../src/diff/parse.js";
import { realChanges, tokenize } from "../../src/diff/real-changes.js";

function changes(patch: string, path = "app/views.py") {
  const file = parseChangedFile({ path, status: "modified", additions: 1, deletions: 1, patch });
  const result = realChanges(file);
  return { changed: [...result.changed].sort((a, b) => a - b), deletedAt: [...result.deletedAt].sort((a, b) => a - b) };
}

describe("realChanges: a reformat is not a change", () => {
  it("ignores quote style, whitespace and a trailing comment", () => {
    expect(
      changes(`@@ -10,2 +10,2 @@ def f():
-    issue = Issue.objects.get(pk=data['issue_id'])
+    issue  =  Issue.objects.get(pk=data["issue_id"])  # by id
     take(issue)`),
    ).toEqual({ changed: [], deletedAt: [] });
  });

  it("ignores wrapping and trailing commas (Black)", () => {
    expect(
      changes(`@@ -1,3 +1,3 @@
-emit(ids=ids,
-     kind="issues",
-     project=milestone.project.pk)
+emit(
+    ids=ids, kind="issues", project=milestone.project.pk,
+)`),
    ).toEqual({ changed: [], deletedAt: [] });
  });

  it("reads implicitly concatenated literals as the one string they make (DjangoGirls 225a1641be)", () => {
    expect(
      changes(`@@ -1,3 +1,3 @@
 diversity = models.TextField(
-    _("Information about how you intend to ensure your workshop is inclusive " "and promotes diversity")
+    _("Information about how you intend to ensure your workshop is inclusive and promotes diversity")
 )`),
    ).toEqual({ changed: [], deletedAt: [] });
    // one literal split in two over lines by a formatter: the same string
    expect(
      changes('@@ -1,1 +1,2 @@\n-msg = _("a long message")\n+msg = _("a long "\n+        "message")').changed,
    ).toEqual([]);
    // the near misses: different text, bytes beside text, and two list items that a comma keeps apart
    expect(changes('@@ -1,1 +1,1 @@\n-msg = "a " "b"\n+msg = "a c"').changed).toEqual([1]);
    expect(changes('@@ -1,1 +1,1 @@\n-msg = b"a" b"b"\n+msg = b"ab"').changed).toEqual([1]);
    expect(changes('@@ -1,1 +1,1 @@\n-xs = ["a", "b"]\n+xs = ["ab"]').changed).toEqual([1]);
  });

  it("counts a line that gains a token, and only that line", () => {
    expect(
      changes(`@@ -1,3 +1,3 @@
-for order in Order.objects.all():
-    print(order.id)
+for order in Order.objects.filter(paid=True):
+    print(order.id)
 done()`),
    ).toEqual({ changed: [1], deletedAt: [1] });
  });

  it("places a deleted keyword argument at the head line where it stood", () => {
    expect(
      changes(`@@ -5,4 +5,3 @@
     migrations.RunPython(
         forwards,
-        reverse_code=backwards,
     ),
 ]`),
    ).toEqual({ changed: [], deletedAt: [7] });
  });

  it("treats every line of a new file as changed", () => {
    const file = parseChangedFile({
      path: "a.py",
      status: "added",
      additions: 2,
      deletions: 0,
      patch: "@@ -0,0 +1,2 @@\n+a = 1\n+b = 2",
    });
    expect([...realChanges(file).changed]).toEqual([1, 2]);
  });

  it("keeps string contents: a changed literal is a change", () => {
    expect(
      changes(
        `@@ -1 +1 @@\n-cursor.execute("CREATE INDEX CONCURRENTLY i ON t (a)")\n+cursor.execute("CREATE INDEX i ON t (a)")`,
      ),
    ).toEqual({
      changed: [1],
      deletedAt: [1],
    });
  });

  it("reads an f-string's fields as a formatter writes them (ephios 36c69455d5, 0dba0896d2)", () => {
    const same = (before: string, after: string) =>
      expect(changes(`@@ -1 +1 @@\n-${before}\n+${after}`).changed).toEqual([]);
    same(`x = f'<a>{str(instance)}</a>'`, `x = f'<a>{instance!s}</a>'`);
    same(`x = f"{repr(a.b(1))}"`, `x = f"{a.b(1)!r}"`);
    same(`x = f"{floatformat(n / 1024,1)} GB"`, `x = f"{floatformat(n / 1024, 1)} GB"`);
    const differs = (before: string, after: string) =>
      expect(changes(`@@ -1 +1 @@\n-${before}\n+${after}`).changed).toEqual([1]);
    // a different field, a conversion of a call's result, or a plain string's braces are a change
    differs(`x = f"{str(a)}"`, `x = f"{b!s}"`);
    differs(`x = f"{str(a).upper()}"`, `x = f"{a!s}"`);
    differs(`x = "{str(a)}"`, `x = "{a!s}"`);
    differs(`x = f"{a}"`, `x = f"{a!r}"`);
  });

  it("reads a `.format()` or `%` call rewritten as an f-string as the same code (pontoon 811d299fe3)", () => {
    // the multi-line call a formatter folds into one f-string line
    expect(
      changes(`@@ -1,7 +1,3 @@
 log.info(
-    "Task: {}, Items: {}".format(
-        self.request.id,
-        len(translations),
-    )
+    f"Task: {self.request.id}, Items: {len(translations)}"
 )`),
    ).toEqual({ changed: [], deletedAt: [] });
    // a %-format over a dict literal (django-cms cfaa9fe64c0f)
    expect(
      changes(`@@ -1,4 +1,1 @@
-url = '<a href="%(href)s">%(title)s</a>' % {
-    'href': href,
-    'title': force_str(page),
-}
+url = f'<a href="{href}">{force_str(page)}</a>'`),
    ).toEqual({ changed: [], deletedAt: [] });
    const same = (before: string, after: string) =>
      expect(changes(`@@ -1 +1 @@\n-${before}\n+${after}`)).toEqual({ changed: [], deletedAt: [] });
    same(`x = "{0} of {1}".format(a, b.c)`, `x = f"{a} of {b.c}"`);
    same(`x = "{n:.2f} / {n}".format(n=total)`, `x = f"{total:.2f} / {total}"`);
    same(`x = "<b>%s</b> (%r)" % (user.name, pk)`, `x = f"<b>{user.name}</b> ({pk!r})"`);
    same(`x = "100%% of %.1f" % ratio`, `x = f"100% of {ratio:.1f}"`);
    same(`x = mark_safe("<i>%s</i>" % self.obj.name)`, `x = mark_safe(f"<i>{self.obj.name}</i>")`);
    const differs = (before: string, after: string) =>
      expect(changes(`@@ -1 +1 @@\n-${before}\n+${after}`).changed).toEqual([1]);
    // another value, another text, or an argument the string never read is a change
    differs(`x = "{} of {}".format(a, b)`, `x = f"{a} of {c}"`);
    differs(`x = "{} of {}".format(a, b)`, `x = f"{a} in {b}"`);
    differs(`x = "{}".format(a, b)`, `x = f"{a}"`);
    differs(`x = "%s" % a + b`, `x = f"{a + b}"`);
    differs(`x = "%5s" % a`, `x = f"{a}"`);
    differs(`x = "%(a)s" % d`, `x = f"{d}"`);
    differs(`x = "%(a)s" % {"a": a, "b": b}`, `x = f"{a}"`);
    differs(`x = "%(a)s" % {"a": a}`, `x = f"{b}"`);
    // (an argument holding a string is not read: its quotes change inside an f-string, so it counts as changed)
    differs(`x = "{}".format(", ".join(a))`, `x = f"{', '.join(a)}"`);
  });

  it("does not treat `#` as a comment outside Python", () => {
    expect(tokenize('<a href="#">x</a>', false)).toContain('"#"');
    expect(tokenize("{# note #} {{ a }}", false)).toContain("#");
    expect(tokenize("x = 1  # note", true)).toEqual(["x", "=", "1"]);
    expect(tokenize("url = '#anchor'", true)).toEqual(["url", "=", '"#anchor"']);
  });

  it("falls back to every added line when a hunk is too large to compare", () => {
    const removed = Array.from({ length: 1500 }, (_, i) => `-a${i} = ${i}`).join("\n");
    const added = Array.from({ length: 1500 }, (_, i) => `+b${i} = ${i}`).join("\n");
    const result = changes(`@@ -1,1500 +1,1500 @@\n${removed}\n${added}`);
    expect(result.changed).toHaveLength(1500);
  });

  it("compares a hunk too large for token diffing line by line: a reformatted line is matched to its old self (ArchiveBox b749b26c5d)", () => {
    // 300 new lines around a quote-style reformat: far beyond the token edit budget
    const fresh = Array.from({ length: 300 }, (_, i) => `+    total_${i} = compute(${i}, "x")`).join("\n");
    const result = changes(
      `@@ -1,3 +1,304 @@\n def size(obj):\n-    size_txt = mark_safe(f'<b>{size_txt}</b>')\n-    legacy = 1\n${fresh}\n+    size_txt = mark_safe(f"<b>{size_txt}</b>")\n+    legacy = 2\n     return size_txt`,
    );
    expect(result.changed).toHaveLength(301);
    expect(result.changed).not.toContain(302);
    expect(result.changed).toContain(303);
    // the deleted line nothing matched marks the head line it sits before, as the token comparison does
    expect(result.deletedAt).toEqual([2]);
  });
});

describe("isTestPath", () => {
  it.each([
    "core/tests/tests_forms.py",
    "tests/integration/test_history.py",
    "src/documents/tests/test_views.py",
    "app/test_models.py",
    "app/models_test.py",
    "app/tests.py",
    "conftest.py",
    "tests/_site/apps/partner/migrations/0008_partneraddress_code.py",
    "cms/tests/settings.py",
    "wagtail/test/testapp/models.py",
    "projects/management/commands/sample_data.py",
    "core/management/commands/dummy-generator-users.py",
    "babybuddy/management/commands/fake.py",
  ])("%s is test code", (path) => expect(isTestPath(path)).toBe(true));

  it.each([
    "app/views.py",
    "app/contest.py",
    "latest/models.py",
    "app/testimonials.py",
    "shop/migrations/0001_initial.py",
    "attestation/views.py",
    "shop/management/commands/populate_countries.py",
    "cookbook/management/commands/seed_basic_data.py",
    "shop/sample_data.py",
  ])("%s is production code", (path) => expect(isTestPath(path)).toBe(false));
});

describe("realChanges on hostile sizes", () => {
  it("compares a 5 MB line whole instead of tokenizing it", () => {
    const long = `x = "${"a".repeat(5 * 1024 * 1024)}"`;
    expect(changes(`@@ -1 +1 @@\n-${long}\n+${long.replace(/^x/, "y")}`)).toEqual({ changed: [1], deletedAt: [1] });
    expect(tokenize(long, true)).toHaveLength(1);
  });
});

describe("SourceFile.baseOf: a construct's text before the change", () => {
  it("is the kept lines and the deleted ones, never a line the diff wrote, even one that means nothing new", () => {
    const before = "x = mark_safe(\n    f'<img src=\"{url}\">'\n    f' {name}'\n)\n";
    // the second literal joins the first (one token for the comparison), so line 3 is written, not changed
    const after = "x = mark_safe(\n    f'<span><img src=\"{url}\">'\n    f'&nbsp;{name} {bio}</span>'\n)\n";
    const file = changedSourceFile("shop/html.py", before, after);
    expect(file.baseOf(1, 4)).toBe("x = mark_safe(\nf'<img src=\"{url}\">'\nf' {name}'\n)");
    expect(changedSourceFile("shop/html.py", before, before.replace("{name}", "{ name }")).baseOf(1, 4)).toBe(
      "x = mark_safe(\nf'<img src=\"{url}\">'\nf' {name}'\n)",
    );
  });
});
