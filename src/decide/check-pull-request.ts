import { changesFromDiffFiles, sourceFiles } from "../checks/diff-files.js";
import { type CheckResult, runChecks } from "../checks/index.js";
import { detectProjectFacts } from "../checks/project-facts.js";
import type { RepoConfig } from "../config/schema.js";
import type { DiffFile } from "../diff/types.js";

/**
 * Runs the Django checks over the reviewable files (head contents) with related files as context.
 * `skippedPaths` are the change's other files (deleted, binary, excluded): not checked, but part of it
 * (a model change whose migration the change deletes, as a revert does, has its migration change).
 */
export function checkPullRequest(
  files: DiffFile[],
  headContents: Map<string, string>,
  relatedContents: Map<string, string>,
  config: RepoConfig,
  skippedPaths: string[] = [],
): CheckResult {
  if (!config.checks.enabled) return { findings: [], failures: [], suppressed: 0, facts: {}, conditional: [] };
  const changes = changesFromDiffFiles(files);
  const contents = new Map<string, string>();
  for (const file of files) {
    const text = headContents.get(file.path);
    if (text !== undefined) contents.set(file.path, text);
  }
  for (const [path, text] of relatedContents) if (!contents.has(path)) contents.set(path, text);
  const { changed, context } = sourceFiles(contents, changes);
  const facts = detectProjectFacts(contents, config.project);
  return runChecks(changed, context, {
    facts,
    otherChangedPaths: [...files.map((f) => f.path), ...skippedPaths],
    disabled: config.checks.disable,
    minSeverity: config.checks.min_severity,
    includeTests: config.checks.include_tests,
    ignore: config.checks.ignore,
  });
}
