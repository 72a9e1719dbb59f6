import { z } from "zod";
import { SEVERITIES, Severity } from "../vocabulary.js";

export const ModelComment = z.object({
  path: z.string().min(1),
  line: z.number().int().positive(),
  start_line: z.number().int().positive().optional(),
  side: z.enum(["LEFT", "RIGHT"]).default("RIGHT"),
  severity: Severity,
  body: z.string().min(1).max(8_000),
  /** Replacement code for start_line..line (RIGHT side only), without fences. */
  suggestion: z.string().max(8_000).optional(),
});
export type ModelComment = z.infer<typeof ModelComment>;

export const ModelReview = z.object({
  summary: z.string().max(8_000),
  comments: z.array(ModelComment).max(200),
});
export type ModelReview = z.infer<typeof ModelReview>;

export const REVIEW_TOOL_NAME = "submit_review";

/** The forced tool through which the model answers; kept in step with `ModelReview` by a test. */
export const REVIEW_TOOL = {
  name: REVIEW_TOOL_NAME,
  description:
    "Submit the review of the pull request: a short overall summary and inline comments anchored to lines of the diff.",
  input_schema: {
    type: "object" as const,
    properties: {
      summary: {
        type: "string",
        description: "Two to five sentences: overall assessment and the most important risks.",
      },
      comments: {
        type: "array",
        items: {
          type: "object",
          properties: {
            path: { type: "string", description: "File path exactly as given in the diff." },
            line: {
              type: "integer",
              description: "Line number from an R<n> (RIGHT) or L<n> (LEFT) prefix; the last line of a range.",
            },
            start_line: {
              type: "integer",
              description: "First line of a multi-line range in the same hunk; omit for one line.",
            },
            side: {
              type: "string",
              enum: ["LEFT", "RIGHT"],
              description: "RIGHT for R<n> lines, LEFT for L<n> (deleted) lines.",
            },
            severity: { type: "string", enum: [...SEVERITIES] },
            body: { type: "string", description: "The comment in Markdown: the problem, why it matters, the fix." },
            suggestion: {
              type: "string",
              description:
                "Only when the fix is concrete: the exact replacement for lines start_line..line (RIGHT side), no " +
                "fences.",
            },
          },
          required: ["path", "line", "side", "severity", "body"],
        },
      },
    },
    required: ["summary", "comments"],
  },
};

export type ParsedModelReview = { ok: true; review: ModelReview; trimmed: string[] } | { ok: false; error: string };

const MAX_TEXT = 8_000;
const MAX_COMMENTS = 200;

/**
 * An answer that is only too big is trimmed, never thrown away (it was paid for): texts over the
 * limit are cut, an oversized suggestion is dropped (half a replacement would be wrong code),
 * comments past the 200th are dropped. What was trimmed is said, for the summary.
 */
function trimToLimits(input: unknown): { input: unknown; trimmed: string[] } {
  if (input === null || typeof input !== "object") return { input, trimmed: [] };
  const trimmed: string[] = [];
  const answer = { ...(input as Record<string, unknown>) };
  const cut = (text: string) => `${text.slice(0, MAX_TEXT - 20)}\n\n…(trimmed)`;
  if (typeof answer.summary === "string" && answer.summary.length > MAX_TEXT) {
    answer.summary = cut(answer.summary);
    trimmed.push("the summary was trimmed to 8,000 characters");
  }
  if (Array.isArray(answer.comments)) {
    if (answer.comments.length > MAX_COMMENTS) {
      trimmed.push(`${answer.comments.length - MAX_COMMENTS} comments past the first ${MAX_COMMENTS} were dropped`);
      answer.comments = answer.comments.slice(0, MAX_COMMENTS);
    }
    let long = 0;
    answer.comments = (answer.comments as unknown[]).map((c) => {
      if (c === null || typeof c !== "object") return c;
      const comment = { ...(c as Record<string, unknown>) };
      if (typeof comment.body === "string" && comment.body.length > MAX_TEXT) {
        comment.body = cut(comment.body);
        long++;
      }
      if (typeof comment.suggestion === "string" && comment.suggestion.length > MAX_TEXT) {
        delete comment.suggestion;
        long++;
      }
      return comment;
    });
    if (long > 0) trimmed.push(`${long} oversized comment text${long > 1 ? "s were" : " was"} trimmed`);
  }
  return { input: answer, trimmed };
}

/** Validates the tool input the model produced; nonsense becomes an explained failure, not a crash. */
export function parseModelReview(raw: unknown): ParsedModelReview {
  const { input, trimmed } = trimToLimits(raw);
  const result = ModelReview.safeParse(input);
  if (result.success) return { ok: true, review: result.data, trimmed };
  const first = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `the model's answer did not match the review schema (${first})` };
}
