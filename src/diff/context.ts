import type { DiffFile, Hunk } from "./types.js";

/**
 * Renders a changed file for the model: each hunk with surrounding head-side lines, widened to the
 * enclosing Python `def`/`class`, every line prefixed with where a comment on it would go:
 *   `R12 + code`  an added line (comment with side RIGHT, line 12)
 *   `R12   code`  an unchanged line inside the diff (RIGHT 12)
 *   `L12 - code`  a deleted line (side LEFT, old line 12)
 *   `  12  code`  file context outside the diff: readable, not commentable
 */
export function renderFileWithContext(file: DiffFile, headContent: string | undefined, contextLines: number): string {
  const headLines = headContent === undefined ? undefined : splitLines(headContent);
  const windows = mergeWindows(file.hunks.map((hunk, index) => contextWindow(hunk, index, headLines, contextLines)));
  return windows.map((window) => renderWindow(window, file.hunks, headLines)).join("\n…\n");
}

interface Window {
  from: number;
  to: number;
  hunks: number[];
}

/** How far above a hunk the enclosing def/class may start and still be shown from its first line. */
const MAX_SCOPE_REACH = 120;

function contextWindow(hunk: Hunk, index: number, headLines: string[] | undefined, contextLines: number): Window {
  const { first, last } = newSideRange(hunk);
  if (!headLines) return { from: first, to: last, hunks: [index] };
  let from = Math.max(1, first - contextLines);
  const scopeStart = enclosingScopeStart(headLines, first);
  if (scopeStart !== undefined && scopeStart < from && first - scopeStart <= MAX_SCOPE_REACH) from = scopeStart;
  const to = Math.max(last, Math.min(headLines.length, last + contextLines));
  return { from, to, hunks: [index] };
}

function newSideRange(hunk: Hunk): { first: number; last: number } {
  // A loop, not Math.min(...numbers): a 130,000-line hunk would overflow the stack as arguments.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const line of hunk.lines) {
    if (line.newLine === undefined) continue;
    if (line.newLine < first) first = line.newLine;
    if (line.newLine > last) last = line.newLine;
  }
  if (first === Number.POSITIVE_INFINITY)
    return { first: Math.max(hunk.newStart, 1), last: Math.max(hunk.newStart, 1) };
  return { first, last };
}

function mergeWindows(windows: Window[]): Window[] {
  const merged: Window[] = [];
  for (const window of windows) {
    const previous = merged.at(-1);
    if (previous && window.from <= previous.to + 1) {
      previous.to = Math.max(previous.to, window.to);
      for (const hunk of window.hunks) previous.hunks.push(hunk);
    } else merged.push({ ...window, hunks: [...window.hunks] });
  }
  return merged;
}

const SCOPE_OPENER = /^\s*(async\s+def|def|class)\s+\w/;

/** The 1-based line of the nearest `def`/`class` enclosing `line` by indentation, if any. */
export function enclosingScopeStart(lines: string[], line: number): number | undefined {
  let indent = indentOf(lines[line - 1] ?? "");
  for (let i = line - 1; i >= 1; i--) {
    const text = lines[i - 1] ?? "";
    if (text.trim() === "") continue;
    const lineIndent = indentOf(text);
    if (lineIndent >= indent) continue;
    if (SCOPE_OPENER.test(text)) return i;
    if (lineIndent === 0) return undefined;
    indent = lineIndent;
  }
  return undefined;
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/** Rows keyed by new-side line: the diff prefix, plus deleted lines shown before or after it. */
interface DiffRows {
  prefix: Map<number, string>;
  deletedBefore: Map<number, string[]>;
  deletedAfter: Map<number, string[]>;
  text: Map<number, string>;
}

function collectDiffRows(hunks: Hunk[], indexes: number[]): DiffRows {
  const rows: DiffRows = { prefix: new Map(), deletedBefore: new Map(), deletedAfter: new Map(), text: new Map() };
  for (const index of indexes) {
    const hunk = hunks[index];
    if (!hunk) continue;
    let pending: string[] = [];
    let lastNew = hunk.newStart - 1;
    for (const line of hunk.lines) {
      if (line.newLine === undefined) {
        pending.push(`L${line.oldLine} - ${line.text}`);
        continue;
      }
      lastNew = line.newLine;
      rows.prefix.set(lastNew, `R${lastNew} ${line.kind === "add" ? "+" : " "}`);
      rows.text.set(lastNew, line.text);
      if (pending.length > 0) rows.deletedBefore.set(lastNew, pending);
      pending = [];
    }
    if (pending.length > 0) rows.deletedAfter.set(lastNew, pending);
  }
  return rows;
}

function renderWindow(window: Window, hunks: Hunk[], headLines: string[] | undefined): string {
  const rows = collectDiffRows(hunks, window.hunks);
  const out: string[] = [...(rows.deletedAfter.get(window.from - 1) ?? [])];
  for (let n = window.from; n <= window.to; n++) {
    for (const row of rows.deletedBefore.get(n) ?? []) out.push(row);
    const text = headLines?.[n - 1] ?? rows.text.get(n);
    const prefix = rows.prefix.get(n);
    if (prefix !== undefined) out.push(`${prefix} ${text ?? ""}`);
    else if (text !== undefined) out.push(`  ${n}   ${text}`);
    for (const row of rows.deletedAfter.get(n) ?? []) out.push(row);
  }
  return out.join("\n");
}

export function splitLines(content: string): string[] {
  const lines = content.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
