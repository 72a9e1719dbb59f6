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
