import { CATEGORIES, type Category } from "../vocabulary.js";
/**
 * Recall on real bug fixes: each fix commit is replayed backwards (`django-review review --revert`),
 * so the change under review is the one that brings the bug back. A fix counts as caught when a
 * finding of the expected category lands in that change.
 */

export interface Fix {
  repo: string;
  commit: string;
  category: Category;
  why: string;
}

export interface RecallFinding {
  repo: string;
  commit: string;
  path: string;
  line: number;
  rule: string;
  category: string;
}

/** `repo<TAB>commit<TAB>category<TAB>why` lines; `#` comments and blank lines ignored; a bad line names its number. */
export function parseFixes(text: string): Fix[] {
  const fixes: Fix[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line === "" || line.startsWith("#")) return;
    const [repo, commit, category, ...why] = line.split("\t");
    if (
      !repo ||
      !commit ||
      !/^[0-9a-f]{7,40}$/.test(commit) ||
      !CATEGORIES.includes(category as Category) ||
      why.join("\t").trim() === ""
    ) {
      throw new Error(
        `fixes line ${index + 1}: expected repo, commit, category (${CATEGORIES.join("|")}) and why, tab-separated`,
      );
    }
    fixes.push({ repo, commit, category: category as Category, why: why.join("\t").trim() });
  });
  return fixes;
}

export interface RecallSummary {
  fixes: number;
  caught: number;
  recall: number;
  /** Findings in the replayed changes of the expected category, over all their findings. */
  precision: number;
  byCategory: Record<string, { fixes: number; caught: number }>;
  missed: Fix[];
  /** Findings of another category than the fix's: listed for a person to judge. */
  other: RecallFinding[];
}

export function summariseRecall(fixes: readonly Fix[], findings: readonly RecallFinding[]): RecallSummary {
  const of = (fix: Fix) => findings.filter((f) => f.repo === fix.repo && f.commit.startsWith(fix.commit));
  const byCategory: RecallSummary["byCategory"] = {};
  const missed: Fix[] = [];
  let caught = 0;
  let onTarget = 0;
  const other: RecallFinding[] = [];
  for (const fix of fixes) {
    const mine = of(fix);
    const hit = mine.filter((f) => f.category === fix.category);
    onTarget += hit.length;
    other.push(...mine.filter((f) => f.category !== fix.category));
    const entry = (byCategory[fix.category] ??= { fixes: 0, caught: 0 });
    entry.fixes++;
    if (hit.length > 0) {
      caught++;
      entry.caught++;
    } else missed.push(fix);
  }
  const total = onTarget + other.length;
  return {
    fixes: fixes.length,
    caught,
    recall: fixes.length ? caught / fixes.length : 0,
    precision: total ? onTarget / total : 1,
    byCategory,
    missed,
    other,
  };
}
