import type { ReviewComment } from "../vocabulary.js";
import type { Logger } from "probot";
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
 * which: then the refused comments are found by trying halves as pending reviews (invisible, deleted
 * at once), and only they move into the body; if that cannot tell, the riskier comments move, and
 * as a last resort every comment.
 */
export async function postReview(
  octokit: GitHubClient,
  ref: PullRequestRef,
  review: ReviewToPost,
  log: Logger,
  retry: PostRetry = DEFAULT_POST_RETRY,
): Promise<PostedReview> {
  const attempts: ReviewComment[][] = [review.comments, review.comments.filter(review.isSafe), []];
  const deadline = Date.now() + retry.budgetMs;
  let wait = retry.backoffMs;
  let level = 0;
  for (let tries = 1; ; tries++) {
    const inline = attempts[level] as ReviewComment[];
    const demoted = review.comments.filter((c) => !inline.includes(c));
    try {
      const id = await createReview(octokit, ref, review.headSha, review.bodyFor(demoted), inline);
      if (demoted.length > 0)
        log.warn(
          { demoted: demoted.length, attempt: tries },
          "django-review: GitHub refused some inline comments; they are listed in the review body",
        );
      return { id, demoted };
    } catch (error) {
      const status = (error as { status?: number }).status;
      log.warn(
        { err: error, status, attempt: tries },
        "django-review: posting the review failed; checking whether GitHub kept it",
      );
      const kept = await findPostedReview(octokit, ref, review.headSha, review.marker, deadline, retry.backoffMs, log);
      if (kept !== undefined) return { id: kept, demoted: [] };
      if (status === 422) {
        if (level === 0 && inline.length > 1) {
          const accepted = await isolateRefused(octokit, ref, review.headSha, inline, log);
          if (accepted !== undefined && accepted.length < inline.length) {
            attempts.splice(1, 0, accepted);
            level = 1;
            continue;
          }
        }
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

/** Most pending-review probes spent finding refused anchors (about two per refused comment of 25). */
const MAX_PROBES = 12;

/**
 * The comments GitHub accepts, found by bisection with pending reviews (visible to no one, deleted
 * straight away): a half that GitHub takes is kept whole, a refused one is split again. Undefined
 * when that cannot be told (a probe failed for another reason, or too many probes).
 */
async function isolateRefused(
  octokit: GitHubClient,
  ref: PullRequestRef,
  headSha: string,
  comments: ReviewComment[],
  log: Logger,
): Promise<ReviewComment[] | undefined> {
  let probes = 0;
  const accepts = async (list: ReviewComment[]): Promise<boolean> => {
    if (++probes > MAX_PROBES) throw new Error("too many probes");
    try {
      const id = await createReview(octokit, ref, headSha, "", list, true);
      await octokit.rest.pulls.deletePendingReview({
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.pullNumber,
        review_id: id,
      });
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 422) return false;
      throw error;
    }
  };
  const bisect = async (list: ReviewComment[]): Promise<ReviewComment[]> => {
    if (list.length === 0) return [];
    if (await accepts(list)) return list;
    if (list.length === 1) return [];
    const middle = Math.ceil(list.length / 2);
    return [...(await bisect(list.slice(0, middle))), ...(await bisect(list.slice(middle)))];
  };
  try {
    // The whole list was just refused: start from its halves.
    const middle = Math.ceil(comments.length / 2);
    return [...(await bisect(comments.slice(0, middle))), ...(await bisect(comments.slice(middle)))];
  } catch (error) {
    log.warn(
      { err: error },
      "django-review: could not tell which inline comments GitHub refuses; moving the riskier ones to the body",
    );
    return undefined;
  }
}

async function createReview(
  octokit: GitHubClient,
  ref: PullRequestRef,
  headSha: string,
  body: string,
  comments: ReviewComment[],
  pending = false,
): Promise<number> {
  const { data } = await octokit.rest.pulls.createReview({
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
    commit_id: headSha,
    // Without an event the review stays pending: only its author sees it (used to probe anchors).
    ...(pending ? {} : { event: "COMMENT" as const, body }),
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
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.pullNumber,
        per_page: 100,
      });
      return reviews.find(
        (r) => r.commit_id === headSha && r.user?.type === "Bot" && (r.body ?? "").trimEnd().endsWith(marker),
      )?.id;
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      log.warn({ err: error }, "django-review: could not list the PR's reviews; trying again before posting");
      await sleep(wait);
      wait = Math.min(wait * 2, 60_000);
    }
  }
}
