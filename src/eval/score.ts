import type { Category, Finding } from "../vocabulary.js";

export interface CaseEntry {
  file: string;
  lines: number[];
  category?: Category;
  reason?: string;
}

export interface CorpusCase {
  id: string;
  expected: CaseEntry[];
  optional: CaseEntry[];
  mustNotFlag: CaseEntry[];
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

export interface CaseScore {
  case: string;
  truePositives: Finding[];
  falsePositives: Finding[];
  missed: CaseEntry[];
  /** Findings on a must_not_flag look-alike (also counted as false positives). */
  lookAlikeHits: Finding[];
}

/**
 * Corpus matching: same file, same category, within 3 lines of one of the entry's lines (any line of a folded
 * finding).
 */
export function matches(finding: Finding, entry: CaseEntry, requireCategory = true): boolean {
  if (finding.file !== entry.file) return false;
  if (requireCategory && entry.category !== undefined && entry.category !== finding.category) return false;
  return (finding.lines ?? [finding.line]).some((at) => entry.lines.some((line) => Math.abs(line - at) <= 3));
}

export function scoreCase(corpusCase: CorpusCase, findings: Finding[]): CaseScore {
  const truePositives: Finding[] = [];
  const falsePositives: Finding[] = [];
  const lookAlikeHits: Finding[] = [];
  for (const finding of findings) {
    if (corpusCase.expected.some((e) => matches(finding, e))) truePositives.push(finding);
    else if (corpusCase.optional.some((e) => matches(finding, e, false))) continue;
    else {
      falsePositives.push(finding);
      if (corpusCase.mustNotFlag.some((e) => matches(finding, e, false))) lookAlikeHits.push(finding);
    }
  }
  const missed = corpusCase.expected.filter((e) => !findings.some((f) => matches(f, e)));
  return { case: corpusCase.id, truePositives, falsePositives, missed, lookAlikeHits };
}

export interface CorpusScore {
  precision: number;
  recall: number;
  rules: Record<string, Tally>;
  categories: Record<string, Tally>;
}

/**
 * Precision counts findings (a finding is right or wrong); recall counts expected entries (each once).
 * Expected entries name a category, not a rule, so a miss is charged to its category; a rule's `fn`
 * is the misses of its category.
 */
export function scoreCorpus(
  scores: CaseScore[],
  cases: CorpusCase[],
  ruleIds: Array<{ id: string; category: Category }>,
): CorpusScore {
  const rules: Record<string, Tally> = {};
  const categories: Record<string, Tally> = {};
  const tally = (map: Record<string, Tally>, key: string) => (map[key] ??= { tp: 0, fp: 0, fn: 0 });
  for (const score of scores) {
    for (const f of score.truePositives) {
      tally(rules, f.rule).tp++;
      tally(categories, f.category).tp++;
    }
    for (const f of score.falsePositives) {
      tally(rules, f.rule).fp++;
      tally(categories, f.category).fp++;
    }
    for (const m of score.missed) tally(categories, m.category ?? "unknown").fn++;
  }
  for (const { id, category } of ruleIds) {
    if (!rules[id] && !categories[category]) continue;
    tally(rules, id).fn = categories[category]?.fn ?? 0;
  }
  const tpFindings = scores.reduce((n, s) => n + s.truePositives.length, 0);
  const fpFindings = scores.reduce((n, s) => n + s.falsePositives.length, 0);
  const expectedTotal = cases.reduce((n, c) => n + c.expected.length, 0);
  const found = expectedTotal - scores.reduce((n, s) => n + s.missed.length, 0);
  return {
    precision: tpFindings + fpFindings === 0 ? 1 : tpFindings / (tpFindings + fpFindings),
    recall: expectedTotal === 0 ? 1 : found / expectedTotal,
    rules,
    categories,
  };
}
