import type { PersonaId } from "../vocabulary.js";
import type { DiffFile } from "../diff/types.js";

/**
 * What changed code is, read from the changed files at the head: the classes, decorators and imports
 * a senior Django reviewer would recognise (a DRF viewset, a Celery task, a model, a migration, a
 * template with htmx). Pure and line-based: each pattern is anchored and linear.
 */
export interface CodeKind {
  persona: PersonaId;
  /** Singular and plural, for "3 DRF viewsets changed in …". */
  one: string;
  many: string;
}

interface Detector {
  kind: CodeKind;
  /** A line that starts a definition of this kind (its body is the lines indented under it). */
  definition?: RegExp;
  /** The whole file is of this kind when its text matches (imports, a template, a migration). */
  file?: (path: string, text: string) => boolean;
}

const kind = (persona: PersonaId, one: string, many = `${one}s`): CodeKind => ({ persona, one, many });

const DRF_VIEW_BASES =
  /^class\s+\w+\s*\([^)]*\b(?:\w*ViewSet|\w*APIView|(?:List|Retrieve|Create|Update|Destroy)\w*APIView)\b/;

const DETECTORS: Detector[] = [
  { kind: kind("architect", "DRF viewset"), definition: DRF_VIEW_BASES },
  { kind: kind("architect", "DRF serializer"), definition: /^class\s+\w+\s*\([^)]*\b\w*Serializer\b/ },
  {
    kind: kind("architect", "channels consumer"),
    definition: /^class\s+\w+\s*\([^)]*\b(?:Async)?(?:Json)?(?:Websocket)?Consumer\b/,
  },
  { kind: kind("architect", "Celery task"), definition: /^@(?:shared_task|\w+\.task|task)\b/ },
  { kind: kind("architect", "async view"), definition: /^async\s+def\s+\w+\s*\(\s*request\b/ },
  {
    kind: kind("architect", "django-ninja API", "django-ninja APIs"),
    file: (_p, text) => /^from\s+ninja\b|^import\s+ninja\b/m.test(text),
  },
  {
    kind: kind("architect", "strawberry GraphQL schema"),
    file: (_p, text) => /^import\s+strawberry\b|^from\s+strawberry\b/m.test(text),
  },
  {
    kind: kind("architect", "caching module"),
    file: (_p, text) => /^from\s+django\.core\.cache\b|^from\s+django\.views\.decorators\.cache\b/m.test(text),
  },
  {
    kind: kind("architect", "ASGI module"),
    file: (_p, text) => /\bget_asgi_application\b|ProtocolTypeRouter\(/.test(text),
  },
  {
    kind: kind("engineer", "model"),
    definition: /^class\s+\w+\s*\([^)]*\b(?:models\.Model|\w*Model)\s*[,)]/,
  },
  { kind: kind("engineer", "migration"), file: (p) => /(^|\/)migrations\/\d{4}_[^/]*\.py$/.test(p) },
  { kind: kind("engineer", "form"), definition: /^class\s+\w+\s*\([^)]*\b(?:forms\.)?(?:Model)?Form\s*[,)]/ },
  { kind: kind("engineer", "admin class", "admin classes"), definition: /^class\s+\w+\s*\([^)]*\bModelAdmin\b/ },
  {
    kind: kind("engineer", "template"),
    file: (p, text) => /\.(html|txt|jinja2?)$/.test(p) && /\{%|\{\{/.test(text) && !/\bhx-[a-z]+/.test(text),
  },
  {
    kind: kind("engineer", "htmx template"),
    file: (p, text) => /\.(html|jinja2?)$/.test(p) && /\bhx-[a-z]+/.test(text),
  },
  {
    kind: kind("engineer", "template tag library", "template tag libraries"),
    file: (_p, t) => /template\.Library\(\)/.test(t),
  },
];

/** Definitions of one kind that this change touched, in one file. */
export interface ChangedKind {
  kind: CodeKind;
  path: string;
  /** Definitions of the kind with changed lines (1 for a file-level kind). */
  count: number;
  /** Changed lines inside them. */
  changedLines: number;
}

/**
 * The kinds of code each changed file holds where it changed: a class or decorated function counts
 * when a changed line falls in it; a file-level kind (a migration, a template) when the file changed.
 * A model class in `serializers.py` is not mistaken for a serializer: the class's own bases decide.
 */
export function changedKinds(files: DiffFile[], heads: Map<string, string>): ChangedKind[] {
  const found: ChangedKind[] = [];
  for (const file of files) {
    const text = heads.get(file.path);
    if (text === undefined) continue;
    const changed = changedLineNumbers(file);
    if (changed.size === 0) continue;
    const lines = text.split(/\r?\n/);
    for (const detector of DETECTORS) {
      if (detector.file) {
        if (detector.file(file.path, text))
          found.push({ kind: detector.kind, path: file.path, count: 1, changedLines: changed.size });
        continue;
      }
      let count = 0;
      let inside = 0;
      for (const [start, end] of definitions(lines, detector.definition as RegExp)) {
        let touched = 0;
        for (let n = start; n <= end; n++) if (changed.has(n)) touched++;
        if (touched > 0) {
          count++;
          inside += touched;
        }
      }
      if (count > 0) found.push({ kind: detector.kind, path: file.path, count, changedLines: inside });
    }
  }
  return found;
}

/** `class Name(` with its bases continuing on the next lines. */
const OPEN_CLASS_HEADER = /^class\s+\w+\s*\([^)]*$/;

/** 1-based [start, end] of each top-level definition whose first line matches (decorators start it). */
function definitions(lines: string[], start: RegExp): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!start.test(header(lines, i))) continue;
    let end = i + 1;
    // a multi-line class header ends at its closing bracket
    if (OPEN_CLASS_HEADER.test(lines[i] ?? ""))
      while (end < lines.length && end < i + 12 && !(lines[end - 1] ?? "").includes(")")) end++;
    // a decorator's function follows it; then the body is every indented or blank line
    while (end < lines.length && /^@/.test(lines[end] ?? "")) end++;
    if (end < lines.length && /^(async\s+)?def\b|^class\b/.test(lines[end] ?? "") && end > i) end++;
    while (end < lines.length && (/^\s/.test(lines[end] ?? "") || (lines[end] ?? "") === "")) end++;
    spans.push([i + 1, end]);
    i = end - 1;
  }
  return spans;
}

/**
 * The line, or for a class whose bases run over several lines (`class DeviceViewSet(\n    Mixin,\n
 * NetBoxModelViewSet\n):`) the whole header joined, so its bases can be read.
 */
function header(lines: string[], i: number): string {
  const line = lines[i] ?? "";
  if (!OPEN_CLASS_HEADER.test(line)) return line;
  const parts = [line];
  for (let j = i + 1; j < Math.min(lines.length, i + 12); j++) {
    parts.push((lines[j] ?? "").trim());
    if ((lines[j] ?? "").includes(")")) break;
  }
  return parts.join(" ");
}

/** New-side lines the diff added, and where it deleted lines (the line that now stands there). */
function changedLineNumbers(file: DiffFile): Set<number> {
  const changed = new Set<number>();
  for (const hunk of file.hunks) {
    let last = hunk.newStart;
    for (const line of hunk.lines) {
      if (line.newLine !== undefined) last = line.newLine;
      if (line.kind === "add" && line.newLine !== undefined) changed.add(line.newLine);
      if (line.kind === "del") changed.add(last);
    }
  }
  return changed;
}
