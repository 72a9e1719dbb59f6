export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

/** One entry of GitHub's "list pull request files", reduced to what the review needs. */
export interface ChangedFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  additions: number;
  deletions: number;
  /** Absent for binary files and for diffs GitHub considers too large to show. */
  patch?: string;
}

export type DiffLineKind = "add" | "del" | "context";

export interface DiffLine {
  kind: DiffLineKind;
  /** Old-side (LEFT) line number; set for deleted and context lines. */
  oldLine?: number;
  /** New-side (RIGHT) line number; set for added and context lines. */
  newLine?: number;
  text: string;
}

export interface Hunk {
  header: string;
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

/** Why a changed file has no hunks to review. */
export type UnreviewableReason = "binary" | "too-large" | "pure-rename" | "removed";

export interface DiffFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  hunks: Hunk[];
  additions: number;
  deletions: number;
  unreviewable?: UnreviewableReason;
}
