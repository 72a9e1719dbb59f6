import type { Context } from "probot";
import { loadRepoConfig } from "../config/load.js";
import { toPullRequestInfo } from "../github/fetch-pull-request.js";
import { runReview } from "../review/run-review.js";
import type { ReviewServices } from "./services.js";

export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.synchronize",
] as const;

type PullRequestContext = Context<(typeof PULL_REQUEST_EVENTS)[number]>;

/** A PR was opened, reopened, marked ready or pushed to: review its head unless config says skip. */
export async function handlePullRequest(context: PullRequestContext, services: ReviewServices): Promise<void> {
  const pr = toPullRequestInfo(context.payload.pull_request);
  const ref = { ...context.repo(), pullNumber: pr.number };
  const log = context.log.child({ owner: ref.owner, repo: ref.repo, pr: pr.number, sha: pr.headSha });
  const { config, problems } = await loadRepoConfig(context);

  if (pr.state !== "open") return log.info("django-review: skipped, the pull request is not open");
  if (pr.draft && !config.review_drafts) return log.info("django-review: skipped draft (set review_drafts: true to review drafts)");
  if (pr.authorIsBot && !config.review_bot_prs) {
    return log.info({ author: pr.authorLogin }, "django-review: skipped a bot's pull request (set review_bot_prs: true to review them)");
  }
  await runReview(services.depsFor(context.octokit, log), { ref, pr, config, configProblems: problems });
}
