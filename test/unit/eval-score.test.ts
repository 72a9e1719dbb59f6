import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/checks/types.js";
import { scoreCase, scoreCorpus } from "../../src/eval/score.js";

function finding(file: string, line: number, category: Finding["category"], rule = "DJ101"): Finding {
  return { rule, title: "", severity: "major", category, persona: "architect", file, line, message: "", explanation: "" };
}

const corpusCase = {
  id: "c1",
  expected: [{ file: "a.py", lines: [10], category: "queries" as const }, { file: "a.py", lines: [40], category: "async" as const }],
  optional: [{ file: "a.py", lines: [20] }],
  mustNotFlag: [{ file: "a.py", lines: [30] }],
};

describe("corpus scoring", () => {
  it("matches by file, category and a 3-line window; optional findings count for nothing", () => {
    const score = scoreCase(corpusCase, [
      finding("a.py", 13, "queries"), // within 3 lines: true positive
      finding("a.py", 14, "queries"), // 4 away: false positive
      finding("a.py", 10, "security"), // wrong category: false positive
      finding("a.py", 21, "models"), // optional
      finding("a.py", 30, "queries"), // look-alike
    ]);
    expect(score.truePositives.map((f) => f.line)).toEqual([13]);
    expect(score.falsePositives.map((f) => f.line)).toEqual([14, 10, 30]);
    expect(score.lookAlikeHits.map((f) => f.line)).toEqual([30]);
    expect(score.missed).toEqual([corpusCase.expected[1]]);

    const total = scoreCorpus([score], [corpusCase], [{ id: "DJ101", category: "queries" }]);
    expect(total.precision).toBeCloseTo(1 / 4);
    expect(total.recall).toBeCloseTo(1 / 2);
    expect(total.categories.async).toEqual({ tp: 0, fp: 0, fn: 1 });
    expect(total.rules.DJ101).toEqual({ tp: 1, fp: 3, fn: 0 });
  });
});

describe("npm run eval:checks", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
  const corpus = fileURLToPath(new URL("../corpus", import.meta.url));

  it("prints one JSON object with precision, recall, per-rule tallies and every finding", () => {
    const out = execFileSync(tsx, ["src/eval-checks.ts", corpus, "--json"], { cwd: root, encoding: "utf8" });
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(["precision", "recall", "rules", "findings"]));
    expect(report.cases).toBeGreaterThanOrEqual(25);
    expect(report.precision).toBeGreaterThanOrEqual(0.9);
    expect(report.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.findings[0]).toEqual({ case: expect.any(String), file: expect.any(String), line: expect.any(Number), rule: expect.stringMatching(/^DJ\d{3}$/), category: expect.any(String) });
    const categories = new Set(report.findings.map((f: { category: string }) => f.category));
    expect(categories).toEqual(new Set(["queries", "async", "migrations", "security", "models", "tasks"]));
  });

  it("exits non-zero below --min-precision / --min-recall", () => {
    const ok = spawnSync(tsx, ["src/eval-checks.ts", corpus, "--min-precision", "0.5", "--min-recall", "0.5"], { cwd: root, encoding: "utf8" });
    expect(ok.status).toBe(0);
    const failing = spawnSync(tsx, ["src/eval-checks.ts", corpus, "--min-recall", "1.01"], { cwd: root, encoding: "utf8" });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain("below --min-recall");
  });
});
