import type { RepoConfig } from "../config/schema.js";
import { pathMatcher, SECRET_PATH_PATTERNS } from "../diff/path-filter.js";
import type { DiffFile, UnreviewableReason } from "../diff/types.js";
import type { SkippedFile } from "../render/summary.js";

export interface FileSelection {
  /** Files whose diff is reviewed, Django code first. */
  reviewable: DiffFile[];
  skipped: SkippedFile[];
}

const UNREVIEWABLE_REASON: Record<UnreviewableReason, string> = {
  binary: "binary file",
  "too-large": "GitHub does not provide a diff for this file (too large)",
  "pure-rename": "renamed without changes",
  removed: "deleted",
};

/** Splits the changed files into the ones to review and the ones skipped, each with its reason. */
export function selectFiles(files: DiffFile[], config: RepoConfig): FileSelection {
  const isSecret = pathMatcher([...SECRET_PATH_PATTERNS, ...config.secret_paths]);
  const isExcluded = pathMatcher(config.exclude_paths);
  const isSkipped = pathMatcher(config.skip_paths);
  const reviewable: DiffFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    if (isSecret(file.path))
      skipped.push({ path: file.path, reason: "looks like a secrets file; never sent to the model" });
    else if (file.unreviewable) skipped.push({ path: file.path, reason: UNREVIEWABLE_REASON[file.unreviewable] });
    else if (isExcluded(file.path)) skipped.push({ path: file.path, reason: "excluded by `exclude_paths`" });
    else if (isSkipped(file.path))
      skipped.push({ path: file.path, reason: "lock, vendored, generated or built file (`skip_paths`)" });
    else reviewable.push(file);
  }
  return { reviewable: rankForReview(reviewable), skipped };
}

/** Python and templates first: when the budget runs out, it is the lock files that wait. */
function rankForReview(files: DiffFile[]): DiffFile[] {
  const rank = (path: string) => (/\.py$/.test(path) ? 0 : /\.(html|txt|jinja2?)$/.test(path) ? 1 : 2);
  return files
    .map((file, index) => ({ file, index }))
    .sort((a, b) => rank(a.file.path) - rank(b.file.path) || a.index - b.index)
    .map(({ file }) => file);
}
