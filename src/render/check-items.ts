import type { Finding, ReviewComment, Severity, UnplacedComment } from "../vocabulary.js";
import { SUGGESTION_BLOCK } from "../comments/render.js";

/** One thing the review says about a line: a rule finding or a model comment, as Markdown. */
export interface CheckItem {
  file: string;
  line: number;
  severity: Severity;
  /** A rule id, or "model". */
  source: string;
  title: string;
  message: string;
}

/**
 * Everything a review says, as check run items: rule findings (by their rule, with its title and
 * message) and model comments (their text without badge, suggestion or markers), inline or not.
 */
export function checkItems(comments: ReviewComment[], unplaced: UnplacedComment[], findings: Finding[]): CheckItem[] {
  const item = (
    path: string,
    line: number,
    severity: CheckItem["severity"],
    body: string,
    source?: string,
  ): CheckItem => {
    const rule = source !== undefined && source !== "model" ? source : /^`(DJ\d+)`/.exec(body)?.[1];
    const finding = rule ? findings.find((f) => f.rule === rule && f.file === path && f.line === line) : undefined;
    if (finding)
      return { file: path, line, severity, source: finding.rule, title: finding.title, message: finding.message };
    return { file: path, line, severity, source: "model", title: "", message: modelText(body) };
  };
  return [
    ...comments.map((c) => item(c.path, c.line, c.severity, c.body, c.source)),
    ...unplaced.map((u) => item(u.path, u.line, u.severity, u.body)),
  ];
}

/** A model comment's own words: no severity badge, suggestion block, note or marker. */
function modelText(body: string): string {
  return body
    .replace(/^\*\*[^*]+\*\*\s*/, "")
    .replace(SUGGESTION_BLOCK, "\n")
    .replace(/<sub>[\s\S]*?<\/sub>/g, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .trim();
}
