import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConfigText } from "../config/from-text.js";
import { type ConfigResult, parseRepoConfig } from "../config/schema.js";
import type { DiffFile } from "../diff/types.js";
import type { FileText, ProjectFiles } from "../lookup/answer.js";

/**
 * Reads a project file at the reviewed state; undefined when it is absent, too large or binary. Readers
 * over git objects also read many files in one `git cat-file --batch` (`many`), as the index does.
 */
export type ReadText = ((path: string) => string | undefined) & {
  many?: (paths: string[]) => Map<string, string>;
};

/** What the CLI reviews: the diff, the base it was taken against, and what that comparison was. */
export interface LocalDiff {
  diff: string;
  /** The commit whose files are read for `--revert` (the fix's parent); the base otherwise. */
  against: string;
  /** In words, for the output: "the working tree against main (merge base 1a2b3c4)". */
  compared: string;
  /** Files not yet known to git, reviewed as new files (working-tree reviews only). */
  untracked: string[];
}

export interface DiffOptions {
  patch?: string;
  base?: string;
  commit?: string;
  revert?: string;
  staged?: boolean;
  root: string;
}

/**
 * The diff to review: a patch file, standard input (`-`), one commit against its first parent, the
 * staged changes (pre-commit), or the working tree — untracked files included — against a base.
 */
export function readDiff(options: DiffOptions): LocalDiff {
  const none: string[] = [];
  if (options.patch === "-")
    return {
      diff: readFileSync(0, "utf8"),
      against: "standard input",
      compared: "the patch on standard input",
      untracked: none,
    };
  if (options.patch)
    return {
      diff: readFileSync(resolve(options.patch), "utf8"),
      against: options.patch,
      compared: `the patch ${options.patch}`,
      untracked: none,
    };
  if (options.commit) {
    const parent = git(options.root, ["rev-parse", "--verify", "--quiet", `${options.commit}^1`]).trim();
    const diff = git(options.root, ["diff", ...DIFF_FLAGS, parent, options.commit]);
    return {
      diff,
      against: parent,
      compared: `${options.commit} against its parent ${parent.slice(0, 7)}`,
      untracked: none,
    };
  }
  if (options.revert) {
    // The undoing change: from the commit back to its parent; `against` names the parent, whose files are read.
    const parent = git(options.root, ["rev-parse", "--verify", "--quiet", `${options.revert}^1`]).trim();
    const diff = git(options.root, ["diff", ...DIFF_FLAGS, options.revert, parent]);
    return {
      diff,
      against: parent,
      compared: `the change that undoes ${options.revert} (back to ${parent.slice(0, 7)})`,
      untracked: none,
    };
  }
  if (options.staged) {
    const head = hasHead(options.root) ? "HEAD" : EMPTY_TREE;
    return {
      diff: git(options.root, ["diff", "--cached", ...DIFF_FLAGS, head]),
      against: head,
      compared: "the staged changes against HEAD",
      untracked: none,
    };
  }
  const base = options.base ?? defaultBase(options.root);
  const untracked = untrackedFiles(options.root);
  const diff = [
    git(options.root, ["diff", ...DIFF_FLAGS, base]),
    ...untracked.map((path) => newFileDiff(options.root, path)),
  ].join("");
  const compared = options.base
    ? `the working tree against ${options.base}`
    : `the working tree against the default branch (merge base ${base.slice(0, 7)})`;
  return { diff, against: base, compared, untracked };
}

const DIFF_FLAGS = ["--no-color", "--no-ext-diff", "-M", "--unified=3"];

/** git's empty tree: the base of a repository's first commit. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** Untracked files worth reviewing: not ignored, within the size limit; a runaway count is cut. */
const MAX_UNTRACKED = 200;

function untrackedFiles(root: string): string[] {
  const listed = git(root, ["ls-files", "--others", "--exclude-standard", "-z"]).split("\0").filter(Boolean);
  return listed.filter((path) => statSync(join(root, path)).size <= MAX_BYTES).slice(0, MAX_UNTRACKED);
}

/** A new file's diff, as `git add` then `git diff` would give it (git exits 1 when the files differ). */
function newFileDiff(root: string, path: string): string {
  const out = spawnSync("git", ["diff", "--no-index", ...DIFF_FLAGS, "--", "/dev/null", path], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 4 * MAX_BYTES,
  });
  return out.status === 1 ? out.stdout : "";
}

function hasHead(root: string): boolean {
  return spawnSync("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: root }).status === 0;
}

/** The merge base with the default branch (origin's HEAD, else main/master). */
function defaultBase(root: string): string {
  for (const candidate of ["origin/HEAD", "origin/main", "origin/master", "main", "master"]) {
    try {
      return git(root, ["merge-base", "HEAD", candidate]).trim();
    } catch (error) {
      if (error instanceof NotARepository) throw error;
      // try the next name
    }
  }
  throw new Error(
    "no base branch found (origin/HEAD, main or master); pass --base REF (e.g. --base origin/main), --staged or " +
      "--patch FILE",
  );
}

/** Said once, plainly, instead of git's own message. */
export class NotARepository extends Error {
  constructor(root: string) {
    super(`${root} is not a git repository: run django-review inside one, or review a patch with --patch FILE`);
  }
}

function git(root: string, args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    if (/not a git repository/i.test(String((error as { stderr?: unknown }).stderr ?? "")))
      throw new NotARepository(root);
    throw error;
  }
}

/** Largest file read for context, as in the app. */
const MAX_BYTES = 1_000_000;

/**
 * Head contents from the working tree; for a path that is not there (a patch from elsewhere), the
 * file as far as the diff shows it (its added and context lines in place).
 */
export function readContents(
  read: ReadText,
  files: DiffFile[],
  extraPaths: string[],
): { heads: Map<string, string>; related: Map<string, string> } {
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

/** Files as they are staged (the index): what the commit being made will hold. */
export function indexReader(root: string): ReadText {
  const read: ReadText = (path) => readBlob(root, `:${path}`);
  read.many = (paths) => readBlobs(root, paths, (path) => `:${path}`);
  return read;
}

/** Files as they are in `commit` of the repository at `root` (bare mirrors too): nothing is checked out. */
export function commitReader(root: string, commit: string): ReadText {
  let listed: Set<string> | undefined;
  // One listing of the commit's tree, so that absent candidates (settings guesses) cost no git call.
  const known = () => (listed ??= new Set(git(root, ["ls-tree", "-r", "--name-only", "-z", commit]).split("\0")));
  const read: ReadText = (path) => (known().has(path) ? readBlob(root, `${commit}:${path}`) : undefined);
  read.many = (paths) =>
    readBlobs(
      root,
      paths.filter((p) => known().has(p)),
      (path) => `${commit}:${path}`,
    );
  return read;
}

/**
 * A blob by git's name for it (`:path` in the index, `rev:path` in a commit); undefined if absent, too large or
 * binary.
 */
function readBlob(root: string, object: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = execFileSync("git", ["cat-file", "blob", object], {
      cwd: root,
      maxBuffer: MAX_BYTES + 1,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined; // absent there, or larger than MAX_BYTES
  }
  return bytes.length > MAX_BYTES ? undefined : textOf(bytes);
}

/**
 * Many blobs in one `git cat-file --batch`: each answer is "<sha> blob <size>\n<bytes>\n", or
 * "<name> missing\n". Too large or binary blobs are left out, as readBlob leaves them.
 */
function readBlobs(root: string, paths: string[], name: (path: string) => string): Map<string, string> {
  const texts = new Map<string, string>();
  if (paths.length === 0) return texts;
  const wanted = paths.filter((p) => !p.includes("\n"));
  const out = execFileSync("git", ["cat-file", "--batch"], {
    cwd: root,
    input: wanted.map((p) => `${name(p)}\n`).join(""),
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["pipe", "pipe", "ignore"],
  });
  let at = 0;
  for (const path of wanted) {
    const end = out.indexOf(10, at);
    if (end < 0) break;
    const header = out.subarray(at, end).toString("utf8");
    at = end + 1;
    const size = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!size) continue; // missing
    const bytes = out.subarray(at, at + Number(size[2]));
    at += Number(size[2]) + 1;
    const text = size[1] === "blob" && bytes.length <= MAX_BYTES ? textOf(bytes) : undefined;
    if (text !== undefined) texts.set(path, text);
  }
  return texts;
}

function textOf(bytes: Buffer): string | undefined {
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
}

function fromHunks(file: DiffFile): string {
  const lines: string[] = [];
  for (const hunk of file.hunks)
    for (const line of hunk.lines) if (line.newLine !== undefined) lines[line.newLine - 1] = line.text;
  return Array.from(lines, (l) => l ?? "").join("\n");
}

/** `.github/django-review.yml` in the project (or the file `--config` names), validated like the app's. */
export function readLocalConfig(read: ReadText, path?: string): ConfigResult {
  const name = path ? resolve(path) : ".github/django-review.yml";
  const text = path ? (existsSync(name) ? readFileSync(name, "utf8") : undefined) : read(name);
  if (text === undefined)
    return path ? { ...parseRepoConfig(undefined), problems: [`${name} does not exist`] } : parseRepoConfig(undefined);
  return parseConfigText(text, name);
}

/**
 * The project as the model's lookups read it locally: the files git knows at the reviewed state (a
 * commit's tree, the index, or the working tree with untracked files that are not ignored), read
 * with `read`. Outside a git repository nothing is listed, and files are still read by path.
 */
export function localProjectFiles(
  root: string,
  read: ReadText,
  at: { commit?: string; staged?: boolean },
): ProjectFiles {
  let listing: string[] | undefined;
  return {
    async list() {
      listing ??= listTracked(root, at);
      return listing;
    },
    async read(paths) {
      return new Map(
        paths.map((path): [string, FileText] => {
          const text = read(path);
          return [
            path,
            text === undefined
              ? { ok: false, reason: "does not exist here, or is binary or over 1 MB" }
              : { ok: true, text },
          ];
        }),
      );
    },
  };
}

function listTracked(root: string, at: { commit?: string; staged?: boolean }): string[] {
  const args = at.commit
    ? ["ls-tree", "-r", "--name-only", "-z", at.commit]
    : at.staged
      ? ["ls-files", "-z"]
      : ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  try {
    return git(root, args).split("\0").filter(Boolean);
  } catch {
    return [];
  }
}
