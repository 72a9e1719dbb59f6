import { diffArrays } from "diff";
import { asFStrings, isQuoted, replacementField } from "./format-strings.js";
import type { MovedLines } from "./moved-lines.js";
import type { DiffFile, Hunk } from "./types.js";

/**
 * Which head lines a change really changes. A reformat (quote style, whitespace, re-indent, wrapping,
 * trailing commas, comments) moves text without changing the code, so findings on those lines are not
 * new: the added and removed lines of each hunk are compared as token streams, and only lines that
 * carry a token the removed side did not have count as changed. Tokens the change deletes (a keyword
 * argument, an SQL word) mark the head line where they stood, so a construct that lost something
 * still counts as changed. Code the change moves as a block from elsewhere (moved-lines.ts) is not new where
 * it lands, nor a deletion where it left.
 */
export interface RealChanges {
  /** Head-side lines with at least one new token. */
  changed: Set<number>;
  /** Head-side lines next to tokens the change deleted. */
  deletedAt: Set<number>;
}

interface Token {
  text: string;
  line: number;
  /** A deleted token of a block the change moves elsewhere: its removal changes nothing here. */
  moved?: boolean;
}

/** Beyond these, a hunk is compared line by line (every added line counts): bounded work on huge hunks. */
const MAX_TOKENS = 12_000;
const MAX_EDIT = 400;
const MAX_LINE = 2_000;

export function realChanges(file: DiffFile, moved?: MovedLines): RealChanges {
  const result: RealChanges = { changed: new Set(), deletedAt: new Set() };
  const python = /\.pyi?$/.test(file.path);
  for (const hunk of file.hunks) compareHunk(hunk, python, result, moved?.deleted);
  for (const line of moved?.added ?? []) result.changed.delete(line);
  return result;
}

function compareHunk(hunk: Hunk, python: boolean, result: RealChanges, movedAway?: ReadonlySet<number>): void {
  if (!hunk.lines.some((line) => line.kind === "del")) {
    for (const line of hunk.lines)
      if (line.kind === "add" && line.newLine !== undefined) result.changed.add(line.newLine);
    return;
  }
  const removedRaw: Token[] = [];
  const addedRaw: Token[] = [];
  // The head line a deletion sits at: the next head line after it (or the hunk's last one).
  let headLine = hunk.newStart;
  let lastHeadLine = hunk.newStart;
  for (const line of hunk.lines) {
    if (line.kind === "del") {
      const moved = line.oldLine !== undefined && movedAway?.has(line.oldLine) === true;
      for (const text of tokensWithCommas(line.text, python)) removedRaw.push({ text, line: headLine, moved });
    } else if (line.newLine !== undefined) {
      headLine = line.newLine + 1;
      lastHeadLine = line.newLine;
      if (line.kind === "add")
        for (const text of tokensWithCommas(line.text, python)) addedRaw.push({ text, line: line.newLine });
    }
  }
  const removed = comparable(removedRaw, python);
  const added = comparable(addedRaw, python);
  const clamp = (line: number) => Math.min(line, lastHeadLine);
  const parts =
    removed.length + added.length <= MAX_TOKENS
      ? diffArrays(
          removed.map((t) => t.text),
          added.map((t) => t.text),
          { maxEditLength: MAX_EDIT },
        )
      : undefined;
  if (!parts) {
    compareLines(hunk, python, result, clamp, movedAway);
    return;
  }
  let r = 0;
  let a = 0;
  for (const part of parts) {
    if (part.added) {
      for (let i = 0; i < part.count; i++) result.changed.add((added[a + i] as Token).line);
      a += part.count;
    } else if (part.removed) {
      for (let i = 0; i < part.count; i++) {
        const token = removed[r + i] as Token;
        if (!token.moved) result.deletedAt.add(clamp(token.line));
      }
      r += part.count;
    } else {
      a += part.count;
      r += part.count;
    }
  }
}

/**
 * A hunk too large or too rewritten to compare token by token (a 100-line rewrite around reformatted lines):
 * compared line by line instead, each added line against the deleted lines it equals as tokens. A reformatted
 * line (quotes, spacing, a trailing comma) is matched to its old self; a line wrapped differently, or anything
 * new, counts as changed.
 */
function compareLines(
  hunk: Hunk,
  python: boolean,
  result: RealChanges,
  clamp: (line: number) => number,
  movedAway?: ReadonlySet<number>,
): void {
  const key = (text: string) => tokenize(text, python).join(" ");
  // Each key's deleted lines, and how many of them added lines have matched (a counter: shift() is linear).
  const unmatched = new Map<string, { deleted: Array<{ line: number; moved: boolean }>; matched: number }>();
  let headLine = hunk.newStart;
  // A blank or comment-only line has no tokens: as in the token comparison, it neither adds nor deletes code.
  for (const line of hunk.lines) {
    if (line.kind === "del") {
      const deleted = key(line.text);
      if (deleted === "") continue;
      const moved = line.oldLine !== undefined && movedAway?.has(line.oldLine) === true;
      const same = unmatched.get(deleted) ?? { deleted: [], matched: 0 };
      same.deleted.push({ line: headLine, moved });
      unmatched.set(deleted, same);
    } else if (line.newLine !== undefined) headLine = line.newLine + 1;
  }
  for (const line of hunk.lines) {
    if (line.kind !== "add" || line.newLine === undefined) continue;
    const added = key(line.text);
    if (added === "") continue;
    const same = unmatched.get(added);
    if (same && same.matched < same.deleted.length) same.matched++;
    else result.changed.add(line.newLine);
  }
  for (const { deleted, matched } of unmatched.values())
    for (const { line, moved } of deleted.slice(matched)) if (!moved) result.deletedAt.add(clamp(line));
}

const PYTHON_TOKEN = /[rbfuRBFU]{0,2}("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|#.*$|\w+|[^\s\w]/g;
const OTHER_TOKEN = /"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\w+|[^\s\w]/g;

/**
 * Code tokens of one line with formatting removed: quotes normalised to `"`, commas dropped (trailing
 * commas and wrapping), Python comments dropped.
 */
export function tokenize(line: string, python: boolean): string[] {
  return tokensWithCommas(line, python).filter((token) => token !== ",");
}

/** As tokenize, with the commas kept: a format call's arguments are split at them. */
export function tokensWithCommas(line: string, python: boolean): string[] {
  // A minified or generated line is compared whole: tokenizing it would cost more than it tells.
  if (line.length > MAX_LINE) return [line.replace(/\s+/g, "")];
  const tokens: string[] = [];
  for (const match of line.matchAll(python ? PYTHON_TOKEN : OTHER_TOKEN)) {
    const token = match[0];
    if (python && token.startsWith("#")) continue;
    tokens.push(isQuoted(token) ? normaliseQuotes(token) : token);
  }
  return tokens;
}

/**
 * One side's tokens as compared: format calls read as the f-strings they print and adjacent literals read as the
 * one string Python makes of them (Python), then commas dropped.
 */
function comparable(tokens: Token[], python: boolean): Token[] {
  return (python ? joinAdjacentStrings(asFStrings(tokens)) : tokens).filter((t) => t.text !== ",");
}

/**
 * `"inclusive " "and diverse"` is the string `"inclusive and diverse"`: a formatter merging implicitly concatenated
 * literals (or splitting one) changes no value. Literals of the same kind (prefix) are merged; bytes stay apart.
 */
function joinAdjacentStrings(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out.at(-1);
    const kind = literalKind(token.text);
    if (last && kind !== undefined && !kind.includes("b") && literalKind(last.text) === kind) {
      out[out.length - 1] = { ...last, text: `${last.text.slice(0, -1)}${token.text.slice(kind.length + 1)}` };
    } else out.push(token);
  }
  return out;
}

/** The prefix of a normalised string literal (`f`, `r`, ``), or undefined for any other token. */
function literalKind(text: string): string | undefined {
  return isQuoted(text) ? (/^[a-z]*/.exec(text)?.[0] ?? "") : undefined;
}

function normaliseQuotes(token: string): string {
  const prefix = /^[rbfuRBFU]*/.exec(token)?.[0] ?? "";
  let body = token.slice(prefix.length + 1, -1);
  if (/f/i.test(prefix)) body = body.replace(/\{([^{}]*)\}/g, (_, field: string) => `{${replacementField(field)}}`);
  return `${prefix.toLowerCase()}"${body.replace(/\\'/g, "'").replace(/(?<!\\)"/g, '\\"')}"`;
}
