import { describe, expect, it } from "vitest";
import { asFStrings } from "../../src/diff/format-strings.js";
import { tokensWithCommas } from "../../src/diff/real-changes.js";

/** The line's tokens after the rewrite, joined by spaces (an f-string is one token). */
const read = (line: string) =>
  asFStrings(tokensWithCommas(line, true).map((text) => ({ text })))
    .map((t) => t.text)
    .join(" ");

describe("asFStrings: format calls as the f-strings a formatter writes", () => {
  it.each([
    [`x = "{} of {}".format(a, b.c)`, `x = f"{a} of {b.c}"`],
    [`x = "{1} {0} {1}".format(a, b)`, `x = f"{b} {a} {b}"`],
    [`x = "{n!r:>4}".format(n=len(rows))`, `x = f"{len(rows)!r:>4}"`],
    [`x = u"{}".format(a)`, `x = f"{a}"`],
    [`x = "%s-%d (%r)" % (a, b, c)`, `x = f"{a}-{b} ({c!r})"`],
    [`x = "%.2f%%" % self.ratio`, `x = f"{self.ratio:.2f}%"`],
    [`x = "%s" % a + b`, `x = f"{a}" + b`],
    [`x = "%(a)s/%(b)r" % {"a": one, "b": two(3)}`, `x = f"{one}/{two(3)!r}"`],
  ])("%s", (line, expected) => {
    expect(read(line)).toBe(expected);
  });

  it.each([
    // braces, bytes, f-strings and unread shapes are left as they are
    `x = "{{}} {}".format(a)`,
    `x = b"{}".format(a)`,
    `x = f"{a}".format(b)`,
    `x = "{}".foo(a)`,
    `x = "{}" . format [a]`,
    `x = "{}".format(*args)`,
    `x = "{}".format(**kw)`,
    `x = "{}".format("a")`,
    `x = "{} {}".format(a)`,
    `x = "{}".format(a, b)`,
    `x = "{k}".format(k=a, j=b)`,
    `x = "{k}".format(j=b)`,
    `x = "{a.b}".format(a=c)`,
    `x = "{}".format(a`,
    `x = "%s %s" % (a,)`,
    `x = "%s" % (a, b)`,
    `x = "%s" % ("a",)`,
    `x = "%5s" % a`,
    `x = "%f" % a`,
    `x = "%s {}" % a`,
    `x = "%s" % 3`,
    `x = "%s" % (a`,
    `x = "%s" % -a`,
    `x = "%(a)s" % d`,
    `x = "%(a)s" % {"a": a, "b": b}`,
    `x = "%(a)s" % {"b": b}`,
    `x = "%(a)s" % {k: a}`,
    `x = "%(a)s" % {"a" a}`,
    `x = "%(a)s" % {"a": "v"}`,
    `x = "%(a)5s" % {"a": a}`,
    `x = "%(a)s" % {"a": a`,
  ])("leaves %s alone", (line) => {
    expect(read(line)).toBe(tokensWithCommas(line, true).join(" "));
  });

  it("consumes the whole call, so what follows it is read on its own", () => {
    expect(read(`f("{}".format(a), "%s" % b, c)`)).toBe(`f ( f"{a}" , f"{b}" , c )`);
    expect(read(`x = "{}".format(a).upper()`)).toBe(`x = f"{a}" . upper ( )`);
  });
});
