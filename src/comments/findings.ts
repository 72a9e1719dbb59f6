import type { Category, Finding, ReviewComment, UnplacedComment } from "../vocabulary.js";
import type { LineMap } from "../diff/line-map.js";
import type { ModelComment } from "../model/review-tool.js";
import { renderSuggestion, severityLabel } from "./render.js";

/** Words by which a model comment shows it is about the same problem as a rule's category. */
const TOPIC_WORDS: Record<Category, RegExp> = {
  queries: /\b(N\s*\+\s*1|select_related|prefetch_related|quer(y|ies)|exists\(\)|count\(\)|paginat)/i,
  async: /\b(async|await|sync_to_async|event loop|SynchronousOnlyOperation|blocking|coroutine)\b/i,
  migrations: /\b(migration|AddField|RunPython|RunSQL|default|NOT NULL|lock|rollback|revers|concurrent|index|atomic)/i,
  security: new RegExp(
    String.raw`\b(inject|XSS|escap|CSRF|mark_safe|safe|secret|DEBUG|ALLOWED_HOSTS|CORS|cookie|HSTS|redirect|` +
      "pickle|eval|__all__)",
    "i",
  ),
  models: /\b(on_delete|null=True|blank|index|FloatField|Decimal|save\(|ordering|field)/i,
  tasks: /\b(task|delay|apply_async|on_commit|celery|worker|transaction)\b/i,
};

/** The inline comment for a rule finding: severity, rule id and title, the finding, then why and how. */
export function renderFindingBody(finding: Finding, suggestion?: string): string {
  return [
    `**${severityLabel(finding.severity)}** · \`${finding.rule}\` ${finding.title}`,
    finding.message,
    ...(suggestion !== undefined ? [renderSuggestion(suggestion)] : []),
    `<details><summary>Why it matters and how to fix it</summary>\n\n${finding.explanation}\n\n</details>`,
    `<sub>Deterministic Django check ${finding.rule}.</sub>`,
  ].join("\n\n");
}

export interface FindingPlacement {
  comments: ReviewComment[];
  /** Findings whose line is not in the diff (their cause is): listed in the summary. */
  unplaced: UnplacedComment[];
}

/** Rule findings as inline comments; `suggestions` are the model's fixes for the same line and topic. */
export function placeFindings(
  findings: Finding[],
  lineMap: LineMap,
  suggestions = new Map<Finding, string>(),
): FindingPlacement {
  const comments: ReviewComment[] = [];
  const unplaced: UnplacedComment[] = [];
  for (const finding of findings) {
    const body = renderFindingBody(finding, suggestions.get(finding));
    if (lineMap.hunkOf(finding.file, "RIGHT", finding.line) !== undefined) {
      comments.push({
        path: finding.file,
        line: finding.line,
        side: "RIGHT",
        severity: finding.severity,
        body,
        source: finding.rule,
      });
    } else {
      unplaced.push({
        path: finding.file,
        line: finding.line,
        severity: finding.severity,
        body: `\`${finding.rule}\` ${finding.message}`,
        reason: "caused by this change, outside its diff",
      });
    }
  }
  return { comments, unplaced };
}

/**
 * One comment per line and topic: a model comment within a line of a rule finding of the same
 * category is dropped, and the rule comment (which has an id and a fixed explanation) stays.
 * What the model added beyond the rule survives as its suggestion, moved onto the rule's comment.
 */
export function dedupeAgainstFindings(
  modelComments: ModelComment[],
  findings: Finding[],
): { comments: ModelComment[]; suggestions: Map<Finding, string>; dropped: number } {
  const suggestions = new Map<Finding, string>();
  let dropped = 0;
  const kept = modelComments.filter((comment) => {
    const twin = findings.find(
      (f) =>
        f.file === comment.path &&
        comment.side === "RIGHT" &&
        Math.abs(f.line - comment.line) <= 1 &&
        TOPIC_WORDS[f.category].test(comment.body),
    );
    if (!twin) return true;
    if (
      comment.suggestion !== undefined &&
      comment.line === twin.line &&
      comment.start_line === undefined &&
      !suggestions.has(twin)
    )
      suggestions.set(twin, comment.suggestion);
    dropped++;
    return false;
  });
  return { comments: kept, suggestions, dropped };
}
