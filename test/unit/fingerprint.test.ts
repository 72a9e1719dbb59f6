import { describe, expect, it } from "vitest";
import { diffLineTexts, fingerprint } from "../../src/comments/fingerprint.js";
import { parseChangedFile } from "../../src/diff/parse.js";

describe("fingerprint", () => {
  it("is the same for the same file, issue and code, whatever the whitespace (a re-indent, a reflow)", () => {
    const one = fingerprint("shop/views.py", "DJ101", "for o in Order.objects.all():");
    expect(one).toMatch(/^[0-9a-f]{20}$/);
    expect(fingerprint("shop/views.py", "DJ101", "    for  o in\tOrder.objects.all():  ")).toBe(one);
    expect(fingerprint("shop/views.py", "DJ101", "for o in Order.objects.all():\n")).toBe(one);
  });

  it("keeps the format of fingerprints already posted on pull requests (a change would re-post every finding)", () => {
    expect(fingerprint("shop/views.py", "DJ101", "x = 1")).toBe("e641ec28ab99328838dc");
  });

  it("differs when the file, the issue or the code differ", () => {
    const one = fingerprint("shop/views.py", "DJ101", "for o in orders:");
    expect(fingerprint("shop/api.py", "DJ101", "for o in orders:")).not.toBe(one);
    expect(fingerprint("shop/views.py", "DJ102", "for o in orders:")).not.toBe(one);
    expect(fingerprint("shop/views.py", "model", "for o in orders:")).not.toBe(one);
    expect(fingerprint("shop/views.py", "DJ101", "for order in orders:")).not.toBe(one);
    // The three parts are kept apart: moving text from one to another is another fingerprint.
    expect(fingerprint("a", "b\nc", "")).not.toBe(fingerprint("a\nb", "c", ""));
  });
});

describe("diffLineTexts", () => {
  it("keys every diff line by path, side and line: added and context on the right, removed and context on the left", () => {
    const patch = "@@ -1,3 +1,3 @@\n keep = 1\n-old = 2\n+new = 2\n tail = 3";
    const texts = diffLineTexts([
      parseChangedFile({ path: "a.py", status: "modified", additions: 1, deletions: 1, patch }),
    ]);
    expect(Object.fromEntries(texts)).toEqual({
      "a.py:RIGHT:1": "keep = 1",
      "a.py:LEFT:1": "keep = 1",
      "a.py:LEFT:2": "old = 2",
      "a.py:RIGHT:2": "new = 2",
      "a.py:RIGHT:3": "tail = 3",
      "a.py:LEFT:3": "tail = 3",
    });
  });
});
