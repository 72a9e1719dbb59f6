import { z } from "zod";

export const SEVERITIES = ["critical", "major", "minor", "nit"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

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
      summary: { type: "string", description: "Two to five sentences: overall assessment and the most important risks." },
      comments: {
        type: "array",
        items: {
          type: "object",
          properties: {
            path: { type: "string", description: "File path exactly as given in the diff." },
            line: { type: "integer", description: "Line number from an R<n> (RIGHT) or L<n> (LEFT) prefix; the last line of a range." },
            start_line: { type: "integer", description: "First line of a multi-line range in the same hunk; omit for one line." },
            side: { type: "string", enum: ["LEFT", "RIGHT"], description: "RIGHT for R<n> lines, LEFT for L<n> (deleted) lines." },
            severity: { type: "string", enum: [...SEVERITIES] },
            body: { type: "string", description: "The comment in Markdown: the problem, why it matters, the fix." },
            suggestion: {
              type: "string",
              description: "Only when the fix is concrete: the exact replacement for lines start_line..line (RIGHT side), no fences.",
            },
          },
          required: ["path", "line", "side", "severity", "body"],
        },
      },
    },
    required: ["summary", "comments"],
  },
};

export type ParsedModelReview = { ok: true; review: ModelReview } | { ok: false; error: string };

/** Validates the tool input the model produced; nonsense becomes an explained failure, not a crash. */
export function parseModelReview(input: unknown): ParsedModelReview {
  const result = ModelReview.safeParse(input);
  if (result.success) return { ok: true, review: result.data };
  const first = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `the model's answer did not match the review schema (${first})` };
}
