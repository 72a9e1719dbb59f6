import type { GitHubClient, PullRequestRef } from "./types.js";

export interface ReviewScope {
  /** Paths changed since the last reviewed head; undefined means the whole PR. */
  paths?: Set<string>;
  notice?: string;
}

/**
 * On a push, only what changed since the head this app last reviewed. A force-push that dropped
 * that commit (diverged, or GitHub no longer knows it) falls back to a full review, and says so.
 */
export async function incrementalScope(
  octokit: GitHubClient,
  ref: PullRequestRef,
  lastReviewed: string | undefined,
  head: string,
): Promise<ReviewScope> {
  if (!lastReviewed || lastReviewed === head) return {};
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: ref.owner,
      repo: ref.repo,
      basehead: `${lastReviewed}...${head}`,
      per_page: 100,
    });
    if (data.status !== "ahead") {
      return {
        notice:
          `Full review: the previously reviewed commit ${lastReviewed.slice(0, 7)} is not an ancestor of ` +
          `this head (${data.status}; force-push?).`,
      };
    }
    const files = data.files ?? [];
    if (files.length >= 300)
      return { notice: `Full review: too many files changed since ${lastReviewed.slice(0, 7)} to compare.` };
    return {
      paths: new Set(files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])])),
      notice:
        `Incremental review: ${files.length} file${files.length === 1 ? "" : "s"} changed since the last ` +
        `reviewed commit ${lastReviewed.slice(0, 7)}.`,
    };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 404 && status !== 422) throw error;
    return {
      notice:
        `Full review: the previously reviewed commit ${lastReviewed.slice(0, 7)} is no longer in the ` +
        `repository (force-push).`,
    };
  }
}
