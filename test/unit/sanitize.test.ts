import { describe, expect, it } from "vitest";
import { sanitizeModelText } from "../../src/comments/sanitize.js";

// Each case is the whole output, so a pattern that loosens (an anchor, a quantifier, a host) shows.
describe("sanitizeModelText", () => {
  it.each([
    ["an inline span keeps its fence when it closes where meant", "use ``a`b`` here", "use ``a`b`` here"],
    [
      "fenced blocks stay as written, mentions and HTML inside included",
      "```py\n@decorator\n<b>x</b> https://evil.example\n```\nafter @bob",
      "```py\n@decorator\n<b>x</b> https://evil.example\n```\nafter @\u200bbob",
    ],
    ["tilde fences too", "~~~\n@x <i>\n~~~", "~~~\n@x <i>\n~~~"],
    [
      "HTML comments go, an unterminated one to the end",
      "a <!-- hidden --> b <!-- open to the end\nstill hidden",
      "a  b ",
    ],
    [
      "a reference definition becomes text, indented up to three spaces",
      '  [docs]: https://evil.example/x "t"\nsee [docs]',
      "docs: `https://evil.example/x`\nsee [docs]",
    ],
    [
      "links: documentation kept, others and every image shown as text",
      '[ok](https://docs.djangoproject.com/en/5.0/) [bad](https://evil.example/a "title") ![img](https://docs.djangoproject.com/x.png)',
      "[ok](https://docs.djangoproject.com/en/5.0/) bad (`https://evil.example/a`) img (`https://docs.djangoproject.com/x.png`)",
    ],
    [
      "autolinks: documentation kept, others as code",
      "<https://evil.example/x> <https://docs.python.org/3/> <www.evil.example>",
      "`https://evil.example/x` <https://docs.python.org/3/> `www.evil.example`",
    ],
    [
      "bare URLs of any scheme and www. as code; not inside a path",
      "see https://evil.example/x. and http://evil.example and www.evil.example, path/https://x",
      "see `https://evil.example/x.` and `http://evil.example` and `www.evil.example,` path/https://x",
    ],
    ["raw HTML shown as text", "a < b <script>alert(1)</script>", "a &lt; b &lt;script>alert(1)&lt;/script>"],
    [
      "mentions defused, e-mail addresses and code left alone",
      "@org/team ping, mail a@b.com, `@x` and @user-name.",
      "@\u200borg/team ping, mail a@b.com, `@x` and @\u200buser-name.",
    ],
    ["code at both ends", "`code` at start and end `x`", "`code` at start and end `x`"],
    [
      "an unclosed fence is code to the end, as GitHub renders it",
      "```\n@x https://evil.example",
      "```\n@x https://evil.example",
    ],
    [
      "a longer fence holds a shorter one; prose after it is prose",
      "````md\n```\n@in\n````\n@out",
      "````md\n```\n@in\n````\n@\u200bout",
    ],
    ["one backtick opens a span, not a block", "`code` then\n@bob", "`code` then\n@\u200bbob"],
    ["spans keep mentions and short words as code", "say `@team` and `ab`", "say `@team` and `ab`"],
    ["a span is re-fenced to the shortest safe fence", "``a``", "`a`"],
    [
      "a definition only at the start of a line, whatever the spacing after its colon",
      "[x]:   https://evil.example\ntext [y]: https://evil.example/2",
      "x: `https://evil.example`\ntext [y]: `https://evil.example/2`",
    ],
    ["an http autolink as code", "<http://evil.example>", "`http://evil.example`"],
  ])("%s", (_what, input, output) => {
    expect(sanitizeModelText(input)).toBe(output);
  });

  it("takes only documentation hosts at the start of the URL (an anchored allowlist)", () => {
    expect(sanitizeModelText("[x](https://evil.example/?https://docs.djangoproject.com/)")).toBe(
      "x (`https://evil.example/?https://docs.djangoproject.com/`)",
    );
    expect(sanitizeModelText("[x](https://docs.djangoproject.com.evil.example/)")).toBe(
      "x (`https://docs.djangoproject.com.evil.example/`)",
    );
    expect(sanitizeModelText("[x](http://docs.djangoproject.com/)")).toBe("x (`http://docs.djangoproject.com/`)");
  });
});
