import { projectFactPaths } from "../checks/project-facts.js";
import type { DiffFile } from "../diff/types.js";
import { type FileContent, fetchChangedFiles, fetchFileContents } from "./fetch-pull-request.js";
import { incrementalScope, type ReviewScope } from "./incremental.js";
import { runInline } from "../decide/pure-tasks.js";
import {
  definitionModulePaths,
  fieldModulePaths,
  helperModulePaths,
  indexNotice,
  modelModulePaths,
  relatedPaths,
  renderedTemplatePaths,
} from "../decide/related-files.js";
import { fetchTree, type TreeEntry } from "./project-files.js";
import type { PullRequestRef } from "./types.js";
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
  /** The head's whole tree, when it was listed for the project index (the lookups reuse it). */
  tree?: TreeEntry[];
  /** Said when the project index stopped at its bound or could not be built. */
  indexNotice?: string;
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
  // render, the modules a `models/` package re-exports, the modules of the functions they call — and
  // the project's definition modules wherever they live (from the head's tree): a second batched read,
  // only when there are any.
  const known = new Set(contents.keys());
  const index = config.checks.enabled ? await projectIndex(deps, ref, pr.headSha, reviewablePaths, known) : undefined;
  const secondRead = config.checks.enabled
    ? [
        ...new Set([
          ...fieldModulePaths(heads, known),
          ...helperModulePaths(heads, known),
          ...renderedTemplatePaths(heads, known),
          ...modelModulePaths(contents, known),
          ...(index?.paths ?? []),
        ]),
      ]
    : [];
  if (secondRead.length > 0)
    for (const [path, text] of texts(await fetchFileContents(deps.octokit, ref, pr.headSha, secondRead, deps.log)))
      related.set(path, text);
  return {
    files: selection.reviewable,
    skipped: selection.skipped,
    scope,
    heads,
    related,
    unread,
    ...(index?.tree ? { tree: index.tree } : {}),
    ...(index?.notice ? { indexNotice: index.notice } : {}),
  };
}

/**
 * The project-wide index's files: the head's tree in one request, then the definition modules to read
 * (see definitionModulePaths). Only for changes with Python in them; a tree GitHub will not list costs
 * the index, not the review.
 */
async function projectIndex(
  deps: Pick<ReviewDeps, "octokit" | "log">,
  ref: PullRequestRef,
  headSha: string,
  changedPaths: string[],
  known: ReadonlySet<string>,
): Promise<{ tree?: TreeEntry[]; paths: string[]; notice?: string } | undefined> {
  if (!changedPaths.some((p) => p.endsWith(".py"))) return undefined;
  let tree: TreeEntry[];
  try {
    tree = await fetchTree(deps.octokit, ref, headSha);
  } catch (error) {
    deps.log.warn({ err: error }, "django-review: could not list the head's tree; the checks see only nearby files");
    return {
      paths: [],
      notice: "The project's file list could not be read: the checks saw only the files near the change.",
    };
  }
  const chosen = definitionModulePaths(tree, changedPaths, known);
  const notice = indexNotice(chosen);
  return { tree, paths: chosen.paths, ...(notice ? { notice } : {}) };
}

function texts(contents: Map<string, FileContent>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [path, content] of contents) if (content.ok) result.set(path, content.text);
  return result;
}
