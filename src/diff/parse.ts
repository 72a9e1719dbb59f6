import parseDiff from "parse-diff";
import type { ChangedFile, DiffFile, DiffLine, Hunk, UnreviewableReason } from "./types.js";

/** Parses one file's patch (as GitHub's files API returns it) into hunks with line numbers. */
export function parseChangedFile(file: ChangedFile): DiffFile {
  const base = {
    path: file.path,
    previousPath: file.previousPath,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
  };
  if (file.status === "removed") return { ...base, hunks: [], unreviewable: "removed" };
  if (!file.patch) return { ...base, hunks: [], unreviewable: reasonForMissingPatch(file) };

  const [parsed] = parseDiff(file.patch);
  const hunks = (parsed?.chunks ?? []).map(toHunk).filter((h) => h.lines.length > 0);
  return hunks.length > 0 ? { ...base, hunks } : { ...base, hunks, unreviewable: reasonForMissingPatch(file) };
}

export function parseChangedFiles(files: ChangedFile[]): DiffFile[] {
  return files.map(parseChangedFile);
}

function reasonForMissingPatch(file: ChangedFile): UnreviewableReason {
  if (file.status === "renamed" && file.additions + file.deletions === 0) return "pure-rename";
  // GitHub omits `patch` for binary files (no line counts) and for diffs too large to render.
  return file.additions + file.deletions === 0 ? "binary" : "too-large";
}

function toHunk(chunk: parseDiff.Chunk): Hunk {
  const lines: DiffLine[] = [];
  for (const change of chunk.changes) {
    // "\ No newline at end of file" is reported as a change that repeats the previous line number.
    if (change.content.startsWith("\\")) continue;
    const text = stripTrailingCr(change.content.slice(1));
    if (change.type === "add") lines.push({ kind: "add", newLine: change.ln, text });
    else if (change.type === "del") lines.push({ kind: "del", oldLine: change.ln, text });
    else lines.push({ kind: "context", oldLine: change.ln1, newLine: change.ln2, text });
  }
  return { header: chunk.content, oldStart: chunk.oldStart, newStart: chunk.newStart, lines };
}

function stripTrailingCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

/** The files of a whole unified git diff (`git diff`, a `.patch` file), as the review sees them. */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  return parseDiff(diff).map((file) => {
    const deleted = file.deleted === true || file.to === "/dev/null";
    const path = stripPrefix(deleted ? file.from : file.to);
    const previous = stripPrefix(file.from);
    const status = file.new ? "added" : deleted ? "removed" : previous !== path ? "renamed" : "modified";
    const hunks = deleted ? [] : file.chunks.map(toHunk).filter((h) => h.lines.length > 0);
    const base = {
      path,
      status,
      hunks,
      additions: file.additions,
      deletions: file.deletions,
      ...(status === "renamed" ? { previousPath: previous } : {}),
    } as const;
    if (deleted) return { ...base, unreviewable: "removed" as const };
    if (hunks.length === 0)
      return { ...base, unreviewable: status === "renamed" ? ("pure-rename" as const) : ("binary" as const) };
    return base;
  });
}

function stripPrefix(path: string | undefined): string {
  return (path ?? "").replace(/^[ab]\//, "");
}
