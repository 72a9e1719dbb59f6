import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConfigText } from "../config/from-text.js";
import { type ConfigResult, parseRepoConfig } from "../config/schema.js";
import type { DiffFile } from "../diff/types.js";

/** Reads a project file at the reviewed state; undefined when it is absent, too large or binary. */
export type ReadText = (path: string) => string | undefined;

/**
 * The diff to review: a patch file, standard input (`-`), one commit against its first parent, or the
 * working tree against a base.
 */
export function readDiff(options: { patch?: string; base?: string; commit?: string; revert?: string; root: string }): { diff: string; against: string } {
  if (options.patch === "-") return { diff: readFileSync(0, "utf8"), against: "standard input" };
  if (options.patch) return { diff: readFileSync(resolve(options.patch), "utf8"), against: options.patch };
  if (options.commit) {
    const parent = git(options.root, ["rev-parse", "--verify", "--quiet", `${options.commit}^1`]).trim();
    const diff = git(options.root, ["diff", "--no-color", "--no-ext-diff", "-M", "--unified=3", parent, options.commit]);
    return { diff, against: parent };
  }
  if (options.revert) {
    // The undoing change: from the commit back to its parent; `against` names the parent, whose files are read.
    const parent = git(options.root, ["rev-parse", "--verify", "--quiet", `${options.revert}^1`]).trim();
    const diff = git(options.root, ["diff", "--no-color", "--no-ext-diff", "-M", "--unified=3", options.revert, parent]);
    return { diff, against: parent };
  }
  const base = options.base ?? defaultBase(options.root);
  const diff = git(options.root, ["diff", "--no-color", "--no-ext-diff", "-M", "--unified=3", base]);
  return { diff, against: base };
}

/** The merge base with the default branch (origin's HEAD, else main/master). */
function defaultBase(root: string): string {
  for (const candidate of ["origin/HEAD", "origin/main", "origin/master", "main", "master"]) {
    try {
      return git(root, ["merge-base", "HEAD", candidate]).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error("django-review: no base branch found; pass --base REF (e.g. --base origin/main) or --patch FILE");
}

function git(root: string, args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** Largest file read for context, as in the app. */
const MAX_BYTES = 1_000_000;

/**
 * Head contents from the working tree; for a path that is not there (a patch from elsewhere), the
 * file as far as the diff shows it (its added and context lines in place).
 */
export function readContents(read: ReadText, files: DiffFile[], extraPaths: string[]): { heads: Map<string, string>; related: Map<string, string> } {
  const heads = new Map<string, string>();
  for (const file of files) heads.set(file.path, read(file.path) ?? fromHunks(file));
  const related = new Map<string, string>();
  for (const path of extraPaths) {
    const text = read(path);
    if (text !== undefined) related.set(path, text);
  }
  return { heads, related };
}

/** Files as they are in the working tree under `root`. */
export function workingTreeReader(root: string): ReadText {
  return (path) => {
    const full = join(root, path);
    if (!existsSync(full) || !statSync(full).isFile() || statSync(full).size > MAX_BYTES) return undefined;
    return textOf(readFileSync(full));
  };
}

/** Files as they are in `commit` of the repository at `root` (bare mirrors too): nothing is checked out. */
export function commitReader(root: string, commit: string): ReadText {
  let listed: Set<string> | undefined;
  return (path) => {
    // One listing of the commit's tree, so that absent candidates (settings guesses) cost no git call.
    listed ??= new Set(git(root, ["ls-tree", "-r", "--name-only", "-z", commit]).split("\0"));
    if (!listed.has(path)) return undefined;
    let bytes: Buffer;
    try {
      bytes = execFileSync("git", ["cat-file", "blob", `${commit}:${path}`], { cwd: root, maxBuffer: MAX_BYTES + 1, stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      return undefined; // absent at that commit, or larger than MAX_BYTES
    }
    return bytes.length > MAX_BYTES ? undefined : textOf(bytes);
  };
}

function textOf(bytes: Buffer): string | undefined {
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
}

function fromHunks(file: DiffFile): string {
  const lines: string[] = [];
  for (const hunk of file.hunks) for (const line of hunk.lines) if (line.newLine !== undefined) lines[line.newLine - 1] = line.text;
  return Array.from(lines, (l) => l ?? "").join("\n");
}

/** `.github/django-review.yml` in the project (or the file `--config` names), validated like the app's. */
export function readLocalConfig(read: ReadText, path?: string): ConfigResult {
  const name = path ? resolve(path) : ".github/django-review.yml";
  const text = path ? (existsSync(name) ? readFileSync(name, "utf8") : undefined) : read(name);
  if (text === undefined) return path ? { ...parseRepoConfig(undefined), problems: [`${name} does not exist`] } : parseRepoConfig(undefined);
  return parseConfigText(text, name);
}
