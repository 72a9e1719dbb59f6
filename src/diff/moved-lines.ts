import { tokenize } from "./real-changes.js";
import type { DiffFile } from "./types.js";

/**
 * Code a change moves: added lines that the change also deletes, as a block, elsewhere — another file (a
 * module split, forms moved to the app that owns them) or another hunk of the same file (a function moved
 * down). Such lines are not new, so findings on them are not the change's; a line edited on the way is not
 * part of a matching block and stays new. Compared as code tokens, so a re-indented or re-quoted move counts.
 *
 * A block is at least MIN_RUN consecutive non-blank lines with MIN_WORD_CHARS letters or digits among them
 * (git's `--color-moved` asks the same of a block): a lone `)` or `fields = "__all__"` is too common to say
 * where it came from.
 */
export interface MovedLines {
  /** Head lines of the file that the change moved here. */
  added: Set<number>;
  /** Base lines of the file that the change moved away. */
  deleted: Set<number>;
}

const MIN_RUN = 3;
const MIN_WORD_CHARS = 20;
/** Bounds the index on a huge change: past this many deleted lines, nothing is taken as moved. */
const MAX_LINES = 50_000;

interface Line {
  key: string;
  at: number;
}

export function movedLines(files: readonly DiffFile[]): Map<string, MovedLines> {
  const result = new Map<string, MovedLines>();
  const deletedRuns = files.flatMap((file) => runs(file, "del").map((run) => ({ path: file.path, run })));
  const addedRuns = files.flatMap((file) => runs(file, "add").map((run) => ({ path: file.path, run })));
  if (deletedRuns.reduce((n, r) => n + r.run.length, 0) > MAX_LINES) return result;
  if (addedRuns.reduce((n, r) => n + r.run.length, 0) > MAX_LINES) return result;
  const entry = (path: string) => {
    const found = result.get(path) ?? { added: new Set<number>(), deleted: new Set<number>() };
    result.set(path, found);
    return found;
  };
  const deletedBlocks = new Set(deletedRuns.flatMap(({ run }) => windows(run).map(windowKey)));
  const addedBlocks = new Set(addedRuns.flatMap(({ run }) => windows(run).map(windowKey)));
  for (const { path, run } of addedRuns)
    for (const window of windows(run))
      if (deletedBlocks.has(windowKey(window))) for (const line of window) entry(path).added.add(line.at);
  for (const { path, run } of deletedRuns)
    for (const window of windows(run))
      if (addedBlocks.has(windowKey(window))) for (const line of window) entry(path).deleted.add(line.at);
  return result;
}

/** The file's runs of consecutive added (or deleted) lines, blank lines left out, keyed by their code tokens. */
function runs(file: DiffFile, kind: "add" | "del"): Line[][] {
  const python = /\.pyi?$/.test(file.path);
  const found: Line[][] = [];
  for (const hunk of file.hunks) {
    let run: Line[] = [];
    for (const line of hunk.lines) {
      if (line.kind !== kind) {
        if (run.length > 0) found.push(run);
        run = [];
        continue;
      }
      const key = tokenize(line.text, python).join(" ");
      const at = kind === "add" ? line.newLine : line.oldLine;
      if (key !== "" && at !== undefined) run.push({ key, at });
    }
    if (run.length > 0) found.push(run);
  }
  return found;
}

/** Every MIN_RUN consecutive lines of a run that carry enough code to say where they came from. */
function windows(run: Line[]): Line[][] {
  const found: Line[][] = [];
  for (let i = 0; i + MIN_RUN <= run.length; i++) {
    const window = run.slice(i, i + MIN_RUN);
    if (window.reduce((n, l) => n + (l.key.match(/\w/g)?.length ?? 0), 0) >= MIN_WORD_CHARS) found.push(window);
  }
  return found;
}

function windowKey(window: Line[]): string {
  return window.map((l) => l.key).join("\n");
}
