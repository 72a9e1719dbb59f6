import { describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, parseConfigText } from "../../src/config/from-text.js";
import { pathMatcher } from "../../src/diff/path-filter.js";

describe("hostile configs are refused quickly, with a clear problem and the defaults", () => {
  it("too large", () => {
    const result = parseConfigText(`# ${"x".repeat(MAX_CONFIG_BYTES)}\n`, ".github/django-review.yml");
    expect(result.problems).toEqual(["`.github/django-review.yml` is 65 KB; the limit is 64 KB"]);
    expect(result.config.max_comments).toBe(25);
  });

  it("200,000 keys in under 64 KB of flow YAML, or an alias bomb", () => {
    const started = performance.now();
    const keys = parseConfigText(
      `checks: {disable: [${Array.from({ length: 20_000 }, () => "a").join(",")}]}`,
      "c.yml",
    );
    expect(keys.problems).toEqual(["the config has more than 2000 keys and values"]);
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join("\n");
    expect(parseConfigText(bomb, "c.yml").problems[0]).toMatch(/not valid YAML|more than 2000 keys/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("a deep document is counted without recursion", () => {
    const deep = `${"[".repeat(5_000)}${"]".repeat(5_000)}`;
    expect(() => parseConfigText(`exclude_paths: ${deep}`, "c.yml")).not.toThrow();
  });

  it("extended globs are refused; braces still work; matching a hostile path stays fast", () => {
    const result = parseConfigText("exclude_paths: ['@(a|b)/**', '!(x)']\n", "c.yml");
    expect(result.problems.join("\n")).toMatch(/exclude_paths\.0.*extended glob patterns/);
    expect(result.config.exclude_paths).toEqual([]);
    expect(parseConfigText("exclude_paths: ['docs/*.{md,rst}']\n", "c.yml").config.exclude_paths).toEqual([
      "docs/*.{md,rst}",
    ]);
    const match = pathMatcher(["**/*.{md,rst}", "a/**/b/**/c/**/d"]);
    const started = performance.now();
    expect(match(`${"a/".repeat(2_000)}x.py`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
