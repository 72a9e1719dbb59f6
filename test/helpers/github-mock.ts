import nock from "nock";
import { HEAD_SHA, INSTALLATION_ID, OWNER, PR_NUMBER, REPO } from "./payloads.js";

export const GITHUB_API = "https://api.github.com";

export interface MockFile {
  filename: string;
  status?: string;
  patch?: string;
  additions?: number;
  deletions?: number;
  previous_filename?: string;
  /** Head-side content served by the contents API; omit to skip that request. */
  content?: string;
}

export interface CheckRunBody {
  id?: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  output: {
    title: string;
    summary: string;
    annotations: Array<{ path: string; start_line: number; annotation_level: string; title: string; message: string }>;
  };
}

export interface ContextOptions {
  delayMs?: number;
  /** The org `.github` repository's config. */
  org?: string;
  /** The PR's head as GitHub reports it now (default: the payload's). */
  headSha?: string;
  state?: "OPEN" | "CLOSED" | "MERGED";
  /** Heads the app already reviewed (markers in its earlier reviews). */
  reviewedShas?: string[];
  /** Threads the app opened earlier. */
  threads?: MockThread[];
  /** Fingerprints of posted comments whose code has changed since (GitHub marks the thread outdated). */
  outdated?: string[];
  /** Reviews by others (people, other apps), as GraphQL returns them. */
  otherReviews?: Array<{ body: string; author: { __typename: string; login: string } }>;
  /** Who the token belongs to (GraphQL `viewer`): the app by default, `github-actions` in a workflow. */
  viewer?: string;
  /** The author of the app's own reviews and threads (defaults to the app). */
  selfLogin?: string;
  /** The repository's own persona files in `.github/django-review/agents/`, by file name. */
  agents?: Record<string, string>;
}

/** The app as GraphQL names it: the viewer of its installation token, and the author of its reviews. */
export const APP_LOGIN = "django-review";
const APP_AUTHOR = { __typename: "Bot", login: APP_LOGIN };

export interface MockThread {
  id: string;
  fingerprint: string;
  isResolved?: boolean;
  isOutdated?: boolean;
  /** The finding's file and rule (its first comment's path and `DJ…` in its body). */
  path?: string;
  rule?: string;
  /** Reactions on the finding: `THUMBS_UP`, `THUMBS_DOWN`, … with their counts. */
  reactions?: Record<string, number>;
}

function threadNode(t: MockThread) {
  const rule = t.rule ? ` \`${t.rule}\`` : "";
  return {
    id: t.id,
    isResolved: t.isResolved ?? false,
    isOutdated: t.isOutdated ?? false,
    comments: {
      nodes: [
        {
          body: `finding${rule}\n\n<!-- django-review fp=${t.fingerprint} -->`,
          ...(t.path ? { path: t.path } : {}),
          author: APP_AUTHOR,
          reactionGroups: Object.entries(t.reactions ?? {}).map(([content, totalCount]) => ({
            content,
            reactors: { totalCount },
          })),
        },
      ],
    },
  };
}

export interface PostedReview {
  commit_id: string;
  event: string;
  body: string;
  comments: Array<{ path: string; line: number; side: string; start_line?: number; start_side?: string; body: string }>;
}

/** Fakes GitHub at the wire for one review run, and records what the app posted. */
export class GitHubMock {
  readonly scope: nock.Scope;
  readonly reviews: PostedReview[] = [];
  /** Comments the app posted on the PR (answers to commands), in order; later config reads show them. */
  readonly comments: string[] = [];
  /** Replies the app posted in review threads, in order; later config reads show them in the threads. */
  readonly threadReplies: string[] = [];
  /** GraphQL blob reads answered, each a list of `<sha>:<path>` expressions. */
  readonly blobReads: string[][] = [];
  /** Thread ids resolved through GraphQL. */
  readonly resolved: string[] = [];
  /** Check runs created. */
  readonly checkRuns: CheckRunBody[] = [];
  private readonly prefix: string;
  private readonly graphqlPath: string;
  /** File contents the GraphQL blob reads answer from, keyed `<sha>:<path>`. */
  private readonly blobs = new Map<string, string>();
  private readonly treeExtras: string[] = [];

  /** `baseUrl` may carry a path, as GitHub Enterprise's `https://host/api/v3` does. */
  constructor(baseUrl = GITHUB_API) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/$/, "");
    // Octokit sends GraphQL to /api/graphql on GitHub Enterprise, /graphql on github.com
    this.graphqlPath = `${this.prefix.replace(/\/v3$/, "")}/graphql`;
    this.scope = nock(url.origin);
  }

  /** An installation token; `optional` when whether the app needs it depends on timing (a job superseded before it starts). */
  token(options: { optional?: boolean } = {}): this {
    const interceptor = this.scope.post(`${this.prefix}/app/installations/${INSTALLATION_ID}/access_tokens`);
    (options.optional ? interceptor.optionally() : interceptor).reply(200, { token: "ghs_test", permissions: {} });
    return this;
  }

  /**
   * The one GraphQL read at the start of a review: `.github/django-review.yml` (repo's and org's),
   * and the PR's head, state, the app's earlier reviews and threads.
   */
  config(yaml?: string, options: ContextOptions = {}): this {
    const self = options.selfLogin ? { __typename: "Bot", login: options.selfLogin } : APP_AUTHOR;
    this.scope
      .post(
        this.graphqlPath,
        (body: { query: string; variables: Record<string, string> }) =>
          /org: repository/.test(body.query) &&
          body.variables.expression === "HEAD:.github/django-review.yml" &&
          body.variables.agents === "HEAD:.github/django-review/agents",
      )
      .delay(options.delayMs ?? 0)
      .reply(200, () => ({
        data: {
          viewer: { login: options.viewer ?? `${APP_LOGIN}[bot]` },
          repo: {
            object: yaml === undefined ? null : { text: yaml },
            agents: options.agents
              ? { entries: Object.entries(options.agents).map(([name, text]) => ({ name, object: { text } })) }
              : null,
            // What GitHub would show by now: the given state plus everything this mock saw posted.
            pullRequest: {
              headRefOid: options.headSha ?? HEAD_SHA,
              state: options.state ?? "OPEN",
              comments: {
                nodes: this.comments.map((body) => ({ body, author: self })),
              },
              reviews: {
                nodes: [
                  ...(options.reviewedShas ?? []).map((sha) => ({
                    body: `Review\n\n<!-- django-review sha=${sha} -->`,
                    author: self,
                  })),
                  ...this.reviews.map((r) => ({ body: r.body, author: self })),
                  ...(options.otherReviews ?? []),
                ],
              },
              reviewThreads: {
                nodes: [...(options.threads ?? []), ...this.postedThreads(options.outdated ?? [])].map((t) => ({
                  ...threadNode(t),
                  replies: { nodes: this.threadReplies.map((body) => ({ body, author: self })) },
                })),
              },
            },
          },
          org: options.org === undefined ? null : { object: { text: options.org } },
        },
      }));
    return this;
  }

  /** Threads GitHub holds for the inline comments this mock saw posted; `outdated` fingerprints' code has changed. */
  private postedThreads(outdated: string[]) {
    return this.reviews.flatMap((r, ri) =>
      r.comments.flatMap((c, ci) => {
        const fingerprint = /django-review fp=([0-9a-f]+)/.exec(c.body)?.[1];
        return fingerprint
          ? [
              {
                id: `thread-${ri}-${ci}`,
                fingerprint,
                isOutdated: outdated.includes(fingerprint),
                isResolved: this.resolved.includes(`thread-${ri}-${ci}`),
              },
            ]
          : [];
      }),
    );
  }

  /** `resolveReviewThread` mutations: the ids resolved. */
  resolveThreads(): this {
    this.scope
      .post(this.graphqlPath, (body: { query: string; variables: Record<string, string> }) => {
        if (!/resolveReviewThread/.test(body.query)) return false;
        this.resolved.push(...Object.values(body.variables));
        return true;
      })
      .reply(200, { data: {} });
    return this;
  }

  /** The compare API between two heads. */
  compare(base: string, head: string, files: string[], status = "ahead"): this {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/compare/${base}...${head}`)
      .query(true)
      .reply(200, { status, files: files.map((filename) => ({ filename, status: "modified" })) });
    return this;
  }

  /** The REST reads Probot's `context.config` makes (used for `_extends`). */
  configRest(files: Record<string, string | undefined>): this {
    for (const [repoPath, yaml] of Object.entries(files)) {
      const path = `${this.prefix}/repos/${repoPath}/contents/.github%2Fdjango-review.yml`;
      if (yaml === undefined) this.scope.get(path).reply(404, { message: "Not Found" });
      else this.scope.get(path).reply(200, yaml, { "content-type": "text/plain; charset=utf-8" });
    }
    return this;
  }

  /**
   * The PR's changed files (one page), and their head contents for the batched GraphQL read. The head's
   * tree (listed once per review for the project index and the lookups, when there is Python in the
   * change) holds every file with content here, `related` and `tree`.
   */
  files(files: MockFile[], headSha = HEAD_SHA): this {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files`)
      .query(true)
      .reply(200, files.map(listedFile));
    for (const file of files)
      if (file.content !== undefined) this.blobs.set(`${headSha}:${file.filename}`, file.content);
    this.treeListing(headSha);
    this.scope
      .post(this.graphqlPath, (body: { query: string }) => /object\(expression: \$e0\)/.test(body.query))
      .reply(200, (_uri, body) => this.answerBlobs(body as { variables: Record<string, string> }));
    return this;
  }

  /**
   * The second batched read (field classes, rendered templates, models/ modules, what the first read
   * points at), answered from the same contents.
   */
  secondRead(): this {
    this.scope
      .post(this.graphqlPath, (body: { query: string }) => /object\(expression: \$e0\)/.test(body.query))
      .reply(200, (_uri, body) => this.answerBlobs(body as { variables: Record<string, string> }));
    return this;
  }

  /**
   * More files in the head commit's tree (the listing `files` serves): their contents for the batched
   * reads that follow (`reads` of them), and paths listed without content (`extraPaths`).
   */
  tree(files: Record<string, string>, options: { headSha?: string; extraPaths?: string[]; reads?: number } = {}): this {
    const headSha = options.headSha ?? HEAD_SHA;
    for (const [path, content] of Object.entries(files)) this.blobs.set(`${headSha}:${path}`, content);
    this.treeExtras.push(...(options.extraPaths ?? []));
    for (let i = 0; i < (options.reads ?? 0); i++) this.secondRead();
    return this;
  }

  /** Project files the checks read for context (served by the same GraphQL read); any other path is absent. */
  related(files: Record<string, string> = {}, headSha = HEAD_SHA): this {
    for (const [path, content] of Object.entries(files)) this.blobs.set(`${headSha}:${path}`, content);
    return this;
  }

  /** Like `files`, but GraphQL fails and the contents come from REST, one request per file. */
  filesOverRest(files: MockFile[], headSha = HEAD_SHA): this {
    this.treeListing(headSha);
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files`)
      .query(true)
      .reply(200, files.map(listedFile));
    this.scope
      .post(this.graphqlPath, (body: { query: string }) => /object\(expression: \$e0\)/.test(body.query))
      .reply(502, { message: "Bad Gateway" });
    for (const file of files) {
      if (file.content === undefined) continue;
      this.scope
        .get(`${this.prefix}/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(file.filename)}`)
        .query({ ref: headSha })
        .reply(200, file.content, { "content-type": "text/plain; charset=utf-8" });
    }
    this.scope
      .get(new RegExp(`^${this.prefix}/repos/${OWNER}/${REPO}/contents/`))
      .query(true)
      .optionally()
      .times(100)
      .reply(404, { message: "Not Found" });
    return this;
  }

  /**
   * Check runs as GitHub keeps them: created (POST, given ids from 7 up) and completed later (PATCH by
   * id); `checkRuns` holds each run's latest state. Recorded, not required.
   */
  checks(): this {
    const runs = this.scope;
    runs
      .post(`${this.prefix}/repos/${OWNER}/${REPO}/check-runs`)
      .optionally()
      .times(10)
      .reply(201, (_uri, body) => {
        const run = { id: 7 + this.checkRuns.length, ...(body as CheckRunBody) };
        this.checkRuns.push(run);
        return { id: run.id };
      });
    runs
      .patch(new RegExp(`^${this.prefix}/repos/${OWNER}/${REPO}/check-runs/\\d+$`))
      .optionally()
      .times(10)
      .reply((uri, body) => {
        const id = Number(uri.split("/").pop());
        const index = this.checkRuns.findIndex((r) => r.id === id);
        if (index < 0) return [404, { message: "Not Found" }];
        const run = this.checkRuns[index] as CheckRunBody;
        this.checkRuns[index] = {
          ...run,
          ...(body as Partial<CheckRunBody>),
          output: (body as Partial<CheckRunBody>).output ?? run.output,
        };
        return [200, { id }];
      });
    return this;
  }

  /** A review comment as `pulls.getReviewComment` returns it (the root of a thread). */
  reviewComment(
    id: number,
    comment: { body: string; path: string; line: number; userType?: string; diffHunk?: string },
  ): this {
    this.scope.get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/comments/${id}`).reply(200, {
      id,
      body: comment.body,
      path: comment.path,
      line: comment.line,
      original_line: comment.line,
      diff_hunk: comment.diffHunk ?? "@@ -1,1 +1,1 @@",
      user: { login: comment.userType === "User" ? "someone" : `${APP_LOGIN}[bot]`, type: comment.userType ?? "Bot" },
    });
    return this;
  }

  /** The PR's review comments (one page): the thread so far. */
  reviewComments(comments: Array<{ id: number; body: string; login: string; in_reply_to_id?: number }>): this {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/comments`)
      .query(true)
      .reply(
        200,
        comments.map((c) => ({ ...c, user: { login: c.login, type: "User" } })),
      );
    return this;
  }

  /** The app's reply in a review thread (recorded; later config reads show it in the threads). */
  threadReply(rootId: number): this {
    this.scope
      .post(
        `${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/comments/${rootId}/replies`,
        (body: { body: string }) => {
          this.threadReplies.push(body.body);
          return true;
        },
      )
      .reply(201, () => ({ id: 900 + this.threadReplies.length }));
    return this;
  }

  /** The PR's changed files, listed only (the help reads no contents). */
  fileList(files: MockFile[]): this {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files`)
      .query(true)
      .reply(200, files.map(listedFile));
    return this;
  }

  /** The app's answer to a command, posted as a PR comment (recorded; `times` of them). */
  comment(times = 1): this {
    this.scope
      .post(`${this.prefix}/repos/${OWNER}/${REPO}/issues/${PR_NUMBER}/comments`, (body: { body: string }) => {
        this.comments.push(body.body);
        return true;
      })
      .times(times)
      .reply(201, () => ({ id: 500 + this.comments.length }));
    return this;
  }

  review(status = 200): this {
    // Each review also reports its check run (unless the config turns it off): recorded, not required.
    this.checks();
    this.scope
      .post(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/reviews`, (body: PostedReview) => {
        this.reviews.push(body);
        return true;
      })
      .reply(status, { id: 80 + this.reviews.length });
    return this;
  }

  /**
   * An already reviewed head: the check runs GitHub holds for it, and (when none completed) the
   * reviews listed to complete it; creating the check run is recorded in `checkRuns`.
   */
  reviewedHead(options: { checkRuns?: Array<{ status: string }>; reviewBody?: string } = {}): this {
    const runs = options.checkRuns ?? [{ status: "completed" }];
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: runs.length, check_runs: runs });
    if (runs.some((r) => r.status === "completed")) return this;
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/reviews`)
      .query(true)
      .reply(
        200,
        options.reviewBody === undefined
          ? []
          : [
              {
                id: 80,
                commit_id: HEAD_SHA,
                user: { login: `${APP_LOGIN}[bot]`, type: "Bot" },
                body: options.reviewBody,
              },
            ],
      );
    this.checks();
    return this;
  }

  permission(login: string, permission: string, roleName = permission): this {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/collaborators/${login}/permission`)
      .reply(200, { permission, role_name: roleName, user: { login } });
    return this;
  }

  reaction(commentId: number, onBody?: (body: { content: string }) => void): this {
    this.scope
      .post(
        `${this.prefix}/repos/${OWNER}/${REPO}/issues/comments/${commentId}/reactions`,
        (body: { content: string }) => {
          onBody?.(body);
          return body.content === "eyes";
        },
      )
      .reply(201, { id: 1, content: "eyes" });
    return this;
  }

  pull(pr: Record<string, unknown>): this {
    this.scope.get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}`).reply(200, pr);
    return this;
  }

  /** The head's tree, listed at most once per review: every file with content here, plus `tree`'s extras. */
  private treeListing(headSha: string): void {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/git/trees/${headSha}`)
      .query({ recursive: "true" })
      .optionally()
      .reply(200, () => {
        const paths = [...this.blobs.keys()].filter((k) => k.startsWith(`${headSha}:`)).map((k) => k.slice(41));
        const tree = [...paths, ...this.treeExtras].map((path) => ({
          path,
          mode: "100644",
          type: "blob",
          sha: "0".repeat(40),
          size: Buffer.byteLength(this.blobs.get(`${headSha}:${path}`) ?? ""),
        }));
        return { sha: headSha, truncated: false, tree };
      });
  }

  private answerBlobs(body: { variables: Record<string, string> }) {
    const repository: Record<string, unknown> = {};
    const read: string[] = [];
    for (const [name, expression] of Object.entries(body.variables)) {
      if (!/^e\d+$/.test(name)) continue;
      read.push(expression);
      const text = this.blobs.get(expression);
      repository[`f${name.slice(1)}`] =
        text === undefined ? null : { text, isBinary: false, isTruncated: false, byteSize: Buffer.byteLength(text) };
    }
    this.blobReads.push(read);
    return { data: { repository } };
  }
}

function listedFile(f: MockFile) {
  const additions = f.additions ?? countLines(f.patch, "+");
  const deletions = f.deletions ?? countLines(f.patch, "-");
  return {
    sha: "0000000000000000000000000000000000000000",
    filename: f.filename,
    status: f.status ?? "modified",
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${HEAD_SHA}/${f.filename}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${HEAD_SHA}/${f.filename}`,
    contents_url: `${GITHUB_API}/repos/${OWNER}/${REPO}/contents/${f.filename}?ref=${HEAD_SHA}`,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
  };
}

function countLines(patch: string | undefined, sign: "+" | "-"): number {
  if (!patch) return 0;
  return patch.split("\n").filter((l) => l.startsWith(sign) && !l.startsWith(`${sign}${sign}${sign} `)).length;
}
