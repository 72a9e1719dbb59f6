import type { Logger } from "probot";
import type { ReviewComment } from "../comments/types.js";
import { isTransientError } from "../util/retry.js";
import type { GitHubClient, PullRequestRef } from "./types.js";

export interface ReviewToPost {
  headSha: string;
  comments: ReviewComment[];
  /** The review body, given the comments that had to leave the diff for the summary. */
  bodyFor: (demoted: ReviewComment[]) => string;
  /** Comments least likely to be refused (single line, right side, on an added line). */
  isSafe: (comment: ReviewComment) => boolean;
  /** A string only this review's body contains, to find it if GitHub kept it after an error. */
  marker: string;
}

export interface PostedReview {
  id: number;
  /** Inline comments GitHub refused, listed in the body instead. */
  demoted: ReviewComment[];
}

/** How long a rendered review keeps being offered to GitHub, and the first wait between tries. */
export interface PostRetry {
  budgetMs: number;
  backoffMs: number;
}

export const DEFAULT_POST_RETRY: PostRetry = { budgetMs: 5 * 60_000, backoffMs: 2_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * Posts the one review of a run, as a plain COMMENT: the app never approves or blocks a PR.
 * Exactly one review per head whatever the network does: the POST is never retried blindly (an answer
 * lost after GitHub stored the review would make two); after any failure the app first looks for the
 * review it may have stored (its marker, at the end of a body, on this head), and only then tries
 * again — with backoff for a flaky network or a rate limit, for `retry.budgetMs`, without calling the
 * model again. GitHub refuses a whole review (422) for one anchor it does not accept, without saying
 * which: then the riskier comments move into the body, and as a last resort every comment.
 */
export async function postReview(octokit: GitHubClient, ref: PullRequestRef, review: ReviewToPost, log: Logger, retry: PostRetry = DEFAULT_POST_RETRY): Promise<PostedReview> {
  const attempts: ReviewComment[][] = [review.comments, review.comments.filter(review.isSafe), []];
  const deadline = Date.now() + retry.budgetMs;
  let wait = retry.backoffMs;
  let level = 0;
  for (let tries = 1; ; tries++) {
    const inline = attempts[level] as ReviewComment[];
    const demoted = review.comments.filter((c) => !inline.includes(c));
    try {
      const id = await createReview(octokit, ref, review.headSha, review.bodyFor(demoted), inline);
      if (demoted.length > 0) log.warn({ demoted: demoted.length, attempt: tries }, "django-review: GitHub refused some inline comments; they are listed in the review body");
      return { id, demoted };
    } catch (error) {
      const status = (error as { status?: number }).status;
      log.warn({ err: error, status, attempt: tries }, "django-review: posting the review failed; checking whether GitHub kept it");
      const kept = await findPostedReview(octokit, ref, review.headSha, review.marker, deadline, retry.backoffMs, log);
      if (kept !== undefined) return { id: kept, demoted: [] };
      if (status === 422) {
        // The next level that inlines fewer comments; past the last one, nothing is left to change.
        const next = attempts.findIndex((a, i) => i > level && a.length < inline.length);
        if (next < 0) throw error;
        level = next;
        continue;
      }
      if (!isTransientError(error) || Date.now() + wait > deadline) throw error;
      await sleep(wait);
      wait = Math.min(wait * 2, 60_000);
    }
  }
}

async function createReview(octokit: GitHubClient, ref: PullRequestRef, headSha: string, body: string, comments: ReviewComment[]): Promise<number> {
  const { data } = await octokit.rest.pulls.createReview({
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
    commit_id: headSha,
    event: "COMMENT",
    body,
    comments: comments.map(({ path, body: text, line, side, start_line, start_side }) => ({
      path,
      body: text,
      line,
      side,
      ...(start_line !== undefined ? { start_line, start_side } : {}),
    })),
    // Never the retry plugin's blind re-POST: postReview checks for a stored review before each retry.
    request: { retries: 0 },
  });
  return data.id;
}

/**
 * The review a lost answer may have left on GitHub: on this head, by a bot, ending with this head's
 * marker. A failed listing is tried again (never read as "not there", which could post a second review).
 */
async function findPostedReview(
  octokit: GitHubClient,
  ref: PullRequestRef,
  headSha: string,
  marker: string,
  deadline: number,
  backoffMs: number,
  log: Logger,
): Promise<number | undefined> {
  let wait = backoffMs;
  for (;;) {
    try {
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber, per_page: 100 });
      return reviews.find((r) => r.commit_id === headSha && r.user?.type === "Bot" && (r.body ?? "").trimEnd().endsWith(marker))?.id;
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      log.warn({ err: error }, "django-review: could not list the PR's reviews; trying again before posting");
      await sleep(wait);
      wait = Math.min(wait * 2, 60_000);
    }
  }
}
