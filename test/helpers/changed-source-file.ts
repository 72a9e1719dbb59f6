import { createTwoFilesPatch } from "diff";
import { changesFromDiffFiles, sourceFiles } from "../../src/checks/diff-files.js";
import type { SourceFile } from "../../src/checks/source.js";
import { parseUnifiedDiff } from "../../src/diff/parse.js";

/**
 * The SourceFile the checks get for a file changed from `before` to `after`: the unified diff git would show,
 * read by the product's own diff parser and change facts (deleted lines placed, moves and reformats told apart).
 */
export function changedSourceFile(path: string, before: string, after: string): SourceFile {
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, "", "", { context: 3 });
  const diff = `diff --git a/${path} b/${path}\n${patch.split("\n").slice(1).join("\n")}`;
  const changes = changesFromDiffFiles(parseUnifiedDiff(diff));
  const [file] = sourceFiles(new Map([[path, after]]), changes).changed;
  if (!file) throw new Error(`no change in ${path}`);
  return file;
}
