import type { SyntaxNode } from "@lezer/common";
import { ancestors, callParts, decoratorsOf, enclosingDef, type PythonFile } from "../../python.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

/**
 * Converters that pass raw HTML in the source (and `javascript:` links) through to their output: Python-Markdown,
 * markdown2 without `safe_mode`, commonmark. mistune escapes HTML by default and is not listed.
 */
const CONVERTER = /^(markdown|md|markdown2|commonmark)\.(markdown|commonmark)$|^markdown$/;
/** A sanitiser around the output, or anywhere in the function (`html = md.markdown(x); return clean(html)`). */
const SANITISED = /\b(bleach|nh3|sanitize|sanitise|clean_html|html_sanitizer)\w*|\.clean\(/;
/** Where converted Markdown is rendered without escaping: a template filter/tag's output, or `mark_safe`. */
const TEMPLATE_HOOK = /^register\.(filter|simple_tag|inclusion_tag)\b|^(stringfilter|register_filter)\b/;

/** A Markdown-to-HTML call of a library the file imports (`markdown.markdown(text)`, `markdown2.markdown(...)`). */
export function isMarkdownCall(py: PythonFile, call: SyntaxNode): boolean {
  const callee = py.src(call.firstChild ?? call).replace(/\s+/g, "");
  if (!CONVERTER.test(callee)) return false;
  // `markdown(...)` alone is Python-Markdown's only when the file imports it so (a view named markdown is not).
  if (callee === "markdown") return /^[ \t]*from\s+markdown\s+import\s+[^\n]*\bmarkdown\b/m.test(py.text);
  if (/^(markdown|md)\./.test(callee)) return /^[ \t]*import\s+markdown\b/m.test(py.text);
  return true;
}

/** A Markdown call whose output keeps raw HTML (markdown2's `safe_mode` escapes or drops it). */
function keepsRawHtml(py: PythonFile, call: SyntaxNode): boolean {
  if (!isMarkdownCall(py, call)) return false;
  const callee = py.src(call.firstChild ?? call).replace(/\s+/g, "");
  return !(callee.startsWith("markdown2.") && callParts(py, call)?.keywords.has("safe_mode"));
}

/** Whether the converted HTML reaches a template unescaped: returned by a template filter/tag, or marked safe. */
function rendersRaw(py: PythonFile, call: SyntaxNode, def: SyntaxNode | undefined): string | undefined {
  for (const a of ancestors(call)) {
    if (a === def) break;
    if (a.name === "CallExpression" && /^(mark_safe|SafeString)$/.test(callParts(py, a)?.name ?? ""))
      return "mark_safe";
  }
  if (def && decoratorsOf(py, def).some((d) => TEMPLATE_HOOK.test(d))) return "template filter";
  if (def && /\bmark_safe\(/.test(py.src(def))) return "mark_safe";
  return undefined;
}

export const unsanitisedMarkdown: Rule = {
  id: "DJ418",
  title: "Markdown rendered to HTML and output without sanitising (XSS)",
  severity: "major",
  category: "security",
  tags: ["xss"],
  persona: "architect",
  explanation:
    "Markdown passes raw HTML through: `<script>`, `<img onerror=…>` and `javascript:` links written in the text " +
    "come out as live HTML. Sanitise the converter's output with an allow-list (`nh3.clean(html)` or " +
    "`bleach.clean(html, tags=…, attributes=…)`) before it is marked safe or returned from a template filter.",
  appliesTo: (f) => isPython(f) && /^[ \t]*(import|from)\s+(markdown2?|commonmark)\b/m.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      if (!keepsRawHtml(py, call)) continue;
      const def = enclosingDef(call);
      if (SANITISED.test(def ? py.src(def) : py.src(call))) continue;
      const sink = rendersRaw(py, call, def);
      if (!sink) continue;
      hits.push({
        line: py.lineOf(call),
        endLine: py.line(Math.max(call.from, call.to - 1)),
        message:
          `${code(`${py.src(call.firstChild ?? call)}()`)}'s HTML goes out unescaped (${sink}) without sanitising: ` +
          "raw HTML and `javascript:` links in the text become live markup. Clean it with `nh3.clean()` first.",
      });
    }
    return hits;
  },
};
