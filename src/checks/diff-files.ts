import type { DiffFile } from "../diff/types.js";
import { SourceFile } from "./source.js";

/** What a change does to one file: head lines it adds, and the text of the lines it deletes. */
export interface FileChange {
  added: Set<number>;
  removed: string[];
}

/** The changes of the PR's parsed files, keyed by path. */
export function changesFromDiffFiles(files: DiffFile[]): Map<string, FileChange> {
  const result = new Map<string, FileChange>();
  for (const file of files) {
    const change: FileChange = { added: new Set(), removed: [] };
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.kind === "add" && line.newLine !== undefined) change.added.add(line.newLine);
        else if (line.kind === "del") change.removed.push(line.text);
      }
    }
    result.set(file.path, change);
  }
  return result;
}

/** Source files for the checks: changed ones with their changes, the rest as context. */
export function sourceFiles(contents: Map<string, string>, changes: Map<string, FileChange>): { changed: SourceFile[]; context: SourceFile[] } {
  const changed: SourceFile[] = [];
  const context: SourceFile[] = [];
  for (const [path, text] of contents) {
    const change = changes.get(path);
    if (change) changed.push(new SourceFile(path, text, change.added, change.removed));
    else context.push(new SourceFile(path, text, new Set()));
  }
  return { changed, context };
}
