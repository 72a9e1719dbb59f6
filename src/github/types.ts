import type { Context } from "probot";

/** The authenticated Octokit a Probot context carries (REST under `.rest`, plus `paginate`). */
export type GitHubClient = Context["octokit"];

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestRef extends RepoRef {
  pullNumber: number;
}
