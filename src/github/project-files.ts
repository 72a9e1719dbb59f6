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
): ProjectFiles {
  let listing: Promise<string[]> | undefined;
  const cache = new Map<string, FileText>();
  return {
    list() {
      listing ??= octokit.rest.git
        .getTree({ ...repo, tree_sha: sha, recursive: "true" })
        .then(({ data }) => data.tree.flatMap((entry) => (entry.type === "blob" && entry.path ? [entry.path] : [])));
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
