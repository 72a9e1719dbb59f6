import type { Context, Logger } from "probot";
import { reviewJob } from "./review-job.js";
import { CHECK_RUN_NAME } from "../github/check-run.js";
import { runRequestedReview } from "./requested-review.js";
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
    () =>
      runRequestedReview(context, services, {
        ref: { ...context.repo(), pullNumber: number },
        log,
        signal,
        what: "re-run",
        notices: ["Re-run requested from the pull request's checks."],
        onlyHead: run.head_sha,
      }),
    services,
  );
}
