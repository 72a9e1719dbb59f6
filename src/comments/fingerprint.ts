import { createHash } from "node:crypto";
import type { DiffFile } from "../diff/types.js";

/**
 * Identifies a finding across pushes: same file, same code (whitespace-insensitive), same issue
 * (rule id, or "model"). Line numbers are left out, so a finding that only moved is still the same.
 */
export function fingerprint(path: string, issue: string, code: string): string {
  const normalized = code.replace(/\s+/g, " ").trim();
  return createHash("sha256")
    .update(`${field(path)}\n${field(issue)}\n${normalized}`)
    .digest("hex")
    .slice(0, 20);
}

/**
 * A part kept on its own line: a file name may hold a newline (a hostile one could otherwise pass
 * for another file's finding). Names without one hash as before, so posted fingerprints still match.
 */
function field(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** The text of every diff line, keyed `path:SIDE:line`. */
export function diffLineTexts(files: DiffFile[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const file of files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.newLine !== undefined) texts.set(`${file.path}:RIGHT:${line.newLine}`, line.text);
        if (line.oldLine !== undefined) texts.set(`${file.path}:LEFT:${line.oldLine}`, line.text);
      }
    }
  }
  return texts;
}
