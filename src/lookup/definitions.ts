/** Where a name is defined, from the texts of the project's Python files (pure: the caller reads them). */

export interface FoundDefinition {
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  kind: "class" | "function" | "assignment" | "url name";
  source: string;
}

/** Longest definition shown whole; the rest is one read_file away. */
const MAX_DEFINITION_LINES = 150;
const MAX_RESULTS = 5;

/** Python files worth searching for definitions, most likely first; migrations define nothing callers use. */
export function definitionCandidates(paths: string[]): string[] {
  const rank = (path: string) =>
    /(^|\/)(models?|serializers?|forms|admin|views|viewsets|api|tasks|urls|managers|querysets)(\/|\.py$)/.test(path)
      ? 0
      : /(^|\/)(tests?|test_[^/]*|[^/]*_tests?\.py|conftest\.py)(\/|$)/.test(path)
        ? 2
        : 1;
  return paths
    .filter((path) => /\.py$/.test(path) && !/(^|\/)migrations\//.test(path))
    .map((path, index) => ({ path, index, rank: rank(path) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ path }) => path);
}

/** The definitions of `name` in these files: classes, functions, module-level names and URL names. */
export function findDefinitions(name: string, files: Map<string, string>): FoundDefinition[] {
  if (!/^[\w.-]{1,200}$/.test(name)) return [];
  const bare = name.split(".").pop() ?? name;
  const found: FoundDefinition[] = [];
  const escaped = bare.replace(/[.-]/g, (c) => `\\${c}`);
  const definition = new RegExp(`^([ \\t]*)(?:async[ \\t]+)?(class|def)[ \\t]+${escaped}\\b`);
  const assignment = new RegExp(`^${escaped}[ \\t]*(?::[^=\\n]*)?=`);
  const urlName = new RegExp(`\\bname[ \\t]*=[ \\t]*["']${escaped}["']`);
  for (const [path, text] of files) {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length && found.length < MAX_RESULTS; i++) {
      const line = lines[i] ?? "";
      const match = definition.exec(line);
      if (match) {
        found.push(block(path, lines, i, (match[1] ?? "").length, match[2] === "class" ? "class" : "function"));
        continue;
      }
      if (assignment.test(line)) found.push(block(path, lines, i, 0, "assignment"));
      else if (/(^|\/)urls\.py$|\/urls\//.test(path) && urlName.test(line)) found.push(urlCall(path, lines, i));
    }
    if (found.length >= MAX_RESULTS) break;
  }
  return found;
}

/** The statement starting at `start`: decorators above it, then every line indented deeper than it. */
function block(
  path: string,
  lines: string[],
  start: number,
  indent: number,
  kind: FoundDefinition["kind"],
): FoundDefinition {
  let first = start;
  while (first > 0 && new RegExp(`^[ \\t]{${indent}}@`).test(lines[first - 1] ?? "")) first--;
  let end = start + 1;
  while (end < lines.length) {
    const line = lines[end] ?? "";
    if (line.trim() !== "" && leadingWhitespace(line) <= indent && !/^\s*[)\]}]/.test(line)) break;
    end++;
  }
  if (/^\s*[)\]}]/.test(lines[end] ?? "")) end++; // the closing bracket of a multi-line assignment
  while (end > start + 1 && (lines[end - 1] ?? "").trim() === "") end--;
  const last = Math.min(end, first + MAX_DEFINITION_LINES);
  const source = lines.slice(first, last).join("\n");
  const cut = last < end ? `\n# … ${end - last} more lines: read_file ${path} from line ${last + 1}` : "";
  return { path, startLine: first + 1, endLine: last, kind, source: source + cut };
}

function urlCall(path: string, lines: string[], at: number): FoundDefinition {
  const first = Math.max(0, at - 2);
  let last = Math.min(lines.length, at + 3);
  while (last > at + 1 && (lines[last - 1] ?? "").trim() === "") last--;
  return { path, startLine: first + 1, endLine: last, kind: "url name", source: lines.slice(first, last).join("\n") };
}

function leadingWhitespace(line: string): number {
  return line.length - line.trimStart().length;
}
