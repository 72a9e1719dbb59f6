import { structuredPatch } from "diff";
import { z } from "zod";

/**
 * Builds an `eval:checks` corpus case (case.json, change.diff, head/) from its annotated source: the
 * head of each changed file with its expectations written at the end of the lines they are about.
 *
 *   `#!+`          the line was added by the change
 *   `#!E:category` a finding of this category is expected here (the line counts as added unless `=`)
 *   `#!N`          a look-alike that must not be flagged (added unless `=`)
 *   `#!O`          a finding here is optional (added unless `=`)
 *   `#!=`          the line is unchanged (overrides the implied `+`)
 *   `-- reason`    after the flags: why (written into case.json)
 *
 * Templates use `{#!E:category -- reason#}`. Pure: text in, files out (see scripts/build-corpus.ts).
 */

/** case.json of a source case: which files of its tree the change touches, and how. */
export const SourceCase = z.strictObject({
  changed: z.array(
    z.strictObject({
      path: z.string().min(1),
      /** Added by the change (every line is new). */
      new: z.boolean().optional(),
      /** Lines only the base had, each placed after the given head line (0: at the top). */
      removed: z.array(z.strictObject({ after: z.number().int().nonnegative(), text: z.string() })).optional(),
    }),
  ),
});
export type SourceCase = z.infer<typeof SourceCase>;

interface Annotation {
  kind: "expected" | "must_not_flag" | "optional";
  line: number;
  category?: string;
  reason: string;
}

const MARK = /\s*(?:#!|\{#!)([^#}]*)(?:#\})?\s*$/;

/** The head without its annotations, the lines the change added, and the expectations. */
export function readAnnotations(annotated: string): { lines: string[]; added: Set<number>; entries: Annotation[] } {
  const lines: string[] = [];
  const added = new Set<number>();
  const entries: Annotation[] = [];
  annotated
    .replace(/\n+$/, "")
    .split("\n")
    .forEach((raw, index) => {
      const line = index + 1;
      const mark = MARK.exec(raw);
      if (!mark) {
        lines.push(raw);
        return;
      }
      lines.push(raw.slice(0, mark.index));
      const [spec = "", ...why] = (mark[1] ?? "").split(" -- ");
      const reason = why.join(" -- ").trim();
      const flags = spec.split(/\s+/).filter(Boolean);
      for (const flag of flags) {
        if (flag === "+") added.add(line);
        else if (flag.startsWith("E:")) entries.push({ kind: "expected", line, category: flag.slice(2), reason });
        else if (flag === "N") entries.push({ kind: "must_not_flag", line, reason });
        else if (flag === "O") entries.push({ kind: "optional", line, reason });
      }
      const expects = flags.some((f) => /^(E:|N|O)/.test(f));
      if (expects && !flags.includes("=")) added.add(line);
    });
  return { lines, added, entries };
}

/** The files of the built case, keyed by their path inside the case folder. */
export function buildCase(id: string, source: SourceCase, tree: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const diffs: string[] = [];
  const caseJson = {
    id,
    files: [] as string[],
    expected: [] as object[],
    optional: [] as object[],
    must_not_flag: [] as object[],
  };
  const changedPaths = new Set(source.changed.map((c) => c.path));
  for (const change of source.changed) {
    const annotated = tree.get(change.path);
    if (annotated === undefined)
      throw new Error(`corpus case ${id}: ${change.path} is listed as changed but is not in tree/`);
    const { lines, added: marked, entries } = readAnnotations(annotated);
    const added = change.new ? new Set(lines.map((_, i) => i + 1)) : marked;
    const base = lines.filter((_, i) => !added.has(i + 1));
    for (const { after, text } of change.removed ?? []) {
      // Placed after the base counterpart of head line `after`.
      const keptBefore = Array.from({ length: after }, (_, i) => i + 1).filter((n) => !added.has(n)).length;
      base.splice(keptBefore, 0, text);
    }
    out.set(`head/${change.path}`, `${lines.join("\n")}\n`);
    caseJson.files.push(change.path);
    diffs.push(fileDiff(change.path, change.new ? undefined : `${base.join("\n")}\n`, `${lines.join("\n")}\n`));
    for (const entry of entries)
      caseJson[entry.kind].push({
        file: change.path,
        lines: [entry.line],
        ...(entry.category ? { category: entry.category } : {}),
        reason: entry.reason || (entry.kind === "must_not_flag" ? "a look-alike that is fine" : "defensible"),
      });
  }
  for (const [path, text] of tree)
    if (!changedPaths.has(path)) out.set(`head/${path}`, `${text.replace(/\n+$/, "")}\n`);
  out.set("change.diff", diffs.join(""));
  out.set("case.json", `${JSON.stringify(caseJson, null, 2)}\n`);
  return out;
}

/** A git-style diff of one file; `base` undefined for a new file. */
function fileDiff(path: string, base: string | undefined, head: string): string {
  const header =
    base === undefined
      ? [`diff --git a/${path} b/${path}`, "new file mode 100644", "index 0000000..1111111", "--- /dev/null"]
      : [`diff --git a/${path} b/${path}`, "index 1111111..2222222 100644", `--- a/${path}`];
  const patch = structuredPatch(path, path, base ?? "", head, "", "", { context: 3 });
  const hunks = patch.hunks.flatMap((h) => [
    // An empty side starts at line 0 in a unified diff header.
    `@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} ` +
      `+${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`,
    ...h.lines,
  ]);
  return `${[...header, `+++ b/${path}`, ...hunks].join("\n")}\n`;
}
