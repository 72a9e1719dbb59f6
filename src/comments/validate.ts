import { type ReviewComment, SEVERITIES, type UnplacedComment } from "../vocabulary.js";
import type { LineMap } from "../diff/line-map.js";
import type { ModelComment } from "../model/review-tool.js";
import { renderCommentBody } from "./render.js";
import { sanitizeModelText } from "./sanitize.js";

/** How far a comment may be moved to reach a line that is in the diff. */
export const MAX_RELOCATION = 3;

export interface PlacementResult {
  placed: ReviewComment[];
  unplaced: UnplacedComment[];
}

/**
 * Anchors model comments on lines GitHub accepts: exact when possible, moved to the nearest line of
 * the same hunk within a few lines otherwise, or listed in the summary. Nothing off-diff is posted.
 */
export function placeComments(comments: ModelComment[], lineMap: LineMap): PlacementResult {
  const placed: ReviewComment[] = [];
  const unplaced: UnplacedComment[] = [];
  const seen = new Set<string>();
  for (const comment of comments) {
    const result = placeComment(comment, lineMap);
    if ("reason" in result) {
      unplaced.push(result);
      continue;
    }
    const key = `${result.path}:${result.side}:${result.line}:${result.body}`;
    if (seen.has(key)) continue;
    seen.add(key);
    placed.push(result);
  }
  return { placed, unplaced };
}

/** Keeps at most `max` inline comments, the most severe first (stable otherwise); the rest are listed. */
export function capComments(
  comments: ReviewComment[],
  max: number,
): { kept: ReviewComment[]; overflow: UnplacedComment[] } {
  const ranked = [...comments].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const keep = new Set(ranked.slice(0, max));
  return {
    kept: comments.filter((c) => keep.has(c)),
    overflow: ranked.slice(max).map((c) => ({
      path: c.path,
      line: c.line,
      severity: c.severity,
      body: c.body,
      reason: `over the limit of ${max} inline comments`,
    })),
  };
}

function placeComment(comment: ModelComment, lineMap: LineMap): ReviewComment | UnplacedComment {
  const body = sanitizeModelText(comment.body);
  const unplaced = (reason: string): UnplacedComment => ({
    path: comment.path,
    line: comment.line,
    severity: comment.severity,
    body,
    reason,
  });
  if (!lineMap.hasFile(comment.path)) return unplaced("the file has no reviewable diff in this pull request");

  const line = lineMap.nearest(comment.path, comment.side, comment.line, MAX_RELOCATION);
  if (line === undefined) return unplaced(`line ${comment.line} is not part of the diff`);
  const moved = line !== comment.line;
  const hunk = lineMap.hunkOf(comment.path, comment.side, line);
  const startLine = moved ? undefined : validStartLine(comment, line, hunk, lineMap);

  // A suggestion replaces exactly the anchored lines: only safe on the right side, at the anchor
  // and range the model meant.
  const rangeLost = comment.start_line !== undefined && comment.start_line !== line && startLine === undefined;
  const suggestion = comment.side === "RIGHT" && !moved && !rangeLost ? comment.suggestion : undefined;
  const note = moved
    ? `Moved from line ${comment.line}, which is not part of the ` +
      `diff${comment.suggestion ? "; suggestion dropped" : ""}.`
    : undefined;
  return {
    path: comment.path,
    line,
    side: comment.side,
    ...(startLine !== undefined ? { start_line: startLine, start_side: comment.side } : {}),
    severity: comment.severity,
    body: renderCommentBody({ severity: comment.severity, body, suggestion, note }),
    source: "model",
  };
}

function validStartLine(
  comment: ModelComment,
  line: number,
  hunk: number | undefined,
  lineMap: LineMap,
): number | undefined {
  const start = comment.start_line;
  if (start === undefined || start >= line) return undefined;
  return lineMap.hunkOf(comment.path, comment.side, start) === hunk ? start : undefined;
}
