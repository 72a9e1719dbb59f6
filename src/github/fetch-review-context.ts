import type { GitHubClient, PullRequestRef } from "./types.js";

export const CONFIG_PATH = ".github/django-review.yml";

/** A thread this app opened on an earlier push, known by the fingerprint in its first comment. */
export interface AppThread {
  id: string;
  fingerprint: string;
  isResolved: boolean;
  isOutdated: boolean;
}

export interface ReviewContext {
  /** The config text (repo's, else the org's); null when neither exists; undefined when unreadable here. */
  configText: string | null | undefined;
  /** The PR as GitHub sees it now; undefined when the query failed. */
  pr?: {
    headSha: string;
    state: "OPEN" | "CLOSED" | "MERGED";
    /** Head SHAs this app has already reviewed, oldest first (from the markers in its reviews). */
    reviewedShas: string[];
    threads: AppThread[];
  };
}

const QUERY = `query($owner: String!, $name: String!, $number: Int!, $expression: String!) {
  repo: repository(owner: $owner, name: $name) {
    object(expression: $expression) { ... on Blob { text } }
    pullRequest(number: $number) {
      headRefOid
      state
      reviews(last: 100) { nodes { body author { __typename } } }
      reviewThreads(last: 100) { nodes { id isResolved isOutdated comments(first: 1) { nodes { body author { __typename } } } } }
    }
  }
  org: repository(owner: $owner, name: ".github") { object(expression: $expression) { ... on Blob { text } } }
}`;

interface Author {
  __typename?: string;
}

interface QueryData {
  repo?: {
    object: { text?: string | null } | null;
    pullRequest?: {
      headRefOid: string;
      state: "OPEN" | "CLOSED" | "MERGED";
      reviews: { nodes: Array<{ body: string; author: Author | null } | null> };
      reviewThreads: { nodes: Array<{ id: string; isResolved: boolean; isOutdated: boolean; comments: { nodes: Array<{ body: string; author: Author | null } | null> } } | null> };
    } | null;
  } | null;
  org?: { object: { text?: string | null } | null } | null;
}

const REVIEW_MARKER = /<!-- django-review sha=([0-9a-f]{7,64}) -->/;
const FINGERPRINT_MARKER = /<!-- django-review fp=([0-9a-f]{8,64}) -->/;

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- django-review fp=${fingerprint} -->`;
}

/**
 * Everything a review needs to know before it starts, in one GraphQL request: the config on the
 * default branch (repo, then org), the PR's head and state, which heads this app already reviewed,
 * and the threads it opened. State lives in GitHub, so it holds across restarts and replicas.
 */
export async function fetchReviewContext(octokit: GitHubClient, ref: PullRequestRef): Promise<ReviewContext> {
  let data: QueryData | undefined;
  try {
    data = await octokit.graphql<QueryData>(QUERY, { owner: ref.owner, name: ref.repo, number: ref.pullNumber, expression: `HEAD:${CONFIG_PATH}` });
  } catch (error) {
    // A missing org `.github` repository is reported as an error next to otherwise good data.
    data = (error as { data?: QueryData }).data;
    if (!data?.repo) return { configText: undefined };
  }
  const configText = data.repo?.object?.text ?? data.org?.object?.text ?? null;
  const pr = data.repo?.pullRequest;
  if (!pr) return { configText };
  const fromApp = (author: Author | null | undefined) => author?.__typename === "Bot";
  const reviewedShas = pr.reviews.nodes.flatMap((r) => {
    const sha = r && fromApp(r.author) ? REVIEW_MARKER.exec(r.body)?.[1] : undefined;
    return sha ? [sha] : [];
  });
  const threads = pr.reviewThreads.nodes.flatMap((t) => {
    const first = t?.comments.nodes[0];
    const fingerprint = first && fromApp(first.author) ? FINGERPRINT_MARKER.exec(first.body)?.[1] : undefined;
    return t && fingerprint ? [{ id: t.id, fingerprint, isResolved: t.isResolved, isOutdated: t.isOutdated }] : [];
  });
  return { configText, pr: { headSha: pr.headRefOid, state: pr.state, reviewedShas, threads } };
}

/** Marks threads resolved in one GraphQL request. */
export async function resolveThreads(octokit: GitHubClient, threadIds: string[]): Promise<void> {
  if (threadIds.length === 0) return;
  const variables: Record<string, string> = {};
  const fields = threadIds.map((id, i) => {
    variables[`t${i}`] = id;
    return `r${i}: resolveReviewThread(input: { threadId: $t${i} }) { thread { id } }`;
  });
  const declarations = threadIds.map((_, i) => `$t${i}: ID!`).join(", ");
  await octokit.graphql(`mutation(${declarations}) { ${fields.join(" ")} }`, variables);
}

/** The PR's head and state right now (for a last check before posting a slow review). */
export async function fetchPullRequestHead(octokit: GitHubClient, ref: PullRequestRef): Promise<{ headSha: string; state: string }> {
  const { data } = await octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber });
  return { headSha: data.head.sha, state: data.merged ? "MERGED" : data.state.toUpperCase() };
}
