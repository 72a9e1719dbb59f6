import { PythonFile } from "./python.js";

export type SourceKind = "python" | "template" | "other";

/**
 * A migration module: `app/migrations/0001_initial.py`, or in a package `MIGRATION_MODULES` names
 * (`dojo/db_migrations/0287_x.py`). Group 1 is the app's directory (empty at the root).
 */
export const MIGRATION_PATH = /^(?:(.*)\/)?\w*migrations\/\d{4}_[^/]*\.py$/;

/** A changed file as the checks see it: head content, which lines the PR adds, and its parse. */
export class SourceFile {
  readonly kind: SourceKind;
  readonly lines: string[];
  private parsed: PythonFile | undefined;
  private format: TemplateFormat | undefined;
  private removedSqueezed: string | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    /** Head-side lines whose code the change adds or alters (not a reformat); every line of a new file. */
    readonly changedLines: ReadonlySet<number>,
    /** Text of the base-side lines the change deletes (no numbers: they are gone from the head). */
    readonly removedLines: readonly string[] = [],
    /** Head-side lines next to code the change deletes. */
    readonly deletedAt: ReadonlySet<number> = new Set(),
    /** The deleted lines with the head line each sits before (what `removedLines` holds, placed). */
    readonly removedAt: ReadonlyArray<{ text: string; line: number }> = [],
    /**
     * Every head line the diff adds as written, reformatted, moved and comment-only lines too: what the file has
     * that the change put there, where `changedLines` is only what it means anew.
     */
    readonly writtenLines: ReadonlySet<number> = new Set(),
  ) {
    this.kind = /\.pyi?$/.test(path) ? "python" : isTemplate(path, text) ? "template" : "other";
    this.lines = text.split(/\r?\n/);
  }

  /** Parsed on first use: a PR's non-Python files never pay for it. */
  get python(): PythonFile {
    this.parsed ??= new PythonFile(this.text);
    return this.parsed;
  }

  /**
   * Whether the lines the change deletes contain `fragment`, whitespace aside: output or a read the file had
   * before, wherever a reformat, a move or a re-indent put it now.
   */
  removedIncludes(fragment: string): boolean {
    this.removedSqueezed ??= this.removedLines.map((line) => line.replace(/\s+/g, "")).join("\n");
    return this.removedSqueezed.includes(fragment.replace(/\s+/g, ""));
  }

  /**
   * Whether a line the change deleted in the place of head line `line` (just before it) passes `test`: what the
   * code there said before, for a finding that may only restate it.
   */
  deletedInPlaceOf(line: number, test: (text: string) => boolean): boolean {
    return this.removedAt.some((removed) => removed.line === line && test(removed.text));
  }

  /**
   * Whether a line deleted in the changed block that ends at `line` passes `test`: a block rewritten whole
   * (`-a\n-b\n+a2\n+b2`) places its deleted lines before its first new line, not beside each.
   */
  deletedInBlockOf(line: number, test: (text: string) => boolean): boolean {
    let from = line;
    // a re-indented line the diff wrote belongs to the block as much as a changed one
    while (from > 1 && (this.changedLines.has(from - 1) || this.writtenLines.has(from - 1))) from--;
    return this.removedAt.some((removed) => removed.line >= from && removed.line <= line && test(removed.text));
  }

  get isMigration(): boolean {
    return this.kind === "python" && MIGRATION_PATH.test(this.path);
  }

  /** What a template renders to: escaping rules depend on it (a text email is not HTML). */
  get templateFormat(): TemplateFormat {
    if (this.format === undefined) {
      const format = templateFormatOf(this.path);
      this.format = format === "html" && isProse(this.text) ? "text" : format;
    }
    return this.format;
  }

  /** Test code: what it does to the database or templates never reaches production. */
  get isTest(): boolean {
    return isTestPath(this.path);
  }

  get isSettings(): boolean {
    return this.kind === "python" && /(^|\/)(settings(\/[^/]+)?|settings_[^/]+|[^/]*settings)\.py$/.test(this.path);
  }

  isChanged(line: number): boolean {
    return this.changedLines.has(line);
  }

  /**
   * Whether the change adds, alters or deletes code anywhere in lines `start..end` (a whole construct). Code deleted
   * just before `start` is the construct's own only where the diff rewrote `start` (`RunPython(f, back)` now
   * `RunPython(f)`); before a line it left alone, it sat before the construct (a function deleted above an
   * untouched decorator).
   */
  touches(start: number, end: number): boolean {
    for (let line = start; line <= end; line++) {
      if (this.changedLines.has(line)) return true;
      if (this.deletedAt.has(line) && (line > start || this.writtenLines.has(line))) return true;
    }
    return false;
  }

  /**
   * Lines `start..end` as they were before the change, as far as the diff shows: the deleted lines placed
   * before the head line they sat before, and the head lines the change did not write. A diff lists a
   * rewritten block's deleted lines before all its new ones, so a construct inside such a block takes the
   * whole block's old text. Indentation is removed so the old text parses on its own; empty for a construct
   * the change wrote whole.
   */
  baseOf(start: number, end: number): string {
    // A line the diff wrote is not old text even where it means nothing new (a literal the change extended by
    // joining it to the line above, a reformat): its old self is among the deleted lines.
    const wrote = (line: number) => this.changedLines.has(line) || this.writtenLines.has(line);
    let from = start;
    while (from > 1 && wrote(from - 1) && wrote(from)) from--;
    const out: string[] = [];
    for (let line = from; line <= end; line++) {
      for (const removed of this.removedAt) if (removed.line === line) out.push(removed.text);
      if (!wrote(line)) out.push(this.lines[line - 1] ?? "");
    }
    return out
      .map((l) => l.trimStart())
      .join("\n")
      .trim();
  }

  get hasChanges(): boolean {
    return this.changedLines.size > 0 || this.deletedAt.size > 0;
  }
}

/**
 * A definition starting at `lines[start]` up to the line that closes it (`)` at its end, a comment
 * allowed), as one text; at most `maxLines` lines.
 */
export function definitionFrom(lines: readonly string[], start: number, maxLines = lines.length): string {
  return lines.slice(start, definitionEnd(lines, start, maxLines) + 1).join(" ");
}

/** The index of the line that closes the definition starting at `start` (see definitionFrom). */
export function definitionEnd(lines: readonly string[], start: number, maxLines = lines.length): number {
  const last = Math.min(lines.length, start + maxLines) - 1;
  for (let i = start; i < last; i++) if (/\)\s*(#.*)?$/.test(lines[i] as string)) return i;
  return last;
}

const TEST_DIR = /(^|\/)(tests?|testing|testapp|test_?apps?|test_project|testproject|test_?utils)(\/)/;
const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_tests?|tests|tests_[^/]*|conftest)\.py$/;

/** Management commands that fill a development database with made-up rows (`sample_data`, `dummy-generator`). */
const SAMPLE_DATA_COMMAND = /(^|\/)management\/commands\/[^/]*(sample|fake|dummy|demo)[^/]*\.py$/i;

/**
 * Tests, test apps (and their migrations and settings), pytest fixtures, and sample-data commands: like
 * fixtures, they run on a developer's database, so a query per made-up row costs nobody a wait.
 */
export function isTestPath(path: string): boolean {
  return TEST_DIR.test(path) || TEST_FILE.test(path) || SAMPLE_DATA_COMMAND.test(path);
}

export type TemplateFormat = "html" | "text" | "json" | "xml" | "js";

function templateFormatOf(path: string): TemplateFormat {
  const name = path.replace(/\.(jinja2?|j2|tpl)$/, "");
  if (/\.(txt|md|csv|eml|tsv)$/.test(name)) return "text";
  if (/\.json$/.test(name)) return "json";
  if (/\.(xml|svg|rss|atom)$/.test(name)) return "xml";
  if (/\.js$/.test(name)) return "js";
  return "html";
}

/**
 * A template named `.html` that holds no markup at all, only words and template tags — an SMS, a push
 * notification's title, a chat message — renders text, not HTML. One that extends, includes or fills a
 * block may get its markup from elsewhere, and a bare `{{ value }}` with no words may be a fragment of a
 * page: both stay HTML.
 */
function isProse(text: string): boolean {
  // A child or a composition of other templates renders into them (HTML, most likely); a `{% block %}` alone only
  // marks what a child may override (Django's own password_reset_email.html has one).
  if (/\{%-?\s{0,20}(extends|include)\b/.test(text)) return false;
  const literal = outsideTags(text);
  return !/<[A-Za-z!/?]|&(#\d+|#x[\da-f]+|[a-z]+);/i.test(literal) && /[A-Za-z]{2,}/.test(literal);
}

const TAG_CLOSE: Record<string, string> = { "{{": "}}", "{%": "%}", "{#": "#}" };

/** The text outside `{{ }}`, `{% %}` and `{# #}`, in one pass (a file of unclosed `{{` stays linear). */
function outsideTags(text: string): string {
  const parts: string[] = [];
  const opening = /\{[{%#]/g;
  let at = 0;
  for (;;) {
    opening.lastIndex = at;
    const start = opening.exec(text)?.index;
    if (start === undefined) break;
    const close = text.indexOf(TAG_CLOSE[text.slice(start, start + 2)] as string, start + 2);
    parts.push(text.slice(at, start));
    if (close < 0) return parts.join(" ");
    at = close + 2;
  }
  parts.push(text.slice(at));
  return parts.join(" ");
}

/**
 * HTML-like files anywhere with template tags; any format Django renders (text, JSON, XML, JS) under a
 * `templates/` folder (a `.js` file in `static/` is not a template).
 */
function isTemplate(path: string, text: string): boolean {
  const inTemplates = /(^|\/)templates\//.test(path);
  if (/\.(html?|djhtml|jinja2?)$/.test(path)) return inTemplates || /\.html?$/.test(path) || /\{%|\{\{/.test(text);
  return inTemplates && /\.(txt|md|csv|eml|tsv|json|xml|svg|rss|atom|js)(\.(jinja2?|j2|tpl))?$/.test(path);
}
