import type { GitHubClient, PullRequestRef } from "./types.js";
import { type AgentFile, REPOSITORY_AGENTS_DIR } from "../personas/repository.js";
import { findingKey, type PullRequestState, readState } from "./pr-state.js";

export const CONFIG_PATH = ".github/django-review.yml";

/** A thread this app opened on an earlier push, known by the fingerprint in its first comment. */
export interface AppThread {
  id: string;
  fingerprint: string;
  isResolved: boolean;
  isOutdated: boolean;
  /** The finding's file and what raised it (a rule id, else `model`), when GitHub says. */
  path?: string;
  source?: string;
  /** 👍 and 👎 on the finding (GitHub sends no webhook for reactions: read with the state). */
  thumbsUp?: number;
  thumbsDown?: number;
}

export interface ReviewContext {
  /** The config text (repo's, else the org's); null when neither exists; undefined when unreadable here. */
  configText: string | null | undefined;
  /** The repository's own persona files (`.github/django-review/agents/*` on the default branch). */
  agentFiles?: AgentFile[];
  /** The PR as GitHub sees it now; undefined when the query failed. */
  pr?: {
    headSha: string;
    state: "OPEN" | "CLOSED" | "MERGED";
    /** Head SHAs this app has already reviewed, oldest first (from the markers in its reviews). */
    reviewedShas: string[];
    threads: AppThread[];
    /** What was asked of the app on this PR (paused, rules off), from the markers in its comments. */
    requests: PullRequestState;
  };
}

const QUERY = `query($owner: String!, $name: String!, $number: Int!, $expression: String!, $agents: String!) {
  viewer { login }
  repo: repository(owner: $owner, name: $name) {
    object(expression: $expression) { ... on Blob { text } }
    agents: object(expression: $agents) { ... on Tree { entries { name object { ... on Blob { text } } } } }
    pullRequest(number: $number) {
      headRefOid
      state
      reviews(last: 100) { nodes { body author { __typename login } } }
      comments(last: 100) { nodes { body author { __typename login } } }
      reviewThreads(last: 100) {
        nodes {
          id isResolved isOutdated
          comments(first: 1) {
            nodes { body path author { __typename login } reactionGroups { content reactors { totalCount } } }
          }
          replies: comments(last: 20) { nodes { body author { __typename login } } }
        }
      }
    }
  }
  org: repository(owner: $owner, name: ".github") { object(expression: $expression) { ... on Blob { text } } }
}`;

interface Author {
  __typename?: string;
  login?: string;
}

interface QueryData {
  viewer?: { login: string } | null;
  repo?: {
    object: { text?: string | null } | null;
    agents?: { entries?: Array<{ name: string; object: { text?: string | null } | null }> } | null;
    pullRequest?: {
      headRefOid: string;
      state: "OPEN" | "CLOSED" | "MERGED";
      reviews: { nodes: Array<{ body: string; author: Author | null } | null> };
      comments?: { nodes: Array<{ body: string; author: Author | null } | null> };
      reviewThreads: {
        nodes: Array<{
          id: string;
          isResolved: boolean;
          isOutdated: boolean;
          comments: {
            nodes: Array<{
              body: string;
              path?: string | null;
              author: Author | null;
              reactionGroups?: Array<{ content: string; reactors?: { totalCount: number } | null }> | null;
            } | null>;
          };
          replies?: { nodes: Array<{ body: string; author: Author | null } | null> };
        } | null>;
      };
    } | null;
  } | null;
  org?: { object: { text?: string | null } | null } | null;
}

/**
 * Markers count only at the very end of a body, where the app writes them: a marker quoted inside a
 * code span, echoed by a model summary or pasted by someone else sits elsewhere and is not trusted.
 */
const REVIEW_MARKER = /<!-- django-review sha=([0-9a-f]{7,64}) -->\s*$/;
const FINGERPRINT_MARKER = /<!-- django-review fp=([0-9a-f]{8,64}) -->\s*$/;

/** A GitHub App or bot account: typed `Bot`, or a `name[bot]` login where the type is not given. */
export function isBotAccount(user: { type?: string; login?: string } | null | undefined): boolean {
  return user?.type === "Bot" || (user?.login ?? "").endsWith("[bot]");
}

/** `my-app[bot]` (REST) and `my-app` (GraphQL) are the same identity. */
export function sameLogin(a: string | undefined, b: string | undefined): boolean {
  const plain = (login: string) => login.toLowerCase().replace(/\[bot\]$/, "");
  return a !== undefined && b !== undefined && plain(a) === plain(b);
}

export function reviewedShaOf(body: string | null | undefined): string | undefined {
  return REVIEW_MARKER.exec(body ?? "")?.[1];
}

export function fingerprintOf(body: string | null | undefined): string | undefined {
  return FINGERPRINT_MARKER.exec(body ?? "")?.[1];
}

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- django-review fp=${fingerprint} -->`;
}

/**
 * Everything a review needs to know before it starts, in one GraphQL request: the config on the
 * default branch (repo, then org), the PR's head and state, which heads this app already reviewed,
 * and the threads it opened. State lives in GitHub, so it holds across restarts and replicas.
 */
export async function fetchReviewContext(
  octokit: GitHubClient,
  ref: PullRequestRef,
  log?: { warn: (meta: object, message: string) => void },
): Promise<ReviewContext> {
  let data: QueryData | undefined;
  try {
    data = await octokit.graphql<QueryData>(QUERY, {
      owner: ref.owner,
      name: ref.repo,
      number: ref.pullNumber,
      expression: `HEAD:${CONFIG_PATH}`,
      agents: `HEAD:${REPOSITORY_AGENTS_DIR}`,
    });
  } catch (error) {
    // A missing org `.github` repository is reported as an error next to otherwise good data.
    data = (error as { data?: QueryData }).data;
    if (!data?.repo?.pullRequest) {
      // Never "no history": that would review an already reviewed head again. Read it over REST.
      log?.warn(
        { err: error },
        "django-review: the review state query failed; reading the app's reviews and threads over REST",
      );
      return {
        configText: data?.repo ? (data.repo.object?.text ?? data.org?.object?.text ?? null) : undefined,
        pr: await fetchStateOverRest(octokit, ref),
      };
    }
  }
  const configText = data.repo?.object?.text ?? data.org?.object?.text ?? null;
  const agentFiles = (data.repo?.agents?.entries ?? []).flatMap((entry) =>
    typeof entry.object?.text === "string" ? [{ name: entry.name, text: entry.object.text }] : [],
  );
  const pr = data.repo?.pullRequest;
  if (!pr) return { configText, agentFiles };
  const me = data.viewer?.login;
  // Only the app's own comments carry state; without its identity, only bots' (never a person's).
  const fromApp = (author: Author | null | undefined) =>
    me ? sameLogin(author?.login, me) : author?.__typename === "Bot";
  const reviewedShas = pr.reviews.nodes.flatMap((r) => {
    const sha = r && fromApp(r.author) ? reviewedShaOf(r.body) : undefined;
    return sha ? [sha] : [];
  });
  const threads = pr.reviewThreads.nodes.flatMap((t): AppThread[] => {
    const first = t?.comments.nodes[0];
    const fingerprint = first && fromApp(first.author) ? fingerprintOf(first.body) : undefined;
    if (!t || !first || !fingerprint) return [];
    const count = (content: string) =>
      first.reactionGroups?.find((g) => g.content === content)?.reactors?.totalCount ?? 0;
    return [
      {
        id: t.id,
        fingerprint,
        isResolved: t.isResolved,
        isOutdated: t.isOutdated,
        ...(first.path ? { path: first.path } : {}),
        source: /`(DJ\d{3})`/.exec(first.body)?.[1] ?? "model",
        thumbsUp: count("THUMBS_UP"),
        thumbsDown: count("THUMBS_DOWN"),
      },
    ];
  });
  // Pauses and ignored rules are in the app's PR comments; dismissed findings in its thread replies.
  const appBodies = (nodes: Array<{ body: string; author: Author | null } | null> | undefined) =>
    (nodes ?? []).flatMap((c) => (c && fromApp(c.author) ? [c.body] : []));
  const state = readState([
    ...appBodies(pr.comments?.nodes),
    ...pr.reviewThreads.nodes.flatMap((t) => appBodies(t?.replies?.nodes)),
  ]);
  // A 👎 on a finding dismisses it for this PR, as `/django-review ignore` in its thread does.
  const disliked = threads.flatMap((t) =>
    (t.thumbsDown ?? 0) > 0 && t.path ? [findingKey(t.path, t.source ?? "model")] : [],
  );
  const requests = { ...state, ignoredFindings: [...new Set([...state.ignoredFindings, ...disliked])] };
  return {
    configText,
    agentFiles,
    pr: { headSha: pr.headRefOid, state: pr.state, reviewedShas, threads, requests },
  };
}

/**
 * The same state over REST, every page: the PR's head and state, the heads the app's reviews mark,
 * the fingerprints of its inline comments (as threads without an id: they cannot be resolved from here).
 * Without the GraphQL viewer the app's identity is unknown, so only bot accounts' markers count.
 */
async function fetchStateOverRest(
  octokit: GitHubClient,
  ref: PullRequestRef,
): Promise<NonNullable<ReviewContext["pr"]>> {
  const params = { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber, per_page: 100 };
  const { data: pull } = await octokit.rest.pulls.get({
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
  });
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, params);
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, params);
  const issueComments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.pullNumber,
    per_page: 100,
  });
  const isBot = (user: { type?: string } | null | undefined) => user?.type === "Bot";
  const reviewedShas = reviews.flatMap((r) => {
    const sha = isBot(r.user) ? reviewedShaOf(r.body) : undefined;
    return sha ? [sha] : [];
  });
  const threads = comments.flatMap((c) => {
    const fingerprint = isBot(c.user) && c.in_reply_to_id === undefined ? fingerprintOf(c.body) : undefined;
    return fingerprint ? [{ id: "", fingerprint, isResolved: false, isOutdated: false }] : [];
  });
  return {
    headSha: pull.head.sha,
    state: pull.merged ? "MERGED" : pull.state === "open" ? "OPEN" : "CLOSED",
    reviewedShas,
    threads,
    requests: readState([
      ...issueComments.flatMap((c) => (isBot(c.user) && c.body ? [c.body] : [])),
      ...comments.flatMap((c) => (isBot(c.user) && c.in_reply_to_id !== undefined ? [c.body] : [])),
    ]),
  };
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
export async function fetchPullRequestHead(
  octokit: GitHubClient,
  ref: PullRequestRef,
): Promise<{ headSha: string; state: string }> {
  const { data } = await octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber });
  return { headSha: data.head.sha, state: data.merged ? "MERGED" : data.state.toUpperCase() };
}
