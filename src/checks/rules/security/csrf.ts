import { callParts } from "../../python.js";
import type { SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython, isTemplate } from "./shared.js";

export const csrfExempt: Rule = {
  id: "DJ404",
  title: "`csrf_exempt` on a view",
  severity: "major",
  category: "security",
  tags: ["csrf"],
  persona: "architect",
  explanation:
    "Without CSRF protection another site can make a logged-in user's browser POST to this view. Keep the check " +
    "(send the token from JS/htmx); for machine-to-machine webhooks authenticate the sender instead (e.g. " +
    "verify a signature) and say so in a comment.",
  appliesTo: (f) => isPython(f) && /csrf_exempt/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const decorator of py.nodes("Decorator")) {
      if (/^@\s*(\w+\.)*csrf_exempt\b/.test(py.src(decorator)))
        hits.push({ line: py.lineOf(decorator), message: "`@csrf_exempt` removes CSRF protection from this view." });
    }
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (parts?.name === "csrf_exempt" && parts.positional.length > 0)
        hits.push({ line: py.lineOf(call), message: "`csrf_exempt(...)` removes CSRF protection from this view." });
    }
    return hits;
  },
};

const HTMX_UNSAFE = /\bhx-(post|put|patch|delete)\s*=/i;

export const htmxWithoutCsrf: Rule = {
  id: "DJ410",
  title: "htmx POST/PUT/PATCH/DELETE without a CSRF token",
  severity: "major",
  category: "security",
  tags: ["csrf", "htmx", "templates"],
  persona: "engineer",
  explanation:
    "htmx requests do not carry Django's CSRF token by themselves: the request is rejected with 403 (and the usual " +
    "'fix' is a dangerous `csrf_exempt`). Set it once on `<body hx-headers='{\"X-CSRFToken\": \"{{ csrf_token " +
    "}}\"}'>` in the base template, or include the token in the form.",
  appliesTo: (f) => isTemplate(f) && HTMX_UNSAFE.test(f.text),
  check(file, project) {
    if (project.hasGlobalHtmxCsrf) return [];
    const hits: RuleHit[] = [];
    const text = file.text;
    if (/hx-headers[^>]*csrf|X-CSRFToken|csrfmiddlewaretoken/i.test(text)) return [];
    const formsWithToken = [...text.matchAll(/<form\b[\s\S]*?<\/form>/gi)].filter((m) =>
      /\{%\s*csrf_token\s*%\}/.test(m[0]),
    );
    file.lines.forEach((line, index) => {
      if (!HTMX_UNSAFE.test(line)) return;
      const offset = file.lines.slice(0, index).reduce((n, l) => n + l.length + 1, 0);
      const insideTokenForm = formsWithToken.some(
        (m) => (m.index ?? 0) <= offset && offset <= (m.index ?? 0) + m[0].length,
      );
      if (!insideTokenForm)
        hits.push({
          line: index + 1,
          message:
            "This htmx request sends no CSRF token: set `hx-headers` with `X-CSRFToken` on `<body>` in the base " +
            "template, or put it in a form with `{% csrf_token %}`.",
        });
    });
    return hits;
  },
};

const HAS_TOKEN = /\{%\s*csrf_token\s*%\}|csrfmiddlewaretoken/;

/**
 * Whether a form body's `{% include "x.html" %}` may render the token: the included template, where the checks
 * read it, has one; where they did not read it, it may (a form's fields partial usually carries the token).
 */
function tokenIncluded(body: string, templates: ReadonlyMap<string, string>): boolean {
  for (const m of body.matchAll(/\{%-?\s*include\s+["']([^"']{1,200})["']/g)) {
    const name = m[1] as string;
    const known = [...templates].find(([path]) => path === name || path.endsWith(`templates/${name}`));
    if (!known || HAS_TOKEN.test(known[1])) return true;
  }
  return /\{%-?\s*include\s+[^"'\s]/.test(body); // `{% include partial %}`: a variable, not known
}

/** Django's built-in tags and those of its contrib apps: none renders a form's fields or its token. */
const BUILTIN_TAGS = new Set(
  (
    "autoescape block comment cycle debug extends filter firstof for if ifchanged include load lorem now " +
    "regroup resetcycle spaceless templatetag url verbatim widthratio with trans translate blocktrans " +
    "blocktranslate plural empty else elif get_current_language get_available_languages language static " +
    "get_static_prefix get_media_prefix localize localtime timezone"
  ).split(" "),
);
/** A template tag, `{% ... %}`, no longer than any real one. */
const TAG = /\{%[\s\S]{0,400}?%\}/g;
/** Form controls written in the template itself. */
const CONTROL = /<(input|select|textarea|button)\b/i;

/**
 * A form whose fields a library or project tag renders (`{% crispy form %}`, `{% bookmark_form form %}`, as
 * opposed to `{{ form }}` or controls written out): such tags render the token with the fields (crispy does
 * unless told not to), and the checks do not read the tag's own template.
 */
function renderedByTag(body: string): boolean {
  const custom = [...body.matchAll(/\{%-?\s*(\w+)/g)]
    .map((m) => m[1] as string)
    .filter((name) => !BUILTIN_TAGS.has(name) && !name.startsWith("end"));
  if (custom.includes("crispy")) return true;
  // Bounded: a hostile body of unclosed `{%` stays linear.
  return custom.length > 0 && !CONTROL.test(body) && !/\{\{/.test(body.replace(TAG, ""));
}

/** What lets a user submit a form: a button (a submit by default), an input other than a hidden one. */
const SUBMITTER = /<button\b|<input\b(?![^>]*\btype\s*=\s*["']?hidden\b)|\{[{%]/i;
/** A script submitting a form: `form.submit()`, `requestSubmit()`, `$(form).trigger("submit")`. */
const SCRIPTED_SUBMIT = /\b(?:request)?[sS]ubmit\s*\(|["']submit["']\s*\)/;

/**
 * A form nothing can submit: no button or visible input (template output or tags might add one) and no script in
 * the template that submits a form. OSF's preview page (b985424ceb) holds a textarea in `<form method="post">`
 * that its script reads and sends with GET: no POST ever leaves it. Enter in a textarea does not submit.
 */
function neverSubmitted(body: string, template: string): boolean {
  // Bounded: a hostile run of unclosed `<textarea` stays linear.
  const outsideTextareas = body.replace(/<textarea\b[^>]{0,500}>[^<]{0,100000}<\/textarea>/gi, "");
  return !SUBMITTER.test(outsideTextareas) && !SCRIPTED_SUBMIT.test(template);
}

const POST_METHOD = /\bmethod\s*=\s*["']?post/i;

/**
 * The change rewrote the opening tag of a form that was a POST form before (ESP 1076415f2d turns a hard-coded
 * action into `{% url %}`) and deleted no token anywhere: the form lacked its token before as it does now, so the
 * change decides nothing about CSRF. A form new to the file, a GET form made POST, or a deleted token is new.
 */
function postedTokenlessBefore(file: SourceFile, line: number): boolean {
  const now = file.lines[line - 1] ?? "";
  const methodElsewhere = (tag: string) => !/\bmethod\s*=/i.test(tag) && !/\bmethod\s*=/i.test(now);
  return (
    file.deletedInBlockOf(line, (old) => /<form\b/i.test(old) && (POST_METHOD.test(old) || methodElsewhere(old))) &&
    !file.removedLines.some((removed) => HAS_TOKEN.test(removed))
  );
}

export const formWithoutCsrfToken: Rule = {
  id: "DJ411",
  title: "POST form without `{% csrf_token %}`",
  severity: "major",
  category: "security",
  tags: ["csrf", "templates"],
  persona: "engineer",
  explanation:
    "Django rejects the POST with 403 (CSRF verification failed). Add `{% csrf_token %}` inside every `<form " +
    'method="post">` that posts to your site.',
  appliesTo: (f) => isTemplate(f) && /<form/i.test(f.text),
  check(file, project) {
    const hits: RuleHit[] = [];
    const text = file.text;
    for (const m of text.matchAll(/<form\b([^>]*)>([\s\S]*?)(<\/form>|$)/gi)) {
      const attrs = m[1] ?? "";
      if (!POST_METHOD.test(attrs)) continue;
      if (/action\s*=\s*["']?https?:\/\//i.test(attrs)) continue;
      if (HAS_TOKEN.test(m[2] ?? "")) continue;
      if (tokenIncluded(m[2] ?? "", project.templates) || renderedByTag(m[2] ?? "")) continue;
      if (neverSubmitted(m[2] ?? "", text)) continue;
      const line = text.slice(0, m.index ?? 0).split("\n").length;
      if (postedTokenlessBefore(file, line)) continue;
      hits.push({
        line,
        message: "This POST form has no `{% csrf_token %}`: Django will reject it with 403.",
      });
    }
    return hits;
  },
};
