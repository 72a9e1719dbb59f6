import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * `owner/name` -> git directory, for every repository below `root`: bare mirrors as the workplace's
 * `fetch` brings them (`owner+name/repo`) or ordinary clones (`owner+name/.git`).
 */
export function discoverRepos(root: string): Map<string, string> {
  const repos = new Map<string, string>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const name = entry.name.replace("+", "/");
    for (const candidate of [join(root, entry.name, "repo"), join(root, entry.name)]) {
      if (existsSync(join(candidate, "HEAD")) || existsSync(join(candidate, ".git"))) {
        repos.set(name, candidate);
        break;
      }
    }
  }
  return repos;
}
