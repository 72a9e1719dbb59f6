import { estimateTokens } from "./estimate.js";

export interface Definition {
  name: string;
  path: string;
  source: string;
}

/** Top-level `class Name(...)` blocks of a Python file, by name. */
export function classDefinitions(path: string, text: string): Definition[] {
  const lines = text.split(/\r?\n/);
  const found: Definition[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^class\s+([A-Za-z_]\w*)\s*[(:]/.exec(lines[i] ?? "");
    if (!match) continue;
    let start = i;
    while (start > 0 && /^@/.test(lines[start - 1] ?? "")) start--; // decorators belong to the class
    let end = i + 1;
    while (end < lines.length && (/^\s/.test(lines[end] ?? "") || (lines[end] ?? "").trim() === "")) end++;
    found.push({ name: match[1] as string, path, source: lines.slice(start, end).join("\n").trimEnd() });
    i = end - 1;
  }
  return found;
}

/** Class names a file uses in ways a Django reviewer would want defined: querysets, serializers, models. */
export function referencedClassNames(text: string): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /\b([A-Z]\w*)\.(?:objects|_default_manager|DoesNotExist)\b/g,
    /\bmodel\s*=\s*([A-Z]\w*)\b/g,
    /\bserializer_class\s*=\s*([A-Z]\w*)\b/g,
    /\b([A-Z]\w*Serializer)\(/g,
    /get_object_or_404\(\s*([A-Z]\w*)/g,
    /\b(?:ForeignKey|OneToOneField|ManyToManyField)\(\s*["']?([A-Z]\w*)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) names.add(m[1] as string);
  for (const m of text.matchAll(/^from\s+[\w.]*models\s+import\s+\(?([^)\n]+)/gm)) {
    for (const name of (m[1] ?? "").split(",")) if (/^[A-Z]\w*$/.test(name.trim())) names.add(name.trim());
  }
  return names;
}

/** Every top-level class of a review's Python files, cut once and shared by all its model calls. */
export class DefinitionIndex {
  readonly all: Definition[];
  private readonly byPath = new Map<string, Definition[]>();

  constructor(readonly texts: Map<string, string>) {
    for (const [path, text] of texts) if (path.endsWith(".py")) this.byPath.set(path, classDefinitions(path, text));
    this.all = [...this.byPath.values()].flat();
  }

  of(path: string): Definition[] {
    return this.byPath.get(path) ?? [];
  }
}

/**
 * Definitions a chunk's files depend on but do not contain: the models a changed view or serializer
 * queries, and for a changed model, the serializers/admin/forms elsewhere in the PR that use it.
 * Smallest first, until `maxTokens`.
 */
export function relatedDefinitions(
  chunkPaths: string[],
  index: DefinitionIndex,
  prPaths: Set<string>,
  maxTokens: number,
): Definition[] {
  const inChunk = new Set(chunkPaths);
  const byName = new Map<string, Definition>();
  for (const d of index.all) if (!byName.has(d.name) || !inChunk.has(d.path)) byName.set(d.name, d);

  const wanted = new Map<string, Definition>();
  for (const path of chunkPaths) {
    const text = index.texts.get(path);
    if (!text || !path.endsWith(".py")) continue;
    for (const name of referencedClassNames(text)) {
      const d = byName.get(name);
      if (d && !inChunk.has(d.path)) wanted.set(`${d.path}:${d.name}`, d);
    }
    // A changed model: show the PR's other code that uses it.
    for (const model of index.of(path).filter((d) => /^class .*\bModel\)/m.test(d.source))) {
      for (const d of index.all) {
        if (inChunk.has(d.path) || !prPaths.has(d.path)) continue;
        if (new RegExp(`\\b${model.name}\\b`).test(d.source)) wanted.set(`${d.path}:${d.name}`, d);
      }
    }
  }
  // One hop further: the models those definitions point to (an FK's target, a serializer's model).
  for (const d of [...wanted.values()]) {
    for (const name of referencedClassNames(d.source)) {
      const target = byName.get(name);
      if (target && !inChunk.has(target.path)) wanted.set(`${target.path}:${target.name}`, target);
    }
  }
  const chosen: Definition[] = [];
  let used = 0;
  for (const d of [...wanted.values()].sort((a, b) => a.source.length - b.source.length)) {
    const cost = estimateTokens(d.source) + 10;
    if (used + cost > maxTokens) continue;
    chosen.push(d);
    used += cost;
  }
  return chosen;
}
