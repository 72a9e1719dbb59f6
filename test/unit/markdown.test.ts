import { describe, expect, it } from "vitest";
import { code } from "../../src/comments/markdown.js";
import { sanitizeModelText } from "../../src/comments/sanitize.js";
import { runChecks } from "../../src/checks/index.js";
import { SourceFile } from "../../src/checks/source.js";
import { renderFindingBody } from "../../src/comments/findings.js";
import { isTransientError, retryRead } from "../../src/util/retry.js";

/** What GitHub would make live in the text outside code: mentions, links, images, HTML. */
function liveOutsideCode(markdown: string): string[] {
  // Remove code spans the way CommonMark closes them: a run of N backticks ends at the next run of exactly N.
  let prose = "";
  for (let i = 0; i < markdown.length; ) {
    const run = /^`+/.exec(markdown.slice(i))?.[0];
    if (!run) {
      prose += markdown[i++];
      continue;
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
    close.lastIndex = i + run.length;
    const end = close.exec(markdown);
    if (!end) {
      prose += run;
      i += run.length;
      continue;
    }
    i = end.index + run.length;
  }
  // The app's own framing tags are not PR text.
  prose = prose.replace(/<\/?(details|summary|sub)>/g, "");
  return [...prose.matchAll(/(?<![\w\u200b])@[A-Za-z0-9][\w-]*(\/[\w.-]+)?|!?\[[^\]]*\]\([^)]*\)|https?:\/\/\S+|www\.\S+|<[a-z!/][^>]*>/gi)].map((m) => m[0]);
}

describe("code spans for untrusted text", () => {
  it.each([
    ["plain", "`plain`"],
    ["a`b", "``a`b``"],
    ["``x", "``` ``x ```"],
    ["multi\nline\n  code", "`multi line code`"],
    ["", "`  `"],
  ])("%j -> %s", (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  it("cuts long code", () => {
    expect(code("x".repeat(300))).toBe(`\`${"x".repeat(120)}…\``);
  });

  it("a rule finding quoting PR code with backticks, a team mention, an image and a link has nothing live", () => {
    const hostile = "x = request.GET['a` @org/team ![i](https://evil.example/p.png) [Django docs](https://evil.example) `']";
    const text = `from django.http import HttpResponse\n\ndef v(request):\n    ${hostile}\n    return HttpResponse(f'<p>{x}</p>')\n`;
    const findings = runChecks([new SourceFile("shop/views.py", text, new Set([4, 5]))]).findings;
    expect(findings.map((f) => f.rule)).toContain("DJ414");
    const xss = runChecks([new SourceFile("shop/views.py", "def v(request):\n    return mark_safe(f\"`@org/team ![i](https://evil.example/p.png)` {request.GET['q']}\")\n", new Set([2]))]).findings;
    expect(xss.map((f) => f.rule)).toEqual(["DJ402"]);
    for (const f of [...findings, ...xss]) expect([f.rule, liveOutsideCode(renderFindingBody(f))]).toEqual([f.rule, []]);
  });
});

describe("model text", () => {
  it.each([
    ["autolink", "see <https://evil.example/x>"],
    ["www link", "see www.evil.example/x"],
    ["reference link", "see [the docs][1]\n\n[1]: https://evil.example/x"],
    ["image", "![x](https://evil.example/p.png)"],
    ["html", '<a href="https://evil.example">docs</a> <img src=x>'],
    ["backtick trick", "`` ` `` @org/team `` ` ``"],
    ["mention", "ping @org/team and @alice"],
  ])("%s: nothing live", (_, text) => {
    expect(liveOutsideCode(sanitizeModelText(text))).toEqual([]);
  });

  it("keeps documentation links and code", () => {
    const text = "Use [select_related](https://docs.djangoproject.com/en/5.0/ref/models/querysets/) with `@decorator`.";
    expect(sanitizeModelText(text)).toBe(text);
  });
});


describe("which failures are worth another try", () => {
  it("the network, 5xx, 429 and rate-limit 403s are; a permission 403, 404 and 422 are not", () => {
    expect([undefined, 500, 502, 429].map((status) => isTransientError({ status }))).toEqual([true, true, true, true]);
    expect(isTransientError({ status: 403, message: "You have exceeded a secondary rate limit" })).toBe(true);
    expect(isTransientError({ status: 403, message: "x", response: { headers: { "x-ratelimit-remaining": "0" } } })).toBe(true);
    expect([403, 404, 422].map((status) => isTransientError({ status, message: "Resource not accessible by integration" }))).toEqual([false, false, false]);
  });

  it("reads are tried again up to the limit, then the last error is thrown", async () => {
    let calls = 0;
    await expect(retryRead(async () => (++calls < 3 ? Promise.reject({ status: 502 }) : "ok"), { attempts: 4, backoffMs: 1 })).resolves.toBe("ok");
    calls = 0;
    await expect(retryRead(async () => (calls++, Promise.reject({ status: 502 })), { attempts: 2, backoffMs: 1 })).rejects.toEqual({ status: 502 });
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryRead(async () => (calls++, Promise.reject({ status: 404 })), { attempts: 4, backoffMs: 1 })).rejects.toEqual({ status: 404 });
    expect(calls).toBe(1);
  });
});
