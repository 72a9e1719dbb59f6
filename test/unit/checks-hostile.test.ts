import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { SourceFile } from "../../src/checks/source.js";

// Lines built to make a backtracking regex quadratic; every rule must stay about linear on them.
const PIECES = ["{{", "{%", "<script>", "a.b", "(", "'", "`", "%s", "objects.", "|safe", "://a:"];

describe("the checks on hostile lines", () => {
  it.each(PIECES)("a 120 KB line of %j in a template and in Python is checked in linear time", (piece) => {
    const line = piece.repeat(Math.ceil(60_000 / piece.length));
    const files = [
      new SourceFile(
        "shop/templates/shop/a.html",
        `${line}\n{% for o in orders %}{{ o.x|safe }}{% endfor %}\n${line}\n`,
        new Set([1, 2, 3]),
      ),
      new SourceFile(
        "shop/views.py",
        `def f(request):\n    x = ${JSON.stringify(line)}\n    return mark_safe(x)\n`,
        new Set([1, 2, 3]),
      ),
    ];
    const started = performance.now();
    runChecks(files);
    // The quadratic versions took 1 to 15 s on these; linear ones take tens of milliseconds.
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe("a JSON <script> of values behind unmatched template tag ends", () => {
  it("is checked in linear time (DJ415 steps over tags only within a bounded span)", () => {
    const body = "%}{{a}}".repeat(40_000);
    const text = `<script type="application/json">{"k": ${body}}</script>\n`;
    const started = performance.now();
    const findings = runChecks([new SourceFile("shop/templates/shop/a.html", text, new Set([1]))]).findings;
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(findings.map((f) => f.rule)).toContain("DJ415");
  });
});

describe("a POST form of unclosed template tags", () => {
  it("is checked in linear time (DJ411 reads tags only within a bounded span)", () => {
    const text = `<form method="post">\n${"{% x ".repeat(40_000)}\n{{ form }}\n</form>\n`;
    const started = performance.now();
    const findings = runChecks([new SourceFile("shop/templates/shop/a.html", text, new Set([1, 2, 3]))]).findings;
    // unbounded, the tag-stripping took 2 s here
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(findings.map((f) => f.rule)).toContain("DJ411");
  });
});

describe("files of blank lines", () => {
  // `^\s*from` under the m flag re-reads every following blank line from each line start: 34 s on this file.
  const blank = "\n".repeat(200_000);
  const py = `import markdown\nfrom glob import escape\n${blank}from app.utils import f\nfrom .models import Order\nf()\n`;
  it("are read for related modules and checked in linear time", async () => {
    const { fieldModulePaths, helperModulePaths, modelModulePaths } = await import("../../src/decide/related-files.js");
    const heads = new Map([
      ["app/views.py", py],
      ["app/models/__init__.py", `${blank}from .order import Order\n`],
    ]);
    const started = performance.now();
    expect(helperModulePaths(heads, new Set())).toContain("app/utils.py");
    fieldModulePaths(heads, new Set());
    expect(modelModulePaths(heads, new Set())).toContain("app/models/order.py");
    runChecks([new SourceFile("app/views.py", py, new Set([1, 2, 200_003]))]);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe("code quoted in findings", () => {
  it("stays inside its code span when a chain's root is a string with backticks and a mention", () => {
    const text =
      'def count_for(order):\n    return "` @owner [x](https://e.example) `".objects.filter(o=order).count()\n\n' +
      "def v(rows):\n    for row in Order.objects.all():\n        print(count_for(row))\n";
    const [finding] = runChecks([new SourceFile("shop/views.py", text, new Set([1, 2, 3, 4, 5, 6]))]).findings.filter(
      (f) => f.rule === "DJ102",
    );
    // the quoted chain is fenced with more backticks than it holds, so the mention and link stay code
    expect(finding?.message).toContain('``"` @owner [x](https://e.example) `".objects.filter.count()``');
  });
});
