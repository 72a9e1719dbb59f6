/**
 * `npm run corpus:build`: writes test/corpus/ (what `eval:checks` reads) from its annotated source in
 * test/corpus-src/<topic>/<case>/ — add a case there, run this, commit both. A test checks that the
 * corpus on disk is what this writes.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorpusFromSource } from "../src/eval/corpus.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const [source = join(root, "test/corpus-src"), target = join(root, "test/corpus")] = process.argv.slice(2);
const built = buildCorpusFromSource(source);
rmSync(target, { recursive: true, force: true });
for (const [path, text] of built) {
  mkdirSync(dirname(join(target, path)), { recursive: true });
  writeFileSync(join(target, path), text);
}
const cases = new Set([...built.keys()].map((p) => p.split("/")[0])).size;
console.log(`corpus:build: ${cases} cases written to ${target}`);
