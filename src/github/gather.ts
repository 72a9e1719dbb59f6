import { projectFactPaths } from "../checks/project-facts.js";
import type { DiffFile } from "../diff/types.js";
import { type FileContent, fetchChangedFiles, fetchFileContents } from "./fetch-pull-request.js";
import { incrementalScope, type ReviewScope } from "./incremental.js";
import { runInline } from "../decide/pure-tasks.js";
import { fieldModulePaths, modelModulePaths, relatedPaths, renderedTemplatePaths } from "../decide/related-files.js";
import type { ReviewDeps, ReviewRequest } from "../review/run-review.js";
import { selectFiles } from "../decide/select-files.js";
import type { SkippedFile } from "../render/summary.js";

/** Everything a review reads from GitHub, as plain data. */
export interface Gathered {
  /** The changed files to review (within the incremental scope, selected by the config). */
  files: DiffFile[];
  /** Changed files left out, with the reason. */
  skipped: SkippedFile[];
  scope: ReviewScope;
  /** Head contents of `files`. */
  heads: Map<string, string>;
  /** Project files the checks read (models, settings, field classes, templates, …). */
  related: Map<string, string>;
  /** Changed files GitHub would not give: reviewed from their diff alone. */
  unread: string[];
}

/**
 * The gather step: the PR's file list (retried), the incremental scope, then the changed files and the
 * project files the checks read in one batched read, and what that read points at in a second one.
 * Undefined when the pull request changes no files.
 */
export async function gatherPullRequest(
  deps: Pick<ReviewDeps, "octokit" | "log" | "readRetry" | "offload">,
  request: Pick<ReviewRequest, "ref" | "pr" | "config" | "incremental" | "previous">,
): Promise<Gathered | undefined> {
  const { config, pr, ref } = request;
  const allFiles = await (deps.offload ?? runInline)(
    "parse",
    await fetchChangedFiles(deps.octokit, ref, deps.readRetry),
  );
  if (allFiles.length === 0) return undefined;
  const scope = request.incremental
    ? await incrementalScope(deps.octokit, ref, request.previous?.reviewedShas.at(-1), pr.headSha)
    : {};
  const diffFiles = scope.paths ? allFiles.filter((f) => scope.paths?.has(f.path)) : allFiles;
  const selection = selectFiles(diffFiles, config);
  const reviewablePaths = selection.reviewable.map((f) => f.path);
  // The changed files and the project files the checks read, in one batched read.
  const relatedToRead = config.checks.enabled
    ? [...new Set([...relatedPaths(reviewablePaths), ...projectFactPaths(reviewablePaths)])]
    : [];
  const read = await fetchFileContents(deps.octokit, ref, pr.headSha, [...reviewablePaths, ...relatedToRead], deps.log);
  const contents = texts(read);
  // A changed file GitHub would not give us is still reviewed from its diff, and the summary says so.
  const unread = reviewablePaths.filter((p) => {
    const content = read.get(p);
    return content !== undefined && !content.ok && /could not be read/.test(content.reason);
  });
  const pick = (paths: string[]) =>
    new Map(paths.flatMap((p) => (contents.has(p) ? [[p, contents.get(p) as string] as const] : [])));
  const heads = pick(reviewablePaths);
  const related = pick(relatedToRead);
  // What the first read points at — the project's field classes, the templates the changed views
  // render, the modules a `models/` package re-exports: a second batched read, only when there are any.
  const known = new Set(contents.keys());
  const secondRead = config.checks.enabled
    ? [...fieldModulePaths(heads, known), ...renderedTemplatePaths(heads, known), ...modelModulePaths(contents, known)]
    : [];
  if (secondRead.length > 0)
    for (const [path, text] of texts(await fetchFileContents(deps.octokit, ref, pr.headSha, secondRead, deps.log)))
      related.set(path, text);
  return { files: selection.reviewable, skipped: selection.skipped, scope, heads, related, unread };
}

function texts(contents: Map<string, FileContent>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [path, content] of contents) if (content.ok) result.set(path, content.text);
  return result;
}
