import type { Logger } from "probot";
import type { ReviewComment } from "../comments/types.js";
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

/**
 * Posts the one review of a run, as a plain COMMENT: the app never approves or blocks a PR.
 * GitHub refuses a whole review (422) for one anchor it does not accept, without saying which.
 * Then: if the review was kept anyway, that is it; otherwise post again with the riskier comments
 * moved into the body, and as a last resort with every comment in the body. Never zero reviews
 * for a fixable reason, never two.
 */
export async function postReview(octokit: GitHubClient, ref: PullRequestRef, review: ReviewToPost, log: Logger): Promise<PostedReview> {
  const attempts: ReviewComment[][] = [review.comments, review.comments.filter(review.isSafe), []];
  let lastError: unknown;
  for (const [index, inline] of attempts.entries()) {
    if (index > 0 && inline.length === attempts[index - 1]?.length && index < attempts.length - 1) continue;
    const demoted = review.comments.filter((c) => !inline.includes(c));
    try {
      const id = await createReview(octokit, ref, review.headSha, review.bodyFor(demoted), inline);
      if (demoted.length > 0) log.warn({ demoted: demoted.length, attempt: index + 1 }, "django-review: GitHub refused some inline comments; they are listed in the review body");
      return { id, demoted };
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      lastError = error;
      log.warn({ err: error, attempt: index + 1 }, "django-review: GitHub refused the review (422)");
      const kept = await findPostedReview(octokit, ref, review.headSha, review.marker);
      if (kept !== undefined) return { id: kept, demoted: [] };
    }
  }
  throw lastError;
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
  });
  return data.id;
}

async function findPostedReview(octokit: GitHubClient, ref: PullRequestRef, headSha: string, marker: string): Promise<number | undefined> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber, per_page: 100 });
  return reviews.find((r) => r.commit_id === headSha && (r.body ?? "").includes(marker))?.id;
}
