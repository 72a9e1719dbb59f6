import type { SyntaxNode } from "@lezer/common";
import {
  assignmentsInScope,
  callParts,
  children,
  conditionalBranches,
  decoratorsOf,
  isPlainString,
  PythonFile,
} from "../../python.js";
import { SCRIPT_STRING_TEXT } from "../../conditions.js";
import { isTrusted } from "../../trusted.js";
import { builtValues } from "../../built-values.js";
import type { SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython, isTemplate } from "./shared.js";
import { formattedString } from "./sql.js";
import { isMarkdownCall } from "./markdown.js";
import { code } from "../../../comments/markdown.js";
import { exactly } from "../../../util/regex.js";

const SAFE_BUILDERS = exactly([
  ...["format_html", "format_html_join", "escape", "render_to_string", "conditional_escape", "strip_tags"],
  ...["json_script", "linebreaks", "urlize"],
]);

/** A call to an escaping builder, or a variable assigned only from such calls in its function. */
function isAlreadySafe(py: PythonFile, node: SyntaxNode): boolean {
  if (node.name === "CallExpression") return SAFE_BUILDERS.test(callParts(py, node)?.name ?? "");
  if (node.name !== "VariableName") return false;
  const values = assignmentsInScope(py, node).get(py.src(node)) ?? [];
  return (
    values.length > 0 &&
    values.every((v) => v.name === "CallExpression" && SAFE_BUILDERS.test(callParts(py, v)?.name ?? ""))
  );
}

/**
 * Lines of the assignments and list appends (earlier in the same function) that build the variables in `node`,
 * followed through the variables those read: `message = template % {"link": link}` and `link = f"<a>{title}</a>"`.
 */
function feedingLines(py: PythonFile, node: SyntaxNode, depth = 0, seen = new Set<string>()): number[] {
  if (depth > 3) return [];
  const names = untrustedNames(py, node);
  const lines: number[] = [];
  for (const name of names) {
    const text = py.src(name);
    if (seen.has(text)) continue;
    seen.add(text);
    for (const value of builtValues(py, name)) {
      if (value.from >= name.from) continue;
      lines.push(...untrustedLines(py, value), ...feedingLines(py, value, depth + 1, seen));
    }
  }
  return lines;
}

/**
 * The lines of a value that carry text from outside: a change there can bring data into marked HTML. A line
 * that adds only literals or constants (`disabled=" cms-slot" if is_slot else ""`) brings none in.
 */
function untrustedLines(py: PythonFile, node: SyntaxNode): number[] {
  if (isTrusted(py, node)) return [];
  const first = py.lineOf(node);
  if (first === py.line(Math.max(node.from, node.to - 1))) return [first];
  const parts = children(node);
  return parts.flatMap((part, i) => {
    // punctuation, operators, and a keyword argument's name carry no text
    if (/^[()[\]{},:.]$|Op$|^(if|else|for|in|and|or|not|lambda|await)$/.test(part.name)) return [];
    if (part.name === "VariableName" && parts[i + 1]?.name === "AssignOp") return [];
    return untrustedLines(py, part);
  });
}

/** The variables whose text can reach the output of `node`: not a trusted part, a condition or an argument's name. */
function untrustedNames(py: PythonFile, node: SyntaxNode): SyntaxNode[] {
  if (node.name === "VariableName") return [node];
  if (isTrusted(py, node)) return [];
  const branches = conditionalBranches(node);
  if (branches) return branches.flatMap((c) => untrustedNames(py, c));
  const parts = children(node);
  return parts.flatMap((part, i) =>
    part.name === "VariableName" && parts[i + 1]?.name === "AssignOp" ? [] : untrustedNames(py, part),
  );
}

/**
 * The parts of `node` that carry outside text, each whole (`self.user.username`, `row["name"]`, `label(x)`): what
 * an f-string interpolates, what a `+` or `%` joins.
 */
function untrustedValues(py: PythonFile, node: SyntaxNode): SyntaxNode[] {
  if (isTrusted(py, node)) return [];
  if (/^(VariableName|MemberExpression|SubscriptExpression|CallExpression)$/.test(node.name)) return [node];
  const parts = children(node);
  return parts.flatMap((part, i) =>
    /^[()[\]{},:.]$|Op$|^Format(Conversion|Spec)$/.test(part.name) ||
    (part.name === "VariableName" && parts[i + 1]?.name === "AssignOp")
      ? []
      : untrustedValues(py, part),
  );
}

/**
 * Whether the code this call replaces marked the very same values safe: a restyle of the markup around them
 * (django-crm 1a1a8faea1 wraps `{self.user.username}` in a new `<span>`) decides nothing about escaping that the
 * old line had not. A value new to the call, one the old code escaped, or a variable whose assignment the change
 * rewrites is new data.
 */
function restatesMarkedValues(file: SourceFile, py: PythonFile, call: SyntaxNode, arg: SyntaxNode): boolean {
  const before = file.baseOf(py.lineOf(call), py.line(Math.max(call.from, call.to - 1)));
  if (!/(mark_safe|SafeString|SafeText)\s*\(/.test(before)) return false;
  const old = new PythonFile(before);
  const marked = new Set(
    old.nodes("CallExpression").flatMap((c) => {
      const parts = callParts(old, c);
      const value = parts?.positional[0];
      if (!value || !/^(mark_safe|SafeString|SafeText)$/.test(parts.name)) return [];
      return untrustedValues(old, value).map((v) => spaced(old.src(v)));
    }),
  );
  const values = untrustedValues(py, arg);
  return (
    values.length > 0 &&
    values.every((value) => marked.has(spaced(py.src(value)))) &&
    feedingLines(py, arg).every((line) => !file.isChanged(line))
  );
}

const spaced = (text: string) => text.replace(/\s+/g, " ").trim();

export const markSafeOnVariable: Rule = {
  id: "DJ402",
  title: "`mark_safe`/`SafeString` on non-literal text (XSS)",
  severity: "critical",
  category: "security",
  tags: ["xss"],
  persona: "architect",
  explanation:
    "`mark_safe` turns off escaping for the whole string: any user-controlled part becomes HTML/JS in the page. " +
    'Build HTML with `format_html("<a href=\\"{}\\">{}</a>", url, title)` (which escapes the arguments) or ' +
    "`escape()` the values first.",
  appliesTo: (f) => isPython(f) && /mark_safe|SafeString|SafeText|format_html/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts) continue;
      const arg = parts.positional[0];
      if (/^(mark_safe|SafeString|SafeText)$/.test(parts.name) && arg && !isPlainString(py, arg)) {
        if (isAlreadySafe(py, arg) || isTrusted(py, arg)) continue;
        if (restatesMarkedValues(file, py, call, arg)) continue;
        // Converted Markdown is DJ418's: it knows the converters' safe modes and says what to do (sanitise).
        if (arg.name === "CallExpression" && isMarkdownCall(py, arg)) continue;
        // The whole call is the construct: a value changed on any line of a multi-line f-string counts, and
        // so does a change to what the variables it marks were built from (`html = f"<b>{name}</b>"` above).
        hits.push({
          line: py.lineOf(call),
          endLine: py.line(Math.max(call.from, call.to - 1)),
          causeLines: feedingLines(py, arg),
          message:
            `${code(`${parts.name}(${py.src(arg).slice(0, 40)})`)} disables escaping for data: use ` +
            `\`format_html()\` or escape the values.`,
        });
      } else if (parts.name === "format_html" && arg && (arg.name === "FormatString" || formattedString(py, arg))) {
        hits.push({
          line: py.lineOf(call),
          message:
            "`format_html()` receives an already-formatted string, so nothing is escaped: pass the values as " +
            "arguments.",
        });
      }
    }
    for (const def of py.nodes("FunctionDefinition")) {
      if (decoratorsOf(py, def).includes("mark_safe"))
        hits.push({
          line: py.lineOf(def),
          message: "`@mark_safe` marks everything this function returns as safe HTML.",
        });
    }
    return hits;
  },
};

/** What unescaped output risks in each format Django renders, and what to do instead. */
const FORMAT_RISK: Record<"html" | "text" | "json" | "xml" | "js", string> = {
  html: ".",
  text: ".",
  json:
    ": in a JSON template a value can close its string and add keys. Build JSON in Python (`JsonResponse`, " +
    "`json.dumps`) instead of a template.",
  xml: ": in an XML template a value can add elements or break the document. Let autoescaping escape it.",
  js:
    ": in a JavaScript template a value can end its string and run code. Use `|escapejs` inside strings, or pass " +
    "data with `json_script`.",
};

/**
 * A value named for a number (`info.left_pct`, `stats.count`, `row.width`): `|safe` there only keeps the
 * number from being localised (`12,5` in a CSS width), it lets no text through. A filter before `|safe`
 * may turn it into text, so only the bare variable counts.
 */
const MEASURE = /(^|[._])(pct|percent|percentage|count|width|height|ratio|pk|id)$/;
/** A measure, an element id Django generates for a form field, or a UUID (hex digits and dashes). */
const ID_LIKE = new RegExp(`${MEASURE.source}|\\.(id_for_label|auto_id)$|(^|[._])uuid$`);

export const templateUnescaped: Rule = {
  id: "DJ403",
  title: "Template output with escaping turned off (XSS)",
  severity: "major",
  category: "security",
  tags: ["xss", "templates"],
  persona: "engineer",
  explanation:
    "`|safe`, `|safeseq` and `{% autoescape off %}` print variables as raw HTML: user data there becomes script. " +
    "Escape by default; build trusted HTML in Python with `format_html`, or sanitise it (bleach/nh3) before " +
    "marking it safe.",
  // A text template (an email body) is not HTML: turning HTML escaping off there is right.
  appliesTo: (f) => isTemplate(f) && f.templateFormat !== "text",
  check(file, project) {
    const hits: RuleHit[] = [];
    const risk = FORMAT_RISK[file.templateFormat];
    file.lines.forEach((line, index) => {
      // Bounded parts: a line of `{{{{…` must not cost quadratic time (a tag is never 300 characters).
      for (const m of line.matchAll(
        /\{\{\s{0,20}([^{}|]{1,200}?)\s{0,20}((?:\|[^{}]{0,200}?)?)\|\s{0,20}(safe|safeseq)\b[^{}]{0,200}\}\}/g,
      )) {
        if (MEASURE.test(m[1]?.trim() ?? "") && !m[2]) continue;
        // The same output among the lines the change deleted (a rewritten line, a block moved or re-indented, a
        // markup port, lines moved out of other templates into a new include): printed unescaped before.
        if (file.removedIncludes(m[0]) || project.templateRemoved(m[0])) continue;
        hits.push({
          line: index + 1,
          message: `${code(`${m[0]}`)} prints ${code(`${m[1]?.trim()}`)} without escaping${risk}`,
        });
      }
      if (/\{%-?\s*autoescape\s+off\s*-?%\}/.test(line))
        hits.push({
          line: index + 1,
          message: `\`{% autoescape off %}\` prints every variable in the block without escaping${risk}`,
        });
    });
    return hits;
  },
};

export const variableInScript: Rule = {
  id: "DJ415",
  title: "Template variable inside a `<script>` block",
  severity: "major",
  category: "security",
  tags: ["xss", "templates"],
  persona: "engineer",
  explanation:
    "Django escapes for HTML, not for JavaScript: printed as code inside `<script>` (`const n = {{ value }};`), a " +
    "value runs as script, and inside a string a backslash or a line break still breaks it. Pass data with " +
    '`{{ value|json_script:"id" }}` and ' +
    '`JSON.parse(document.getElementById("id").textContent)`, or at least `|escapejs` inside a JS string.',
  appliesTo: (f) => isTemplate(f) && f.templateFormat === "html" && /<script/i.test(f.text),
  check(file) {
    const hits: RuleHit[] = [];
    const text = file.text;
    for (const block of scriptBlocks(text)) {
      if (!runsOrParses(block[1] ?? "")) continue;
      const jsonBlock = /type\s*=\s*["']?application\/(ld\+)?json/i.test(block[1] ?? "");
      const start = block.start;
      const strings = stringSpans(block[2] ?? "");
      for (const m of (block[2] ?? "").matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
        if (/\|\s*(escapejs|json_script|safe)\b/.test(m[1] ?? "")) continue; // |safe is DJ403's
        // Inside a JSON string, HTML escaping already escapes the quote: only a bare value can inject.
        const at = m.index ?? 0;
        const body = block[2] ?? "";
        const within = strings.find((span) => span.from < at && at + m[0].length <= span.to);
        const quoted =
          quotedAround(body, at, at + m[0].length, jsonBlock ? '"' : `"'`) ||
          (within !== undefined && (jsonBlock ? within.quote === '"' : within.quote !== "`"));
        if (jsonBlock && quoted) continue;
        if (/^(csrf_token|request\.path|STATIC_URL|LANGUAGE_CODE|LANGUAGE_BIDI)\b/.test(m[1] ?? "")) continue;
        // A number or an id Django makes (`n.id`, `form.x.id_for_label`, `obj.pk|default:0`): no quote or tag in it.
        if (ID_LIKE.test((m[1] ?? "").replace(/\|\s*default:\s*\d+\s*$/, ""))) continue;
        if (isChoiceKey(text, m[1] ?? "", start + at)) continue;
        const line = text.slice(0, start + (m.index ?? 0)).split("\n").length;
        const message = jsonBlock
          ? `${code(`{{ ${m[1]} }}`)} inside a JSON <script> is HTML-escaped, not JSON-encoded: render the ` +
            `whole block with \`{{ value|json_script:"id" }}\`.`
          : `${code(`{{ ${m[1]} }}`)} inside <script> is HTML-escaped, not JS-escaped: use \`json_script\` (or ` +
            `\`|escapejs\` in a string).`;
        // The same output with the same characters around it among the deleted lines (`U.Alert.error("{{ m }}")`
        // now `Alert.error("{{ m }}")`): in that script before this change.
        const around = `${body[at - 1] ?? ""}${m[0]}${body[at + m[0].length] ?? ""}`;
        hits.push({
          line,
          message,
          restated: file.removedIncludes(around),
          // Inside a quoted JS string HTML escaping already turns quotes and `<` into entities: the value can neither
          // end the string nor the tag. A backslash or a line break of text a user writes can still break it.
          ...(quoted ? { condition: SCRIPT_STRING_TEXT.hint } : {}),
        });
      }
    }
    return hits;
  },
};

/**
 * Whether a `<script>` with these attributes is script the browser runs (no type, a JavaScript MIME type,
 * `module`, a JSX/Babel type a transpiler runs) or JSON a page parses. Any other type (`text/template`,
 * `form-template`, `text/html`) is a data block the browser leaves alone: an HTML template there wants HTML
 * escaping, which is what it gets.
 */
function runsOrParses(attributes: string): boolean {
  // `type=`, not `data-type=`: an attribute name starts after whitespace.
  const type = /(?:^|\s)type\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attributes);
  if (!type) return true;
  const value = (type[1] ?? type[2] ?? type[3] ?? "").trim().toLowerCase();
  return (
    value === "" ||
    value === "module" ||
    /^(text|application)\/(x-)?(javascript|ecmascript|jscript|livescript|babel|jsx)$/.test(value) ||
    /^application\/(ld\+)?json$/.test(value)
  );
}

/**
 * `{% for key, label in status_choices %}…{{ key }}`: the stored value of a choice, an identifier the code
 * defines (`("open", _("Open"))`), where the label beside it is the text a translator or an admin writes. The
 * nearest `{% for %}` before `at` that binds the bare name decides.
 */
function isChoiceKey(text: string, variable: string, at: number): boolean {
  const name = variable.trim();
  if (!/^[A-Za-z_]\w*$/.test(name)) return false;
  let binding: RegExpExecArray | undefined;
  const loops = /\{%-?\s*for\s+([A-Za-z_]\w*)\s*,\s*[A-Za-z_]\w*\s+in\s+([\w.]{1,200}?)\s*-?%\}/g;
  for (const m of text.slice(Math.max(0, at - 20_000), at).matchAll(loops)) if (m[1] === name) binding = m;
  return binding !== undefined && /(^|[._])(choices|CHOICES)$/.test(binding[2] ?? "");
}

/**
 * Whether `body[from..to]` sits between double quotes, stepping over template tags on either side:
 * `"{% if url %}{{ url }}{% else %}...{% endif %}"` and `"{% filter escapejs %}{{ m }}{% endfilter %}"` print
 * inside the string (a tag's own output is Django's, not the value's).
 */
function quotedAround(body: string, from: number, to: number, quotes = '"'): boolean {
  // A tag is looked for within TAG_SPAN characters: a hostile file of unmatched `%}` stays linear.
  let before = from;
  while (body.endsWith("%}", before)) {
    const start = Math.max(0, before - TAG_SPAN);
    const open = body.slice(start, before - 2).lastIndexOf("{%");
    if (open < 0) return false;
    before = start + open;
  }
  let after = to;
  while (body.startsWith("{%", after)) {
    const close = body.slice(after + 2, after + TAG_SPAN).indexOf("%}");
    if (close < 0) return false;
    after = after + 2 + close + 2;
  }
  const open = body[before - 1];
  return open !== undefined && quotes.includes(open) && body[after] === open;
}

const TAG_SPAN = 400;

/**
 * The closed string literals of a script body (`'…'` and `"…"` on one line, `` `…` `` on any): where a value prints
 * in the middle of a string (`"https://{{ domain }}/api.js"`) as well as where it is the whole string. Template
 * tags and variables are read as opaque (a `{% url "home" %}` quote opens nothing); comments hold no strings. One
 * pass, with tags looked for within TAG_SPAN characters: linear on hostile input.
 */
function stringSpans(body: string): Array<{ from: number; to: number; quote: string }> {
  const spans: Array<{ from: number; to: number; quote: string }> = [];
  let open = -1;
  let quote = "";
  let i = 0;
  while (i < body.length) {
    if (body.startsWith("{{", i) || body.startsWith("{%", i)) {
      const close = body.slice(i + 2, i + TAG_SPAN).indexOf(body[i + 1] === "{" ? "}}" : "%}");
      i = close < 0 ? i + 2 : i + 2 + close + 2;
      continue;
    }
    const c = body[i];
    if (open >= 0) {
      if (c === "\\") i++;
      else if (c === "\n" && quote !== "`")
        open = -1; // unterminated: no string
      else if (c === quote) {
        spans.push({ from: open, to: i, quote });
        open = -1;
      }
    } else if (c === "/" && (body[i + 1] === "/" || body[i + 1] === "*")) {
      const end = body[i + 1] === "/" ? body.indexOf("\n", i) : body.indexOf("*/", i + 2);
      i = end < 0 ? body.length : end + (body[i + 1] === "/" ? 0 : 2);
      continue;
    } else if (c === '"' || c === "'" || c === "`") {
      open = i;
      quote = c;
    }
    i++;
  }
  return spans;
}

/**
 * `<script attrs>body</script>` blocks, found with indexOf in one pass (a lazy regex over a file of
 * unclosed `<script>` tags is quadratic): [whole, attributes, body] plus where the body starts.
 */
function scriptBlocks(text: string): Array<[string, string, string] & { start: number }> {
  const lower = text.toLowerCase();
  const blocks: Array<[string, string, string] & { start: number }> = [];
  let from = 0;
  for (;;) {
    const open = lower.indexOf("<script", from);
    if (open < 0) break;
    const tagEnd = lower.indexOf(">", open);
    if (tagEnd < 0) break;
    const close = lower.indexOf("</script>", tagEnd);
    if (close < 0) break;
    const attributes = text.slice(open + "<script".length, tagEnd);
    if (/^[\w-]/.test(attributes)) {
      from = open + 1; // `<scripts>`, `<script-x>`: not a script tag
      continue;
    }
    blocks.push(
      Object.assign(
        [text.slice(open, close + 9), attributes, text.slice(tagEnd + 1, close)] as [string, string, string],
        { start: tagEnd + 1 },
      ),
    );
    from = close + 9;
  }
  return blocks;
}
