import parseDiff from "parse-diff";
import type { DiffFile } from "../diff/types.js";
import { SourceFile } from "./source.js";

/** Added (head-side) lines of each file of a unified git diff, keyed by head path. Deleted files are absent. */
export function addedLinesFromUnifiedDiff(diff: string): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  for (const file of parseDiff(diff)) {
    if (file.deleted || !file.to || file.to === "/dev/null") continue;
    const path = file.to.replace(/^b\//, "");
    const added = new Set<number>();
    for (const chunk of file.chunks) for (const change of chunk.changes) if (change.type === "add" && !change.content.startsWith("\\")) added.add(change.ln);
    result.set(path, added);
  }
  return result;
}

/** Added lines of the PR's parsed files, keyed by path. */
export function addedLinesFromDiffFiles(files: DiffFile[]): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  for (const file of files) {
    const added = new Set<number>();
    for (const hunk of file.hunks) for (const line of hunk.lines) if (line.kind === "add" && line.newLine !== undefined) added.add(line.newLine);
    result.set(file.path, added);
  }
  return result;
}

/** Source files for the checks: changed ones with their added lines, the rest as context. */
export function sourceFiles(contents: Map<string, string>, added: Map<string, Set<number>>): { changed: SourceFile[]; context: SourceFile[] } {
  const changed: SourceFile[] = [];
  const context: SourceFile[] = [];
  for (const [path, text] of contents) {
    const lines = added.get(path);
    if (lines) changed.push(new SourceFile(path, text, lines));
    else context.push(new SourceFile(path, text, new Set()));
  }
  return { changed, context };
}
