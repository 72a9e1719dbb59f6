import type { FileText, ProjectFiles } from "../lookup/answer.js";
import { fetchFileContents } from "./fetch-pull-request.js";
import type { GitHubClient, RepoRef } from "./types.js";

/** Reads past this many files go through GraphQL only: one by one over REST would be hundreds of requests. */
const MAX_REST_FALLBACK = 20;

/**
 * The repository at a commit, as the model's lookups read it: the whole tree in one request, files
 * through the batched GraphQL read, both cached for the review (a file is asked of GitHub once).
 */
export function gitHubProjectFiles(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  log?: { warn: (meta: object, message: string) => void },
  known: { tree?: TreeEntry[]; texts?: ReadonlyMap<string, string> } = {},
): ProjectFiles {
  let listing: Promise<string[]> | undefined = known.tree ? Promise.resolve(known.tree.map((e) => e.path)) : undefined;
  const cache = new Map<string, FileText>([...(known.texts ?? [])].map(([p, text]) => [p, { ok: true, text }]));
  return {
    list() {
      listing ??= fetchTree(octokit, repo, sha).then((tree) => tree.map((entry) => entry.path));
      return listing;
    },
    async read(paths) {
      const missing = [...new Set(paths.filter((path) => !cache.has(path)))];
      if (missing.length > 0) {
        const read = await fetchFileContents(octokit, repo, sha, missing, log, {
          restFallback: missing.length <= MAX_REST_FALLBACK,
        });
        for (const [path, text] of read) cache.set(path, text);
      }
      return new Map(paths.flatMap((path) => (cache.has(path) ? [[path, cache.get(path) as FileText] as const] : [])));
    },
  };
}

export interface TreeEntry {
  path: string;
  size?: number;
}

/** Every file of the commit's tree, with its size, in one request. */
export async function fetchTree(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<TreeEntry[]> {
  const { data } = await octokit.rest.git.getTree({
    owner: repo.owner,
    repo: repo.repo,
    tree_sha: sha,
    recursive: "true",
  });
  return data.tree.flatMap((entry) =>
    entry.type === "blob" && entry.path
      ? [{ path: entry.path, ...(entry.size !== undefined ? { size: entry.size } : {}) }]
      : [],
  );
}
