import type { ReviewComment } from "../comments/types.js";
import type { GitHubClient, PullRequestRef } from "./types.js";

export interface ReviewToPost {
  headSha: string;
  body: string;
  comments: ReviewComment[];
}

/** Posts the one review of a run, as a plain COMMENT: the app never approves or blocks a PR. */
export async function postReview(octokit: GitHubClient, ref: PullRequestRef, review: ReviewToPost): Promise<number> {
  const { data } = await octokit.rest.pulls.createReview({
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
    commit_id: review.headSha,
    event: "COMMENT",
    body: review.body,
    comments: review.comments.map(({ path, body, line, side, start_line, start_side }) => ({
      path,
      body,
      line,
      side,
      ...(start_line !== undefined ? { start_line, start_side } : {}),
    })),
  });
  return data.id;
}
