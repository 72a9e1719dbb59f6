import type { Context, Logger } from "probot";
import { configFromText } from "../config/load.js";
import { fetchPullRequest } from "../github/fetch-pull-request.js";
import { fetchReviewContext, type ReviewContext } from "../github/fetch-review-context.js";
import type { PullRequestRef } from "../github/types.js";
import type { PersonaOverride } from "../personas/route.js";
import { runReview } from "../review/run-review.js";
import type { ReviewServices } from "./services.js";
import { withIgnoredRules } from "../config/ignored-rules.js";

/**
 * What the app did on the PR before, as a review needs it: the heads it reviewed, its threads (none for
 * a full review, which posts every finding again), the findings dismissed on it.
 */
export function earlierReviews(pr: NonNullable<ReviewContext["pr"]>, options: { full?: boolean } = {}) {
  return {
    reviewedShas: pr.reviewedShas,
    threads: options.full ? [] : pr.threads,
    ignoredFindings: pr.requests.ignoredFindings,
  };
}

/** A review someone asked for (a command, a check's re-run), as opposed to one a push started. */
export interface ReviewRequest {
  ref: PullRequestRef;
  log: Logger;
  signal: AbortSignal;
  /** How the request is named in log lines: "/django-review", "re-run". */
  what: string;
  /** Lines the summary starts with (a bad argument, where the request came from). */
  notices: string[];
  personaOverride?: PersonaOverride;
  /** Only review if the PR's head is still this commit (a re-run is of one commit). */
  onlyHead?: string;
  /** `/django-review full`: every finding is posted again, not only what is new since the last review. */
  full?: boolean;
  /** Called once the request is within its limits, before the PR is read (the 👀 reaction). */
  accepted?: () => Promise<void>;
}

/**
 * The tail every requested review shares: the config from the default branch, the per-PR command
 * limit, the PR as it is now (open, and at the requested head), then a full review that still knows
 * what earlier reviews said.
 */
export async function runRequestedReview(
  context: Context,
  services: ReviewServices,
  request: ReviewRequest,
): Promise<void> {
  const { ref, log, what } = request;
  const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
  const { config, problems } = await configFromText(context, reviewContext.configText);
  const limited = await services.limits.take(ref, "command", config.limits);
  if (limited) return log.warn({ outcome: "rate-limited" }, `django-review: ${what} ignored: ${limited}`);
  await request.accepted?.();
  const pr = await fetchPullRequest(context.octokit, ref);
  if (pr.state !== "open") return log.info(`django-review: ${what} ignored: the pull request is closed`);
  if (request.onlyHead !== undefined && pr.headSha !== request.onlyHead) {
    return log.info(
      { head: pr.headSha },
      `django-review: ${what} ignored: the pull request has a newer head (its own review runs)`,
    );
  }
  await runReview(services.depsFor(context.octokit, log), {
    ref,
    pr,
    config: withIgnoredRules(config, reviewContext.pr?.requests.ignoredRules ?? []),
    configProblems: problems,
    notices: request.notices,
    signal: request.signal,
    agentFiles: reviewContext.agentFiles ?? [],
    ...(reviewContext.pr ? { previous: earlierReviews(reviewContext.pr, { full: request.full }) } : {}),
    ...(request.personaOverride ? { personaOverride: request.personaOverride } : {}),
  });
}
