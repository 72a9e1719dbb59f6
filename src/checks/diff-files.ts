import { movedLines } from "../diff/moved-lines.js";
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
  /** Each deleted line with the head line it sits before (the next head line, or the hunk's last). */
  removedAt: Array<{ text: string; line: number }>;
  /** Every head line the diff adds, as written: reformatted, moved and comment lines too (`added` leaves them out). */
  written: Set<number>;
}

/** The changes of the PR's parsed files, keyed by path. */
export function changesFromDiffFiles(files: DiffFile[]): Map<string, FileChange> {
  const result = new Map<string, FileChange>();
  const moved = movedLines(files);
  for (const file of files) {
    const real = realChanges(file, moved.get(file.path));
    const removedAt = file.hunks.flatMap(deletedLines);
    result.set(file.path, {
      added: real.changed,
      deletedAt: real.deletedAt,
      removed: removedAt.map((r) => r.text),
      removedAt,
      written: new Set(
        file.hunks.flatMap((h) =>
          h.lines.flatMap((l) => (l.kind === "add" && l.newLine !== undefined ? [l.newLine] : [])),
        ),
      ),
    });
  }
  return result;
}

function deletedLines(hunk: DiffFile["hunks"][number]): Array<{ text: string; line: number }> {
  const found: Array<{ text: string; line: number }> = [];
  let next = hunk.newStart;
  let last = hunk.newStart;
  for (const line of hunk.lines) {
    if (line.kind === "del") found.push({ text: line.text, line: next });
    else if (line.newLine !== undefined) {
      next = line.newLine + 1;
      last = line.newLine;
    }
  }
  return found.map((f) => ({ ...f, line: Math.max(1, Math.min(f.line, last)) }));
}

/** Source files for the checks: changed ones with their changes, the rest as context. */
export function sourceFiles(
  contents: Map<string, string>,
  changes: Map<string, FileChange>,
): { changed: SourceFile[]; context: SourceFile[] } {
  const changed: SourceFile[] = [];
  const context: SourceFile[] = [];
  for (const [path, text] of contents) {
    const change = changes.get(path);
    if (change)
      changed.push(
        new SourceFile(path, text, change.added, change.removed, change.deletedAt, change.removedAt, change.written),
      );
    else context.push(new SourceFile(path, text, new Set()));
  }
  return { changed, context };
}
