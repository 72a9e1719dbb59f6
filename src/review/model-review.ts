import type { ModelComment } from "../model/review-tool.js";
import { parseModelReview } from "../model/review-tool.js";
import type { ReviewModel } from "../model/client.js";
import type { ModelReport } from "./summary.js";

export interface ModelStageResult {
  comments: ModelComment[];
  summary?: string;
  /** Set when the model part did not produce a usable review: what happened, in words. */
  notice?: string;
  report?: ModelReport;
}

/** Output tokens allowed for one review answer. */
const MAX_OUTPUT_TOKENS = 16_000;

/** Calls the model and validates its answer; every failure becomes a notice, never a throw. */
export async function reviewWithModel(
  model: ReviewModel,
  request: { model: string; system: string; user: string },
): Promise<ModelStageResult> {
  let answer;
  try {
    answer = await model({ ...request, maxOutputTokens: MAX_OUTPUT_TOKENS });
  } catch (error) {
    return { comments: [], notice: `The model review failed: ${describeModelError(error)}.` };
  }
  const report: ModelReport = {
    model: answer.model,
    inputTokens: answer.usage.inputTokens + answer.usage.cacheReadTokens + answer.usage.cacheCreationTokens,
    cachedTokens: answer.usage.cacheReadTokens,
    outputTokens: answer.usage.outputTokens,
  };
  if (answer.toolInput === undefined) {
    return { comments: [], report, notice: `The model did not submit a review (stop reason: ${answer.stopReason ?? "none"}).` };
  }
  const parsed = parseModelReview(answer.toolInput);
  if (!parsed.ok) return { comments: [], report, notice: `The model review was discarded: ${parsed.error}.` };
  const truncated = answer.stopReason === "max_tokens" ? "The model's answer was cut off at its output limit; some comments may be missing." : undefined;
  return { comments: parsed.review.comments, summary: parsed.review.summary, report, ...(truncated ? { notice: truncated } : {}) };
}

function describeModelError(error: unknown): string {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  const short = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return status ? `HTTP ${status} from the model API (${short})` : short;
}
