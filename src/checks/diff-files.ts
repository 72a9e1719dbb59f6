import { realChanges } from "../diff/real-changes.js";
import type { DiffFile } from "../diff/types.js";
import { SourceFile } from "./source.js";

/** What a change does to one file: head lines it really changes, where it deletes code, and the deleted text. */
export interface FileChange {
  /** Head lines with new code (a reformatted line is not). */
  added: Set<number>;
  /** Head lines next to deleted code. */
  deletedAt: Set<number>;
  removed: string[];
}

/** The changes of the PR's parsed files, keyed by path. */
export function changesFromDiffFiles(files: DiffFile[]): Map<string, FileChange> {
  const result = new Map<string, FileChange>();
  for (const file of files) {
    const real = realChanges(file);
    const removed = file.hunks.flatMap((hunk) => hunk.lines.filter((line) => line.kind === "del").map((line) => line.text));
    result.set(file.path, { added: real.changed, deletedAt: real.deletedAt, removed });
  }
  return result;
}

/** Source files for the checks: changed ones with their changes, the rest as context. */
export function sourceFiles(contents: Map<string, string>, changes: Map<string, FileChange>): { changed: SourceFile[]; context: SourceFile[] } {
  const changed: SourceFile[] = [];
  const context: SourceFile[] = [];
  for (const [path, text] of contents) {
    const change = changes.get(path);
    if (change) changed.push(new SourceFile(path, text, change.added, change.removed, change.deletedAt));
    else context.push(new SourceFile(path, text, new Set()));
  }
  return { changed, context };
}
