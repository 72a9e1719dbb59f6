import { describe, expect, it } from "vitest";
import { code } from "../../src/comments/markdown.js";
import { liveOutsideCode } from "../helpers/markdown-live.js";
import { sanitizeModelText } from "../../src/comments/sanitize.js";
import { runChecks } from "../../src/checks/index.js";
import { SourceFile } from "../../src/checks/source.js";
import { renderFindingBody } from "../../src/comments/findings.js";
import { timedFetch } from "../../src/github/timed-fetch.js";
import { isTransientError, retryRead } from "../../src/util/retry.js";

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
    const hostile =
      "x = request.GET['a` @org/team ![i](https://evil.example/p.png) [Django docs](https://evil.example) `']";
    const text = `from django.http import HttpResponse\n\ndef v(request):\n    ${hostile}\n    return HttpResponse(f'<p>{x}</p>')\n`;
    const findings = runChecks([new SourceFile("shop/views.py", text, new Set([4, 5]))]).findings;
    expect(findings.map((f) => f.rule)).toContain("DJ414");
    const xss = runChecks([
      new SourceFile(
        "shop/views.py",
        "def v(request):\n    return mark_safe(f\"`@org/team ![i](https://evil.example/p.png)` {request.GET['q']}\")\n",
        new Set([2]),
      ),
    ]).findings;
    expect(xss.map((f) => f.rule)).toEqual(["DJ402"]);
    for (const f of [...findings, ...xss])
      expect([f.rule, liveOutsideCode(renderFindingBody(f))]).toEqual([f.rule, []]);
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
    expect(
      isTransientError({ status: 403, message: "x", response: { headers: { "x-ratelimit-remaining": "0" } } }),
    ).toBe(true);
    expect(
      [403, 404, 422].map((status) => isTransientError({ status, message: "Resource not accessible by integration" })),
    ).toEqual([false, false, false]);
  });

  it("reads are tried again up to the limit, then the last error is thrown", async () => {
    let calls = 0;
    await expect(
      retryRead(async () => (++calls < 3 ? Promise.reject({ status: 502 }) : "ok"), { attempts: 4, backoffMs: 1 }),
    ).resolves.toBe("ok");
    calls = 0;
    await expect(
      retryRead(async () => (calls++, Promise.reject({ status: 502 })), { attempts: 2, backoffMs: 1 }),
    ).rejects.toEqual({ status: 502 });
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      retryRead(async () => (calls++, Promise.reject({ status: 404 })), { attempts: 4, backoffMs: 1 }),
    ).rejects.toEqual({ status: 404 });
    expect(calls).toBe(1);
  });
});

describe("GitHub requests have a deadline", () => {
  it("a hung request is abandoned after the timeout; the caller's signal still wins", async () => {
    const hung: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    // `hung` never answers: only the deadline can end it.
    await expect(timedFetch(50, hung)("https://api.github.com/x")).rejects.toThrow(/timeout|aborted/i);
    const caller = new AbortController();
    const pending = timedFetch(60_000, hung)("https://api.github.com/x", { signal: caller.signal });
    caller.abort(new Error("superseded"));
    await expect(pending).rejects.toThrow("superseded");
  });
});
