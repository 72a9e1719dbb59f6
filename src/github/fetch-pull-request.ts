import type { ChangedFile, FileStatus } from "../diff/types.js";
import { type BlobResult, fetchBlobs, MAX_CONTENT_BYTES } from "./fetch-blobs.js";
import { type ReadRetry, retryRead } from "../util/retry.js";
import type { GitHubClient, PullRequestRef, RepoRef } from "./types.js";
import { isBotAccount } from "./fetch-review-context.js";

export interface PullRequestInfo {
  number: number;
  title: string;
  body: string;
  state: string;
  draft: boolean;
  headSha: string;
  baseSha: string;
  headRef: string;
  baseRef: string;
  authorLogin: string;
  authorIsBot: boolean;
}

interface PullRequestPayload {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  draft?: boolean;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
  user: { login: string; type?: string } | null;
}

export function toPullRequestInfo(pr: PullRequestPayload): PullRequestInfo {
  const login = pr.user?.login ?? "ghost";
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? "",
    state: pr.state,
    draft: pr.draft ?? false,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    authorLogin: login,
    authorIsBot: isBotAccount(pr.user),
  };
}

export async function fetchPullRequest(octokit: GitHubClient, ref: PullRequestRef): Promise<PullRequestInfo> {
  const { data } = await octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber });
  return toPullRequestInfo(data);
}

type ListedFile = {
  filename: string;
  previous_filename?: string;
  status: string;
  additions: number;
  deletions: number;
  patch?: string;
};

/** GitHub lists at most 3,000 files of a PR, 100 a page. */
const MAX_FILE_PAGES = 30;

/**
 * Every changed file of the PR, page by page. Paged by hand rather than with `paginate`: a page
 * carrying a multi-megabyte patch can reach us as unparsed text, which `paginate` cannot handle.
 */
export async function fetchChangedFiles(
  octokit: GitHubClient,
  ref: PullRequestRef,
  retry?: ReadRetry,
): Promise<ChangedFile[]> {
  const files: ListedFile[] = [];
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    // A 502 on one page must not cost the review: the page is read again.
    const response = await retryRead(
      () =>
        octokit.rest.pulls.listFiles({
          owner: ref.owner,
          repo: ref.repo,
          pull_number: ref.pullNumber,
          per_page: 100,
          page,
        }),
      retry,
    );
    const data = (typeof response.data === "string" ? JSON.parse(response.data) : response.data) as ListedFile[];
    for (const file of data) files.push(file);
    if (data.length < 100 || !/rel="next"/.test(String(response.headers.link ?? ""))) break;
  }
  return files.map((f) => ({
    path: f.filename,
    ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    status: f.status as FileStatus,
    additions: f.additions,
    deletions: f.deletions,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
  }));
}

export type FileContent = { ok: true; text: string } | { ok: false; reason: string };

const REST_CONCURRENCY = 8;

/**
 * Reads files at a commit: one GraphQL request per hundred files, falling back to REST per file when
 * GraphQL fails (an older GitHub Enterprise, a transient error). A file that cannot be read is reported.
 */
export async function fetchFileContents(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  paths: string[],
  log?: { warn: (meta: object, message: string) => void },
  options: { restFallback?: boolean } = {},
): Promise<Map<string, FileContent>> {
  if (paths.length === 0) return new Map();
  try {
    const blobs = await fetchBlobs(
      octokit,
      repo,
      paths.map((p) => `${sha}:${p}`),
    );
    return new Map(paths.map((path) => [path, fromBlob(blobs.get(`${sha}:${path}`) ?? { kind: "missing" })]));
  } catch (error) {
    if (options.restFallback === false) throw error;
    log?.warn({ err: error }, "django-review: GraphQL file read failed; reading files one by one over REST");
    return fetchFileContentsRest(octokit, repo, sha, paths);
  }
}

function fromBlob(blob: BlobResult): FileContent {
  switch (blob.kind) {
    case "text":
      return { ok: true, text: blob.text };
    case "binary":
      return { ok: false, reason: "is binary" };
    case "too-large":
      return { ok: false, reason: "is over 1 MB; only its diff is reviewed" };
    default:
      return { ok: false, reason: "does not exist at the head commit" };
  }
}

async function fetchFileContentsRest(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  paths: string[],
): Promise<Map<string, FileContent>> {
  const contents = new Map<string, FileContent>();
  const queue = [...paths];
  const worker = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      contents.set(path, await fetchFileContentRest(octokit, repo, sha, path));
    }
  };
  await Promise.all(Array.from({ length: Math.min(REST_CONCURRENCY, paths.length) }, worker));
  return contents;
}

async function fetchFileContentRest(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  path: string,
): Promise<FileContent> {
  try {
    const response = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path,
      ref: sha,
      mediaType: { format: "raw" },
    });
    return decodeText(response.data as unknown);
  } catch (error) {
    const status = (error as { status?: number }).status;
    return { ok: false, reason: `could not be read at the head commit (HTTP ${status ?? "error"})` };
  }
}

function decodeText(data: unknown): FileContent {
  const bytes =
    typeof data === "string" ? Buffer.from(data, "utf8") : data instanceof ArrayBuffer ? Buffer.from(data) : undefined;
  if (!bytes) return { ok: false, reason: "is not a regular file" };
  if (bytes.length > MAX_CONTENT_BYTES) return { ok: false, reason: "is over 1 MB; only its diff is reviewed" };
  if (bytes.includes(0)) return { ok: false, reason: "is binary" };
  return { ok: true, text: bytes.toString("utf8") };
}
