import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

/** `from glob import escape` (an editor's auto-import picks it as readily as Django's): escapes glob characters. */
const FOREIGN_ESCAPE = /^\s*from\s+(glob|re|fnmatch)\s+import\s+(?:\(?\s*)(?:[\w\s,]*,\s*)?escape\b(?!\s+as\b)/;
/** The file builds HTML, so the `escape` it calls is meant to be Django's. */
const BUILDS_HTML = /\b(mark_safe|format_html|SafeString|SafeText|django\.utils\.html|register\.(filter|simple_tag))\b/;

export const foreignEscapeImport: Rule = {
  id: "DJ417",
  title: "`escape` imported from `glob`/`re`/`fnmatch` in code that builds HTML",
  severity: "critical",
  category: "security",
  tags: ["xss"],
  persona: "architect",
  explanation:
    "`glob.escape` and `re.escape` escape wildcard and regex characters, not `<`, `>`, `&` or quotes: HTML built " +
    "with them is not escaped at all. Import `escape` from `django.utils.html` (or use `format_html`).",
  appliesTo: (f) =>
    isPython(f) && /import[^\n]*\bescape\b/.test(f.text) && /\bescape\(/.test(f.text) && BUILDS_HTML.test(f.text),
  check(file) {
    const hits: RuleHit[] = [];
    file.lines.forEach((line, index) => {
      const m = FOREIGN_ESCAPE.exec(line);
      if (m)
        hits.push({
          line: index + 1,
          message:
            `${code(`${m[1]}.escape`)} does not escape HTML, and this file builds HTML with it: import ` +
            "`escape` from `django.utils.html`.",
        });
    });
    return hits;
  },
};
