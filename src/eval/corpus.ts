import { CATEGORIES } from "../vocabulary.js";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { buildCase, SourceCase } from "./corpus-build.js";
import type { CorpusCase } from "./score.js";

const Entry = z.object({
  file: z.string(),
  lines: z.array(z.number().int()),
  category: z.enum(CATEGORIES).optional(),
  reason: z.string().optional(),
});

const CaseFile = z.object({
  id: z.string().optional(),
  files: z.array(z.string()).optional(),
  expected: z.array(Entry).default([]),
  optional: z.array(Entry).default([]),
  must_not_flag: z.array(Entry).default([]),
});

export interface LoadedCase extends CorpusCase {
  diff: string;
  /** head/<path> contents keyed by path. */
  head: Map<string, string>;
}

/** Reads every case folder of a corpus (format: shared/corpus-format.md). */
export function loadCorpus(dir: string): LoadedCase[] {
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "case.json")))
    .sort()
    .map((name) => loadCase(join(dir, name), name));
}

function loadCase(dir: string, name: string): LoadedCase {
  const parsed = CaseFile.safeParse(JSON.parse(readFileSync(join(dir, "case.json"), "utf8")));
  if (!parsed.success)
    throw new Error(
      `eval:checks: ${name}/case.json is invalid: ${parsed.error.issues[0]?.path.join(".")}: ` +
        `${parsed.error.issues[0]?.message}`,
    );
  const data = parsed.data;
  const head = new Map<string, string>();
  const headDir = join(dir, "head");
  if (existsSync(headDir))
    for (const file of walk(headDir))
      head.set(relative(headDir, file).split("\\").join("/"), readFileSync(file, "utf8"));
  const diffPath = join(dir, "change.diff");
  return {
    id: data.id ?? name,
    expected: data.expected,
    optional: data.optional,
    mustNotFlag: data.must_not_flag,
    diff: existsSync(diffPath) ? readFileSync(diffPath, "utf8") : "",
    head,
  };
}

/** Every file below `dir`, at any depth. */
export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * The built corpus from its annotated source (`test/corpus-src/<topic>/<case>/`: case.json and tree/),
 * as the files of each case keyed `<case>/<path>`: what `npm run corpus:build` writes.
 */
export function buildCorpusFromSource(sourceDir: string): Map<string, string> {
  const built = new Map<string, string>();
  for (const topic of readdirSync(sourceDir).sort()) {
    if (!statSync(join(sourceDir, topic)).isDirectory()) continue;
    for (const id of readdirSync(join(sourceDir, topic)).sort()) {
      const dir = join(sourceDir, topic, id);
      if (built.has(`${id}/case.json`)) throw new Error(`corpus:build: case ${id} appears in two topics`);
      const parsed = SourceCase.safeParse(JSON.parse(readFileSync(join(dir, "case.json"), "utf8")));
      if (!parsed.success)
        throw new Error(`corpus:build: ${topic}/${id}/case.json is invalid: ${z.prettifyError(parsed.error)}`);
      const treeDir = join(dir, "tree");
      const tree = new Map(
        walk(treeDir).map((file) => [relative(treeDir, file).split("\\").join("/"), readFileSync(file, "utf8")]),
      );
      for (const [path, text] of buildCase(id, parsed.data, tree)) built.set(`${id}/${path}`, text);
    }
  }
  return built;
}
