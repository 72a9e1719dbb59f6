import { parseChangedFile } from "../../src/diff/parse.js";

/**
 * A modified file as the PR changes it: its head is `head`, the 1-based `changed` lines were added, and
 * a line was deleted just before each of `deletedBefore`.
 */
export function modifiedFile(path: string, head: string, changed: number[], deletedBefore: number[] = []) {
  const lines = head.split("\n");
  const patch = [`@@ -1,${lines.length - changed.length + deletedBefore.length} +1,${lines.length} @@`];
  for (const [i, line] of lines.entries()) {
    if (deletedBefore.includes(i + 1)) patch.push("-removed = 1");
    patch.push(`${changed.includes(i + 1) ? "+" : " "}${line}`);
  }
  return parseChangedFile({
    path,
    status: "modified",
    additions: changed.length,
    deletions: 0,
    patch: patch.join("\n"),
  });
}
