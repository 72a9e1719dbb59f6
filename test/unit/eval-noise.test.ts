import { describe, expect, it } from "vitest";
import { type NoiseFinding, parseJudgements, summariseNoise } from "../../src/eval/noise.js";

const finding = (over: Partial<NoiseFinding> = {}): NoiseFinding => ({
  repo: "o/r",
  commit: "0123456789abcdef0123456789abcdef01234567",
  path: "app/views.py",
  line: 10,
  rule: "DJ101",
  severity: "major",
  message: "m",
  ...over,
});

const TSV = [
  "# header",
  "",
  "o/r\t0123456789ab\tapp/views.py\t10\tDJ101\tTRUE\treal N+1",
  "o/r\t0123456789ab\tapp/views.py\t20\tDJ105\tFALSE\tthe rows are iterated right after",
  "o/r\t0123456789ab\tapp/models.py\t5\tDJ502\tDEBATABLE\tproject convention",
].join("\n");

describe("parseJudgements", () => {
  it("reads tab-separated judgements and skips comments and blank lines", () => {
    const judgements = parseJudgements(TSV);
    expect(judgements).toHaveLength(3);
    expect(judgements[1]).toEqual({
      repo: "o/r",
      commit: "0123456789ab",
      path: "app/views.py",
      line: 20,
      rule: "DJ105",
      label: "FALSE",
      why: "the rows are iterated right after",
    });
  });

  it.each([
    ["an unknown label", "o/r\t0123456\tp.py\t1\tDJ101\tMAYBE\twhy"],
    ["no reason", "o/r\t0123456\tp.py\t1\tDJ101\tTRUE\t "],
    ["a line that is not a number", "o/r\t0123456\tp.py\tten\tDJ101\tTRUE\twhy"],
    ["a commit that is not hex", "o/r\tmain\tp.py\t1\tDJ101\tTRUE\twhy"],
  ])("rejects %s, naming the line", (_, line) => {
    expect(() => parseJudgements(`# c\n${line}`)).toThrow(/judgements line 2/);
  });
});

describe("summariseNoise", () => {
  it("joins findings to judgements by repo, commit prefix, path, line and rule, and reports rates per 100 commits", () => {
    const findings = [
      finding(),
      finding({ line: 20, rule: "DJ105" }),
      finding({ path: "app/models.py", line: 5, rule: "DJ502" }),
      finding({ line: 11 }), // moved one line: not the judged finding
      finding({ commit: "ffff456789abcdef", line: 10 }), // another commit
    ];
    const summary = summariseNoise(200, findings, parseJudgements(TSV));
    expect(summary).toMatchObject({
      commits: 200,
      findings: 5,
      judged: 3,
      findingsPer100Commits: 2.5,
      falsePer100Commits: 0.5,
      trueShare: 0.33,
    });
    expect(summary.unjudged.map((f) => [f.commit.slice(0, 4), f.line])).toEqual([
      ["0123", 11],
      ["ffff", 10],
    ]);
    expect(summary.perRule.find((r) => r.rule === "DJ101")).toEqual({
      rule: "DJ101",
      findings: 3,
      TRUE: 1,
      DEBATABLE: 0,
      FALSE: 0,
      unjudged: 2,
    });
    expect(summary.table).toContain("| DJ105 | 1 | 0 | 0 | 1 | 0 |");
    expect(summary.table).toContain("0.5 FALSE per 100 commits, 33% TRUE");
  });

  it("is all zeros without commits or judgements", () => {
    expect(summariseNoise(0, [], [])).toMatchObject({
      findingsPer100Commits: 0,
      falsePer100Commits: 0,
      trueShare: 0,
      judged: 0,
    });
  });
});
