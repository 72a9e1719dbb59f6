import type { ModelRequest, ReviewModel } from "../model/client.js";
import { estimateCost } from "../model/pricing.js";
import { type ModelComment, parseModelReview } from "../model/review-tool.js";

export interface ModelReport {
  model: string;
  calls: number;
  /** Input tokens billed at the full rate (neither read from nor written to the cache). */
  inputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  outputTokens: number;
  costUsd?: number;
}

export interface ModelStageResult {
  comments: ModelComment[];
  summary?: string;
  /** Set when (part of) the model review did not produce a usable answer: what happened, in words. */
  notice?: string;
  report?: ModelReport;
}

/** Output tokens allowed for one review answer. */
const MAX_OUTPUT_TOKENS = 16_000;

type CallRequest = Omit<ModelRequest, "maxOutputTokens">;

/**
 * Reviews the PR in one call per chunk, in turn, and merges the answers. An answer that fails the
 * schema costs only its chunk; an API failure stops the remaining calls (they would fail alike).
 * Every failure becomes a notice, never a throw.
 */
export async function reviewWithModel(model: ReviewModel, requests: CallRequest[], signal?: AbortSignal): Promise<ModelStageResult> {
  const comments: ModelComment[] = [];
  const summaries: string[] = [];
  const notices: string[] = [];
  let report: ModelReport | undefined;
  for (const [index, request] of requests.entries()) {
    if (signal?.aborted) break;
    const part = requests.length > 1 ? ` (part ${index + 1} of ${requests.length})` : "";
    let answer;
    try {
      answer = await model({ ...request, maxOutputTokens: MAX_OUTPUT_TOKENS });
    } catch (error) {
      notices.push(`The model review failed${part}: ${describeModelError(error)}.`);
      break;
    }
    report = addUsage(report, answer.model, answer.usage);
    if (answer.toolInput === undefined) {
      notices.push(`The model did not submit a review${part} (stop reason: ${answer.stopReason ?? "none"}).`);
      continue;
    }
    const parsed = parseModelReview(answer.toolInput);
    if (!parsed.ok) {
      notices.push(`The model review${part} was discarded: ${parsed.error}.`);
      continue;
    }
    if (answer.stopReason === "max_tokens") notices.push(`The model's answer${part} was cut off at its output limit; some comments may be missing.`);
    comments.push(...parsed.review.comments);
    if (parsed.review.summary.trim()) summaries.push(parsed.review.summary.trim());
  }
  return {
    comments,
    ...(summaries.length > 0 ? { summary: summaries.join("\n\n") } : {}),
    ...(notices.length > 0 ? { notice: notices.join(" ") } : {}),
    ...(report ? { report } : {}),
  };
}

function addUsage(report: ModelReport | undefined, model: string, usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number }): ModelReport {
  const next: ModelReport = {
    model,
    calls: (report?.calls ?? 0) + 1,
    inputTokens: (report?.inputTokens ?? 0) + usage.inputTokens,
    cacheReadTokens: (report?.cacheReadTokens ?? 0) + usage.cacheReadTokens,
    cacheCreationTokens: (report?.cacheCreationTokens ?? 0) + usage.cacheCreationTokens,
    outputTokens: (report?.outputTokens ?? 0) + usage.outputTokens,
  };
  const cost = estimateCost(model, next);
  return cost === undefined ? next : { ...next, costUsd: cost };
}

function describeModelError(error: unknown): string {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  const short = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return status ? `HTTP ${status} from the model API (${short})` : short;
}
