import { PythonFile } from "./python.js";

export type SourceKind = "python" | "template" | "other";

/** A changed file as the checks see it: head content, which lines the PR adds, and its parse. */
export class SourceFile {
  readonly kind: SourceKind;
  readonly lines: string[];
  private parsed: PythonFile | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    /** Head-side line numbers added by the change; every line for a new file. */
    readonly changedLines: ReadonlySet<number>,
    /** Text of the base-side lines the change deletes (no numbers: they are gone from the head). */
    readonly removedLines: readonly string[] = [],
  ) {
    this.kind = /\.pyi?$/.test(path) ? "python" : /\.(html?|jinja2?|djhtml|txt)$/.test(path) && isTemplatePath(path, text) ? "template" : "other";
    this.lines = text.split(/\r?\n/);
  }

  /** Parsed on first use: a PR's non-Python files never pay for it. */
  get python(): PythonFile {
    this.parsed ??= new PythonFile(this.text);
    return this.parsed;
  }

  get isMigration(): boolean {
    return this.kind === "python" && /(^|\/)migrations\/\d{4}_[^/]*\.py$/.test(this.path);
  }

  get isSettings(): boolean {
    return this.kind === "python" && /(^|\/)(settings(\/[^/]+)?|settings_[^/]+|[^/]*settings)\.py$/.test(this.path);
  }

  isChanged(line: number): boolean {
    return this.changedLines.has(line);
  }
}

function isTemplatePath(path: string, text: string): boolean {
  return /(^|\/)templates\//.test(path) || /\.html?$/.test(path) || /\{%|\{\{/.test(text);
}
