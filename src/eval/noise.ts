/** Noise measurement on real commits: findings joined with a person's judgement of each. */

export const LABELS = ["TRUE", "DEBATABLE", "FALSE"] as const;
export type Label = (typeof LABELS)[number];

export interface NoiseFinding {
  repo: string;
  commit: string;
  path: string;
  line: number;
  rule: string;
  severity: string;
  message: string;
}

/** One judged finding: a reference to the code (never the code) and why it is labelled so. */
export interface Judgement {
  repo: string;
  /** Full or abbreviated (at least 7 hex digits) commit id. */
  commit: string;
  path: string;
  line: number;
  rule: string;
  label: Label;
  why: string;
}

/**
 * Reads the judgements file: tab-separated `repo commit path line rule label why`, `#` comments and
 * blank lines ignored. A malformed line is an error naming its number, so a typo cannot drop a
 * judgement silently.
 */
export function parseJudgements(text: string): Judgement[] {
  const result: Judgement[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line === "" || line.startsWith("#")) return;
    const [repo, commit, path, lineNo, rule, label, ...why] = line.split("\t");
    const number = Number(lineNo);
    if (
      !repo ||
      !commit ||
      !/^[0-9a-f]{7,40}$/.test(commit) ||
      !path ||
      !Number.isInteger(number) ||
      !rule ||
      !LABELS.includes(label as Label) ||
      why.join("\t").trim() === ""
    ) {
      throw new Error(
        `judgements line ${index + 1}: expected repo, commit, path, line, rule, TRUE|DEBATABLE|FALSE and why, ` +
          `tab-separated`,
      );
    }
    result.push({ repo, commit, path, line: number, rule, label: label as Label, why: why.join("\t").trim() });
  });
  return result;
}

export function judgementFor(finding: NoiseFinding, judgements: readonly Judgement[]): Judgement | undefined {
  return judgements.find(
    (j) =>
      j.repo === finding.repo &&
      finding.commit.startsWith(j.commit) &&
      j.path === finding.path &&
      j.line === finding.line &&
      j.rule === finding.rule,
  );
}

export interface RuleNoise {
  rule: string;
  findings: number;
  TRUE: number;
  DEBATABLE: number;
  FALSE: number;
  unjudged: number;
}

export interface NoiseSummary {
  commits: number;
  findings: number;
  findingsPer100Commits: number;
  falsePer100Commits: number;
  /** TRUE findings over judged findings (0 when none is judged). */
  trueShare: number;
  judged: number;
  perRule: RuleNoise[];
  unjudged: NoiseFinding[];
  table: string;
}

export function summariseNoise(
  commits: number,
  findings: readonly NoiseFinding[],
  judgements: readonly Judgement[],
): NoiseSummary {
  const perRule = new Map<string, RuleNoise>();
  const unjudged: NoiseFinding[] = [];
  const totals = { TRUE: 0, DEBATABLE: 0, FALSE: 0 };
  for (const finding of findings) {
    const row = perRule.get(finding.rule) ?? {
      rule: finding.rule,
      findings: 0,
      TRUE: 0,
      DEBATABLE: 0,
      FALSE: 0,
      unjudged: 0,
    };
    perRule.set(finding.rule, row);
    row.findings++;
    const judgement = judgementFor(finding, judgements);
    if (!judgement) {
      row.unjudged++;
      unjudged.push(finding);
      continue;
    }
    row[judgement.label]++;
    totals[judgement.label]++;
  }
  const judged = totals.TRUE + totals.DEBATABLE + totals.FALSE;
  const per100 = (n: number) => (commits === 0 ? 0 : round((n * 100) / commits));
  const summary = {
    commits,
    findings: findings.length,
    findingsPer100Commits: per100(findings.length),
    falsePer100Commits: per100(totals.FALSE),
    trueShare: judged === 0 ? 0 : round(totals.TRUE / judged),
    judged,
    perRule: [...perRule.values()].sort((a, b) => a.rule.localeCompare(b.rule)),
    unjudged,
  };
  return { ...summary, table: renderTable(summary) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function renderTable(s: Omit<NoiseSummary, "table">): string {
  const lines = [
    `${s.commits} commits, ${s.findings} findings (${s.findingsPer100Commits} per 100 commits), ${s.judged} judged: ` +
      `${s.falsePer100Commits} FALSE per 100 commits, ${Math.round(s.trueShare * 100)}% TRUE`,
    "",
    "| rule | findings | TRUE | DEBATABLE | FALSE | unjudged |",
    "|---|---|---|---|---|---|",
    ...s.perRule.map((r) => `| ${r.rule} | ${r.findings} | ${r.TRUE} | ${r.DEBATABLE} | ${r.FALSE} | ${r.unjudged} |`),
  ];
  return lines.join("\n");
}
