import type { Severity } from "../vocabulary.js";
import { reviewJob } from "./review-job.js";
import type { Context, Logger } from "probot";
import { configFromText } from "../config/load.js";
import { completeMissingCheckRun } from "../github/check-run.js";
import { fetchReviewContext } from "../github/fetch-review-context.js";
import { type PullRequestInfo, toPullRequestInfo } from "../github/fetch-pull-request.js";
import type { PullRequestRef } from "../github/types.js";
import { runReview } from "../review/run-review.js";
import { runLogged, type ReviewServices } from "./services.js";
import { withIgnoredRules } from "../config/ignored-rules.js";
import { earlierReviews } from "./requested-review.js";

export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.synchronize",
] as const;

export type PullRequestContext = Context<(typeof PULL_REQUEST_EVENTS)[number]>;

/** A PR was opened, reopened, marked ready or pushed to: queue a review of its head and answer at once. */
export async function queuePullRequestReview(context: PullRequestContext, services: ReviewServices): Promise<void> {
  const pr = toPullRequestInfo(context.payload.pull_request);
  const ref = { ...context.repo(), pullNumber: pr.number };
  const log = pullRequestLog(context);
  if (pr.state !== "open") return log.info("django-review: skipped, the pull request is not open");
  const result = await services.queue.enqueue(
    reviewJob(context, ref.pullNumber, { headSha: pr.headSha, request: `@${pr.headSha}`, supersedes: true }),
  );
  log.info({ queue: result }, "django-review: review queued");
}

function pullRequestLog(context: PullRequestContext): Logger {
  const pr = context.payload.pull_request;
  return context.log.child({
    installation: context.payload.installation?.id,
    ...context.repo(),
    pr: pr.number,
    sha: pr.head.sha,
  });
}

/** The queued work: config, idempotency and skip rules, then the review. */
export async function reviewPullRequest(
  context: PullRequestContext,
  services: ReviewServices,
  signal: AbortSignal,
): Promise<void> {
  const pr = toPullRequestInfo(context.payload.pull_request);
  const ref = { ...context.repo(), pullNumber: pr.number };
  const log = pullRequestLog(context);
  await runLogged(log, () => review(context, services, { pr, ref, log, signal }), services);
}

async function review(
  context: PullRequestContext,
  services: ReviewServices,
  job: { pr: PullRequestInfo; ref: PullRequestRef; log: Logger; signal: AbortSignal },
): Promise<void> {
  const { pr, ref, log, signal } = job;
  const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
  const { config, problems } = await configFromText(context, reviewContext.configText);
  const now = reviewContext.pr;
  if (now && now.state !== "OPEN")
    return log.info({ state: now.state }, "django-review: skipped, the pull request is no longer open");
  if (now && now.headSha !== pr.headSha)
    return log.info({ head: now.headSha }, "django-review: skipped a stale event: the pull request has a newer head");
  if (now) {
    const feedback = services.metrics.recordFeedback(now.threads);
    if (Object.keys(feedback).length > 0) log.info({ feedback }, "django-review: reactions on earlier findings");
  }
  // Idempotent across redeliveries, restarts and replicas: the reviewed SHA is marked in GitHub itself.
  if (now?.reviewedShas.includes(pr.headSha)) {
    if (config.check_run.enabled) await repairCheckRun(context, ref, pr.headSha, config.check_run.fail_on, log);
    return log.info("django-review: skipped, this head was already reviewed");
  }
  if (now?.requests.paused)
    return log.info("django-review: skipped, paused on this pull request (`/django-review resume` resumes)");
  if (pr.draft && !config.review_drafts)
    return log.info("django-review: skipped draft (set review_drafts: true to review drafts)");
  if (pr.authorIsBot && !config.review_bot_prs) {
    return log.info(
      { author: pr.authorLogin },
      "django-review: skipped a bot's pull request (set review_bot_prs: true to review them)",
    );
  }
  const limited = await services.limits.take(ref, "review", config.limits);
  if (limited) return log.warn({ outcome: "rate-limited" }, `django-review: skipped: ${limited}`);
  await runReview(services.depsFor(context.octokit, log), {
    ref,
    pr,
    config: withIgnoredRules(config, now?.requests.ignoredRules ?? []),
    configProblems: problems,
    signal,
    incremental: context.payload.action === "synchronize",
    agentFiles: reviewContext.agentFiles ?? [],
    ...(now ? { previous: earlierReviews(now) } : {}),
  });
}

/** The review is there; its check run may not be (a stop between the two). Never fails the event. */
async function repairCheckRun(
  context: PullRequestContext,
  ref: PullRequestRef,
  headSha: string,
  failOn: Severity | "never",
  log: Logger,
): Promise<void> {
  try {
    if ((await completeMissingCheckRun(context.octokit, ref, headSha, failOn)) === "completed")
      log.info("django-review: completed the check run of a review posted earlier");
  } catch (error) {
    log.warn({ err: error }, "django-review: could not check the check run of the review posted earlier");
  }
}
