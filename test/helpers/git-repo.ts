import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface GitRepo {
  repo: string;
  git: (...args: string[]) => void;
  write: (path: string, text: string) => void;
}

/** A scratch git repository: `files` committed on `main`, then a branch `feature` checked out. */
export function gitRepo(files: Record<string, string>, prefix = "dr-repo-"): GitRepo {
  const repo = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  for (const [path, text] of Object.entries(files)) write(path, text);
  git("add", ".");
  git("commit", "-qm", "base");
  git("checkout", "-qb", "feature");
  return { repo, git, write };
}
