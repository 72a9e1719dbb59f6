import type { Finding } from "../vocabulary.js";
import { pathMatcher } from "../diff/path-filter.js";
import type { SourceFile } from "./source.js";

/** `checks.ignore` entries: these rules (ids or categories) are off in these paths, like per-file-ignores. */
export interface IgnoreRule {
  paths: string[];
  rules: string[];
}

/** `# django-review: ignore[DJ101, DJ102]`, `# django-review: ignore`, `{# django-review: ignore[DJ403] #}`. */
const INLINE = /django-review:\s*ignore(?:\[([^\]]*)\])?/i;
/** `# noqa: DJ101` or `# noqa: E501, DJ101` (a bare `# noqa` belongs to flake8 and is not ours). */
const NOQA = /#\s*noqa:\s*([\w\s,]+)/i;

/** The rule ids a line's suppression comment names; `all` for a bare `django-review: ignore`. */
function suppressedOn(line: string | undefined): Set<string> | "all" | undefined {
  if (line === undefined) return undefined;
  const inline = INLINE.exec(line);
  if (inline) return inline[1] === undefined ? "all" : new Set(inline[1].split(",").map((r) => r.trim().toUpperCase()));
  const noqa = NOQA.exec(line);
  if (noqa) {
    const ids = (noqa[1] as string)
      .split(/[\s,]+/)
      .map((r) => r.toUpperCase())
      .filter((r) => /^DJ\d+$/.test(r));
    return ids.length > 0 ? new Set(ids) : undefined;
  }
  return undefined;
}

function names(set: Set<string> | "all" | undefined, finding: Finding): boolean {
  return set === "all" || set?.has(finding.rule) === true;
}

/** Whether a suppression comment on the finding's line, or the line above, names its rule. */
export function isSuppressedInline(file: SourceFile, finding: Finding): boolean {
  return (
    names(suppressedOn(file.lines[finding.line - 1]), finding) ||
    names(suppressedOn(file.lines[finding.line - 2]), finding)
  );
}

/** A predicate for `checks.ignore`: is this finding's rule (or category) off in its path? */
export function ignoredByConfig(entries: readonly IgnoreRule[]): (finding: Finding) => boolean {
  const compiled = entries.map((e) => ({ matches: pathMatcher(e.paths), rules: new Set(e.rules) }));
  return (finding) =>
    compiled.some((e) => (e.rules.has(finding.rule) || e.rules.has(finding.category)) && e.matches(finding.file));
}
