import { DEFAULT_READ_RETRY } from "../util/retry.js";
import { offThread } from "../review/off-thread.js";
import type { Logger } from "probot";
import { appPermissionHint, permissionProblem } from "../github/permissions.js";
import type { GitHubClient } from "../github/types.js";
import type { OperatorEnv } from "../config/env.js";
import { anthropicAnswerModel, anthropicReviewModel, modelSettings } from "../model/client.js";
import type { AnswerModel } from "../model/types.js";
import type { PersonaRegistry } from "../personas/load.js";
import type { ReviewQueue } from "../queue/types.js";
import { RateLimits, RedisRateLimits, type SpendingLimits } from "../queue/rate-limits.js";
import { BullQueue } from "../queue/bullmq.js";
import type { RenderedReview, ReviewDeps, ReviewOutcome } from "../review/run-review.js";
import { AppMetrics } from "../metrics.js";

/** What every handler needs beyond its event: the queue, personas and the model. */
export interface ReviewServices {
  queue: ReviewQueue;
  limits: SpendingLimits;
  metrics: AppMetrics;
  /** Counts a review that failed with an error (and tells the embedder, e.g. the Action's exit code). */
  reportFailure(error: unknown): void;
  depsFor(octokit: GitHubClient, log: Logger): ReviewDeps;
  /** The model that answers `/django-review ask`; undefined without an API key. */
  answerModel(): { answer: AnswerModel; modelOverride?: string } | undefined;
}

export function createReviewServices(
  personas: PersonaRegistry,
  env: OperatorEnv,
  queue: ReviewQueue,
  onFailure: (error: unknown) => void = () => {},
  onRendered?: (review: RenderedReview) => void,
): ReviewServices {
  const metrics = new AppMetrics(() => queue.size());
  const settings = modelSettings(env);
  const modelOverride = env.DJANGO_REVIEW_MODEL;
  const modelDeadlineMs = env.DJANGO_REVIEW_MODEL_DEADLINE_MS;
  const staleCheckAfterMs = env.DJANGO_REVIEW_STALE_CHECK_MS;
  const readRetry = { ...DEFAULT_READ_RETRY, backoffMs: env.DJANGO_REVIEW_READ_BACKOFF_MS };
  const postRetry = { budgetMs: env.DJANGO_REVIEW_POST_RETRY_MS, backoffMs: env.DJANGO_REVIEW_POST_BACKOFF_MS };
  // Built on first use, not at start-up: the SDK captures `fetch` when it is constructed.
  let model: ReturnType<typeof anthropicReviewModel> | undefined;
  let answer: AnswerModel | undefined;
  const perInstallation = env.DJANGO_REVIEW_MAX_REVIEWS_PER_HOUR;
  // With the queue on Redis, limits are shared by every replica through the same server.
  const limits =
    queue instanceof BullQueue
      ? new RedisRateLimits(queue.connection, perInstallation, queue.prefix)
      : new RateLimits(perInstallation);
  const onOutcome = (outcome: ReviewOutcome, durationMs: number) => metrics.recordReview(outcome, durationMs);
  // Diff parsing, the checks and prompt building run on a worker thread, so a hostile PR cannot hold
  // up webhooks or /healthz.
  const offload = env.DJANGO_REVIEW_CHECKS_INLINE ? undefined : offThread(env.DJANGO_REVIEW_CHECKS_TIMEOUT_MS);
  return {
    queue,
    limits,
    metrics,
    reportFailure(error) {
      metrics.recordFailure();
      onFailure(error);
    },
    answerModel() {
      if (!settings) return undefined;
      answer ??= anthropicAnswerModel(settings);
      return { answer, ...(modelOverride ? { modelOverride } : {}) };
    },
    depsFor(octokit, log) {
      if (settings) model ??= anthropicReviewModel(settings);
      return {
        octokit,
        log,
        personas,
        staleCheckAfterMs,
        postRetry,
        readRetry,
        ...(offload ? { offload } : {}),
        modelDeadlineMs,
        onOutcome,
        ...(onRendered ? { onRendered } : {}),
        ...(model ? { model } : {}),
        ...(modelOverride ? { modelOverride } : {}),
      };
    },
  };
}

/** Runs a queued job's work, logging its failure with the cause: a background job has no caller to throw to. */
export async function runLogged(
  log: Logger,
  work: () => Promise<unknown>,
  services: Pick<ReviewServices, "reportFailure">,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    services.reportFailure(error);
    const problem = permissionProblem(error);
    if (problem)
      log.error(
        { err: error, outcome: "failed", permission: problem.permission },
        `django-review: review failed: ${appPermissionHint(problem)}`,
      );
    else log.error({ err: error, outcome: "failed" }, "django-review: review failed");
  }
}
