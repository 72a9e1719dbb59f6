import type { ModelAnswer, ModelRequest, ReviewModel } from "../model/types.js";
import { estimateCost } from "../model/pricing.js";
import { type ModelComment, type ModelReview, parseModelReview } from "../model/review-tool.js";
import { errorMessage } from "../util/error-message.js";
import type { Lookups } from "../lookup/answer.js";
import type { LookupTurn } from "../lookup/tools.js";

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
 * schema gets one repair call, then costs only its chunk; an API failure (after the SDK's own
 * retries with backoff) stops the remaining calls, as does the overall deadline. Every failure
 * becomes a notice, never a throw.
 */
export async function reviewWithModel(
  model: ReviewModel,
  requests: CallRequest[],
  options: { signal?: AbortSignal; deadlineMs?: number; lookups?: Lookups } = {},
): Promise<ModelStageResult> {
  const started = Date.now();
  // The deadline and a newer push both abort the call in flight, not only the next one.
  const deadline = options.deadlineMs !== undefined ? AbortSignal.timeout(options.deadlineMs) : undefined;
  const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  const comments: ModelComment[] = [];
  const summaries: string[] = [];
  const notices: string[] = [];
  let report: ModelReport | undefined;
  for (const [index, request] of requests.entries()) {
    if (options.signal?.aborted) break;
    const part = requests.length > 1 ? ` (part ${index + 1} of ${requests.length})` : "";
    if (deadline?.aborted || (options.deadlineMs !== undefined && Date.now() - started > options.deadlineMs)) {
      notices.push(
        `The model review stopped at its time limit: ${requests.length - index} of ${requests.length} ` +
          `part${requests.length > 1 ? "s were" : " was"} not reviewed.`,
      );
      break;
    }
    let outcome: CallOutcome;
    try {
      outcome = await callWithRepair(
        model,
        { ...request, ...(signal ? { signal } : {}) },
        (usage, modelId) => (report = addUsage(report, modelId, usage)),
        options.lookups,
      );
    } catch (error) {
      if (options.signal?.aborted) break;
      if (deadline?.aborted) {
        notices.push(
          `The model review stopped at its time limit: ${requests.length - index} of ${requests.length} ` +
            `part${requests.length > 1 ? "s were" : " was"} not reviewed.`,
        );
        break;
      }
      notices.push(`The model review failed${part}: ${describeModelError(error)}.`);
      break;
    }
    if (!outcome.ok) {
      notices.push(`The model review${part} was discarded: ${outcome.error}.`);
      continue;
    }
    if (outcome.truncated)
      notices.push(`The model's answer${part} was cut off at its output limit; some comments may be missing.`);
    if (outcome.trimmed.length > 0)
      notices.push(`The model's answer${part} was over GitHub-friendly limits: ${outcome.trimmed.join("; ")}.`);
    comments.push(...outcome.review.comments);
    if (outcome.review.summary.trim()) summaries.push(outcome.review.summary.trim());
  }
  return {
    comments,
    ...(summaries.length > 0 ? { summary: summaries.join("\n\n") } : {}),
    ...(notices.length > 0 ? { notice: notices.join(" ") } : {}),
    ...(report ? { report } : {}),
  };
}

type CallOutcome =
  | { ok: true; review: ModelReview; truncated: boolean; trimmed: string[] }
  | { ok: false; error: string };

/** Model calls one review part may make beyond its lookups' rounds: the answer and one repair. */
const ANSWER_ATTEMPTS = 2;

/**
 * One part's conversation: the model may look things up (each round answered, then it is asked
 * again) until it submits or the lookups are spent, when it is held to `submit_review`. An answer
 * that fails the schema gets one more call that is told what was wrong.
 */
async function callWithRepair(
  model: ReviewModel,
  request: CallRequest,
  onUsage: (usage: ModelAnswer["usage"], model: string) => void,
  lookups?: Lookups,
): Promise<CallOutcome> {
  let current = request;
  let error = "";
  const turns: LookupTurn[] = [];
  for (let attempt = 0; attempt < ANSWER_ATTEMPTS; ) {
    const mustSubmit = lookups?.spent ?? false;
    const answer = await model({
      ...current,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      ...(lookups ? { lookups: true, turns: [...turns], mustSubmit } : {}),
    });
    onUsage(answer.usage, answer.model);
    if (lookups && !mustSubmit && answer.toolInput === undefined && answer.lookups.length > 0) {
      const results = [];
      for (const call of answer.lookups) results.push({ id: call.id, text: await lookups.answer(call) });
      turns.push({ calls: answer.lookups, results });
      continue; // a round of lookups is not an attempt at the answer
    }
    attempt++;
    const parsed =
      answer.toolInput === undefined
        ? {
            ok: false as const,
            error: `the model did not call submit_review (stop reason: ${answer.stopReason ?? "none"})`,
          }
        : parseModelReview(answer.toolInput);
    if (parsed.ok)
      return {
        ok: true,
        review: parsed.review,
        truncated: answer.stopReason === "max_tokens",
        trimmed: parsed.trimmed,
      };
    error = parsed.error;
    current = {
      ...request,
      user:
        `${request.user}\n\nYour previous answer was rejected: ${parsed.error}. Call \`submit_review\` again, ` +
        `following its input schema exactly.`,
    };
  }
  return { ok: false, error: `${error} (also after one repair attempt)` };
}

function addUsage(
  report: ModelReport | undefined,
  model: string,
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number },
): ModelReport {
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
  const message = errorMessage(error);
  const short = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return status ? `HTTP ${status} from the model API (${short})` : short;
}
