import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import YAML from "yaml";
import { type ConfigResult, parseRepoConfig } from "../config/schema.js";
import type { DiffFile } from "../diff/types.js";

/** The diff to review: a patch file, standard input (`-`), or the working tree against a base. */
export function readDiff(options: { patch?: string; base?: string; root: string }): { diff: string; against: string } {
  if (options.patch === "-") return { diff: readFileSync(0, "utf8"), against: "standard input" };
  if (options.patch) return { diff: readFileSync(resolve(options.patch), "utf8"), against: options.patch };
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
export function readContents(root: string, files: DiffFile[], extraPaths: string[]): { heads: Map<string, string>; related: Map<string, string> } {
  const heads = new Map<string, string>();
  for (const file of files) heads.set(file.path, readText(root, file.path) ?? fromHunks(file));
  const related = new Map<string, string>();
  for (const path of extraPaths) {
    const text = readText(root, path);
    if (text !== undefined) related.set(path, text);
  }
  return { heads, related };
}

function readText(root: string, path: string): string | undefined {
  const full = join(root, path);
  if (!existsSync(full) || !statSync(full).isFile() || statSync(full).size > MAX_BYTES) return undefined;
  const bytes = readFileSync(full);
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
}

function fromHunks(file: DiffFile): string {
  const lines: string[] = [];
  for (const hunk of file.hunks) for (const line of hunk.lines) if (line.newLine !== undefined) lines[line.newLine - 1] = line.text;
  return Array.from(lines, (l) => l ?? "").join("\n");
}

/** `.github/django-review.yml` in the project, validated like the app's. */
export function readLocalConfig(root: string, path?: string): ConfigResult {
  const file = path ? resolve(path) : join(root, ".github", "django-review.yml");
  if (!existsSync(file)) return parseRepoConfig(undefined);
  try {
    return parseRepoConfig(YAML.parse(readFileSync(file, "utf8"), { logLevel: "error" }) ?? undefined);
  } catch (error) {
    return { ...parseRepoConfig(undefined), problems: [`${file} is not valid YAML (${(error as Error).message.split("\n")[0]})`] };
  }
}
