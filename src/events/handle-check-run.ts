import type { Context, Logger } from "probot";
import { reviewJob } from "./review-job.js";
import { configFromText } from "../config/load.js";
import { CHECK_RUN_NAME } from "../github/check-run.js";
import { fetchPullRequest } from "../github/fetch-pull-request.js";
import { fetchReviewContext } from "../github/fetch-review-context.js";
import { runReview } from "../review/run-review.js";
import { runLogged, type ReviewServices } from "./services.js";

export type RerunContext = Context<"check_run.rerequested">;

/**
 * "Re-run" on the Django review check: a full review of that commit again (as `/django-review` does),
 * queued like one. GitHub sends it only to the app that made the run; a run of a fork's PR lists no
 * pull request, so there is nothing to re-review from it.
 */
export async function queueRerun(context: RerunContext, services: ReviewServices): Promise<void> {
  const run = context.payload.check_run;
  if (run.name !== CHECK_RUN_NAME) return;
  const log = rerunLog(context);
  const pr = run.pull_requests[0];
  if (!pr)
    return log.info(
      "django-review: re-run ignored: the check run belongs to no pull request of this repository (a fork's?)",
    );
  const result = await services.queue.enqueue(
    reviewJob(context, pr.number, { headSha: run.head_sha, request: `/rerun:${context.id}`, supersedes: false }),
  );
  log.info({ queue: result }, "django-review: re-run queued");
}

function rerunLog(context: RerunContext): Logger {
  const run = context.payload.check_run;
  return context.log.child({
    installation: context.payload.installation?.id,
    ...context.repo(),
    pr: run.pull_requests[0]?.number,
    sha: run.head_sha,
    rerun: true,
  });
}

/** The queued work of a re-run: the same limits as a command, and only for the PR's current head. */
export async function runQueuedRerun(
  context: RerunContext,
  services: ReviewServices,
  signal: AbortSignal,
): Promise<void> {
  const run = context.payload.check_run;
  const number = run.pull_requests[0]?.number;
  if (number === undefined) return;
  const log = rerunLog(context);
  await runLogged(
    log,
    async () => {
      const ref = { ...context.repo(), pullNumber: number };
      const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
      const { config, problems } = await configFromText(context, reviewContext.configText);
      const limited = await services.limits.take(ref, "command", config.limits);
      if (limited) return log.warn({ outcome: "rate-limited" }, `django-review: re-run ignored: ${limited}`);
      const pr = await fetchPullRequest(context.octokit, ref);
      if (pr.state !== "open") return log.info("django-review: re-run ignored: the pull request is closed");
      if (pr.headSha !== run.head_sha)
        return log.info(
          { head: pr.headSha },
          "django-review: re-run ignored: the pull request has a newer head (its own review runs)",
        );
      await runReview(services.depsFor(context.octokit, log), {
        ref,
        pr,
        config,
        configProblems: problems,
        notices: ["Re-run requested from the pull request's checks."],
        signal,
        ...(reviewContext.pr
          ? { previous: { reviewedShas: reviewContext.pr.reviewedShas, threads: reviewContext.pr.threads } }
          : {}),
      });
    },
    services,
  );
}
