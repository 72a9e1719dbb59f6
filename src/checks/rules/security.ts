import type { SyntaxNode } from "@lezer/common";
import { assignmentsInScope, callParts, children, decoratorsOf, enclosingDef, isPlainString, type PythonFile, simpleAssignments } from "../python.js";
import type { SourceFile } from "../source.js";
import { isTrusted } from "../trusted.js";
import type { Rule, RuleHit } from "../types.js";

const isPython = (f: SourceFile) => f.kind === "python";
const isTemplate = (f: SourceFile) => f.kind === "template";

const SQL_NAME = /sql|query|stmt|statement/i;

/** How a string was built from data: an f-string, `%`, `.format()` or `+` with a non-literal. */
function formattedString(py: PythonFile, node: SyntaxNode): string | undefined {
  if (node.name === "FormatString") return py.src(node).includes("{") ? "an f-string" : undefined;
  if (node.name === "BinaryExpression") {
    const parts = children(node);
    const op = parts.find((p) => p.name === "ArithOp");
    const [left, , right] = parts;
    if (!op || !left || !right) return undefined;
    const opText = py.src(op);
    // `"... IN (%s)" % ", ".join(["%s"] * len(ids))` only builds placeholders: the values stay parameters.
    const sqlNamed = left.name === "VariableName" && SQL_NAME.test(py.src(left));
    if (opText === "%" && (left.name === "String" || left.name === "FormatString" || sqlNamed)) return /["']%s["']/.test(py.src(right)) ? undefined : "`%` formatting";
    if (opText === "+" && (left.name !== "String" || right.name !== "String") && (left.name === "String" || right.name === "String" || formattedString(py, left) || formattedString(py, right))) {
      return "string concatenation";
    }
    return undefined;
  }
  if (node.name === "CallExpression") {
    const parts = callParts(py, node);
    const receiver = parts?.receiver;
    if (parts?.name === "format" && receiver && (receiver.name === "String" || receiver.name === "FormatString" || (receiver.name === "VariableName" && SQL_NAME.test(py.src(receiver))))) return "`.format()`";
  }
  return undefined;
}

/** The formatting of `node`, following one assignment of a variable in the same function. */
function formattedVia(py: PythonFile, node: SyntaxNode): string | undefined {
  const scope = assignmentsInScope(py, node);
  const direct = formattedString(py, node);
  if (direct) return buildsOnlyPlaceholders(py, node, scope) ? undefined : direct;
  if (node.name !== "VariableName") return undefined;
  for (const value of scope.get(py.src(node)) ?? []) {
    const how = formattedString(py, value);
    if (how && value.from < node.from && !buildsOnlyPlaceholders(py, value, scope)) return how;
  }
  return undefined;
}

/** Whether `node` is request data: read from `request` directly, or a variable assigned from it. */
function fromRequest(py: PythonFile, node: SyntaxNode): boolean {
  if (REQUEST_DATA.test(py.src(node))) return true;
  if (node.name !== "VariableName") return false;
  return (assignmentsInScope(py, node).get(py.src(node)) ?? []).some((v) => REQUEST_DATA.test(py.src(v)));
}

/** `sql % placeholders` where `placeholders` is built from `"%s"` literals: the values stay parameters. */
function buildsOnlyPlaceholders(py: PythonFile, node: SyntaxNode, assignments: Map<string, SyntaxNode[]>): boolean {
  if (node.name !== "BinaryExpression") return false;
  const right = node.lastChild;
  if (right?.name !== "VariableName") return false;
  const values = assignments.get(py.src(right)) ?? [];
  return values.length > 0 && values.every((v) => /["']%s["']/.test(py.src(v)));
}

const RAW_SQL_CALLS = new Set(["execute", "executemany", "raw", "RawSQL", "extra"]);

const rawSqlFormatting: Rule = {
  id: "DJ401",
  title: "Raw SQL built by string formatting (SQL injection)",
  severity: "critical",
  category: "security",
  tags: ["sql-injection"],
  persona: "architect",
  explanation:
    "Values formatted into SQL text are not escaped: a crafted value changes the query. Pass them as parameters: `cursor.execute(\"... WHERE id = %s\", [value])`, `Model.objects.raw(sql, [value])`, `RawSQL(sql, (value,))`, or use the ORM.",
  appliesTo: (f) => isPython(f) && /\b(execute|executemany|raw|RawSQL|extra|RunSQL)\s*\(/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !RAW_SQL_CALLS.has(parts.name)) continue;
      if ((parts.name === "raw" || parts.name === "execute" || parts.name === "executemany") && !parts.receiver) continue;
      const candidates =
        parts.name === "extra"
          ? [...parts.keywords.values()].flatMap((v) => (v.name === "ArrayExpression" || v.name === "DictionaryExpression" ? children(v) : [v]))
          : [parts.positional[0] ?? parts.keywords.get("sql")].filter((n): n is SyntaxNode => n !== undefined);
      for (const candidate of candidates) {
        const how = formattedVia(py, candidate);
        if (!how || isTrusted(py, candidate)) continue;
        hits.push({ line: py.lineOf(call), message: `SQL for \`${parts.name}()\` is built with ${how}: pass values as query parameters instead.` });
        break;
      }
    }
    return hits;
  },
};

const SAFE_BUILDERS = /^(format_html|format_html_join|escape|render_to_string|conditional_escape|strip_tags|json_script|linebreaks|urlize)$/;

/** A call to an escaping builder, or a variable assigned only from such calls in its function. */
function isAlreadySafe(py: PythonFile, node: SyntaxNode): boolean {
  if (node.name === "CallExpression") return SAFE_BUILDERS.test(callParts(py, node)?.name ?? "");
  if (node.name !== "VariableName") return false;
  const values = assignmentsInScope(py, node).get(py.src(node)) ?? [];
  return values.length > 0 && values.every((v) => v.name === "CallExpression" && SAFE_BUILDERS.test(callParts(py, v)?.name ?? ""));
}

const markSafeOnVariable: Rule = {
  id: "DJ402",
  title: "`mark_safe`/`SafeString` on non-literal text (XSS)",
  severity: "critical",
  category: "security",
  tags: ["xss"],
  persona: "architect",
  explanation:
    "`mark_safe` turns off escaping for the whole string: any user-controlled part becomes HTML/JS in the page. Build HTML with `format_html(\"<a href=\\\"{}\\\">{}</a>\", url, title)` (which escapes the arguments) or `escape()` the values first.",
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
        hits.push({ line: py.lineOf(call), message: `\`${parts.name}(${py.src(arg).slice(0, 40)})\` disables escaping for data: use \`format_html()\` or escape the values.` });
      } else if (parts.name === "format_html" && arg && (arg.name === "FormatString" || formattedString(py, arg))) {
        hits.push({ line: py.lineOf(call), message: "`format_html()` receives an already-formatted string, so nothing is escaped: pass the values as arguments." });
      }
    }
    for (const def of py.nodes("FunctionDefinition")) {
      if (decoratorsOf(py, def).includes("mark_safe")) hits.push({ line: py.lineOf(def), message: "`@mark_safe` marks everything this function returns as safe HTML." });
    }
    return hits;
  },
};

const templateUnescaped: Rule = {
  id: "DJ403",
  title: "Template output with escaping turned off (XSS)",
  severity: "major",
  category: "security",
  tags: ["xss", "templates"],
  persona: "engineer",
  explanation:
    "`|safe`, `|safeseq` and `{% autoescape off %}` print variables as raw HTML: user data there becomes script. Escape by default; build trusted HTML in Python with `format_html`, or sanitise it (bleach/nh3) before marking it safe.",
  appliesTo: isTemplate,
  check(file) {
    const hits: RuleHit[] = [];
    file.lines.forEach((line, index) => {
      for (const m of line.matchAll(/\{\{\s*([^}|]+?)\s*((?:\|[^}]*?)?)\|\s*(safe|safeseq)\b[^}]*\}\}/g)) {
        hits.push({ line: index + 1, message: `\`${m[0]}\` prints \`${m[1]?.trim()}\` without escaping.` });
      }
      if (/\{%-?\s*autoescape\s+off\s*-?%\}/.test(line)) hits.push({ line: index + 1, message: "`{% autoescape off %}` prints every variable in the block without escaping." });
    });
    return hits;
  },
};

const csrfExempt: Rule = {
  id: "DJ404",
  title: "`csrf_exempt` on a view",
  severity: "major",
  category: "security",
  tags: ["csrf"],
  persona: "architect",
  explanation:
    "Without CSRF protection another site can make a logged-in user's browser POST to this view. Keep the check (send the token from JS/htmx); for machine-to-machine webhooks authenticate the sender instead (e.g. verify a signature) and say so in a comment.",
  appliesTo: (f) => isPython(f) && /csrf_exempt/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const decorator of py.nodes("Decorator")) {
      if (/^@\s*(\w+\.)*csrf_exempt\b/.test(py.src(decorator))) hits.push({ line: py.lineOf(decorator), message: "`@csrf_exempt` removes CSRF protection from this view." });
    }
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (parts?.name === "csrf_exempt" && parts.positional.length > 0) hits.push({ line: py.lineOf(call), message: "`csrf_exempt(...)` removes CSRF protection from this view." });
    }
    return hits;
  },
};

interface SettingCheck {
  name: RegExp;
  bad: (value: string) => boolean;
  message: (name: string, value: string) => string;
}

/** Development and test settings legitimately turn DEBUG on and relax hosts and cookies. */
export function isProductionSettings(f: SourceFile): boolean {
  const name = f.path.split("/").pop() ?? "";
  return f.isSettings && !/(^|[_.-])(dev|devel|develop|development|local|test|tests|testing|ci)([_.-]|$)/i.test(name);
}

function settingsRule(rule: Omit<Rule, "appliesTo" | "check">, checks: SettingCheck[]): Rule {
  return {
    ...rule,
    appliesTo: isProductionSettings,
    check(file) {
      const py = file.python;
      const hits: RuleHit[] = [];
      for (const { name, value, statement } of simpleAssignments(py, py.tree.topNode)) {
        const text = py.src(value).replace(/\s+/g, " ").trim();
        for (const check of checks) {
          if (check.name.test(name) && check.bad(text)) hits.push({ line: py.lineOf(statement), message: check.message(name, text) });
        }
      }
      return hits;
    },
  };
}

const debugTrue = settingsRule(
  {
    id: "DJ405",
    title: "`DEBUG = True` in settings",
    severity: "major",
    category: "security",
    tags: ["settings"],
    persona: "architect",
    explanation: "With DEBUG on, error pages show settings, SQL and stack frames to anyone, and Django keeps every query in memory. Read it from the environment, default off: `DEBUG = env.bool(\"DEBUG\", default=False)`.",
  },
  [{ name: /^DEBUG$/, bad: (v) => v === "True", message: () => "`DEBUG = True` is hard-coded: read it from the environment, defaulting to False." }],
);

const hardcodedSecretKey: Rule = {
  id: "DJ406",
  title: "Hard-coded `SECRET_KEY`",
  severity: "critical",
  category: "security",
  tags: ["settings", "secrets"],
  persona: "architect",
  explanation:
    "Anyone with the source can forge sessions, password-reset links and signed data. Load it from the environment or a secrets manager, with no literal fallback: `SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]`.",
  appliesTo: isProductionSettings,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { name, value, statement } of simpleAssignments(py, py.tree.topNode)) {
      if (name !== "SECRET_KEY") continue;
      if (isPlainString(py, value) && py.src(value).length > 4) {
        hits.push({ line: py.lineOf(statement), message: "`SECRET_KEY` is a literal in the source: load it from the environment." });
        continue;
      }
      if (value.name === "CallExpression") {
        const parts = callParts(py, value);
        const fallback = parts?.keywords.get("default") ?? parts?.positional[1];
        if (parts && /^(get|getenv|env|str|config)$/.test(parts.name) && fallback && isPlainString(py, fallback) && py.src(fallback).length > 4) {
          hits.push({ line: py.lineOf(statement), message: "`SECRET_KEY` falls back to a literal when the environment variable is missing: fail instead." });
        }
      }
    }
    return hits;
  },
};

const hostsAndCors = settingsRule(
  {
    id: "DJ407",
    title: "Wildcard `ALLOWED_HOSTS` or CORS allowing every origin",
    severity: "major",
    category: "security",
    tags: ["settings", "cors"],
    persona: "architect",
    explanation:
      "`ALLOWED_HOSTS = [\"*\"]` enables Host-header attacks (poisoned password-reset links, cache poisoning). `CORS_ALLOW_ALL_ORIGINS = True` lets any site read your API responses from a user's browser, worst with credentials. List the real hosts and origins.",
  },
  [
    { name: /^ALLOWED_HOSTS$/, bad: (v) => /^[[(]\s*['"]\*['"]\s*,?\s*[\])]$/.test(v), message: () => "`ALLOWED_HOSTS` accepts any host: list your domains." },
    { name: /^(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL)$/, bad: (v) => v === "True", message: (n) => `\`${n} = True\` lets every website read responses from this API: list allowed origins in \`CORS_ALLOWED_ORIGINS\`.` },
    { name: /^CORS_(ALLOWED_ORIGIN_REGEXES|ORIGIN_REGEX_WHITELIST)$/, bad: (v) => /['"]\^?\.\*\$?['"]/.test(v), message: (n) => `\`${n}\` matches every origin.` },
  ],
);

const insecureCookies = settingsRule(
  {
    id: "DJ408",
    title: "Cookie, HTTPS or HSTS protection turned off",
    severity: "major",
    category: "security",
    tags: ["settings"],
    persona: "architect",
    explanation:
      "Session and CSRF cookies sent over plain HTTP can be stolen on the network; without SSL redirect and HSTS a user can be downgraded to HTTP. In production set `SESSION_COOKIE_SECURE`, `CSRF_COOKIE_SECURE`, `SECURE_SSL_REDIRECT` to True and `SECURE_HSTS_SECONDS` to a large value (`manage.py check --deploy`).",
  },
  [
    { name: /^(SESSION_COOKIE_SECURE|CSRF_COOKIE_SECURE|SECURE_SSL_REDIRECT|SESSION_COOKIE_HTTPONLY)$/, bad: (v) => v === "False", message: (n) => `\`${n} = False\` turns off a protection \`check --deploy\` expects in production.` },
    { name: /^SECURE_HSTS_SECONDS$/, bad: (v) => v === "0", message: () => "`SECURE_HSTS_SECONDS = 0` disables HSTS." },
    { name: /^(SESSION_COOKIE_SAMESITE|CSRF_COOKIE_SAMESITE)$/, bad: (v) => /^(None|['"]None['"])$/.test(v), message: (n) => `\`${n} = None\` sends the cookie on cross-site requests.` },
  ],
);

const REQUEST_DATA = /\brequest\.(body|data|POST|GET|FILES|COOKIES|query_params|headers|META|read\(\))|\brequest\.\w+\[/;

const unsafeDeserialization: Rule = {
  id: "DJ409",
  title: "Unsafe deserialisation or `eval` of data",
  severity: "critical",
  category: "security",
  tags: ["rce"],
  persona: "architect",
  explanation:
    "`pickle`/`marshal` loads, `yaml.load` without a safe loader, and `eval`/`exec` run code chosen by whoever controls the input. Use `json`, `yaml.safe_load`, `ast.literal_eval`, or signed data (`django.core.signing`).",
  appliesTo: (f) => isPython(f) && /pickle|marshal|yaml\.load|\beval\(|\bexec\(|dill|shelve/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const callee = py.src(call.firstChild ?? call).replace(/\s+/g, "");
      const parts = callParts(py, call);
      if (!parts) continue;
      if (/^yaml\.(load|load_all)$/.test(callee)) {
        const loader = py.src(parts.keywords.get("Loader") ?? parts.positional[1] ?? call);
        if (!/Safe|BaseLoader/.test(loader)) hits.push({ line: py.lineOf(call), message: "`yaml.load` without `Loader=yaml.SafeLoader` can build arbitrary objects: use `yaml.safe_load`." });
        continue;
      }
      const dangerous = /^(pickle|cPickle|dill|marshal|_pickle)\.(loads?|Unpickler)$/.test(callee) || /^(eval|exec)$/.test(callee);
      if (!dangerous) continue;
      const arg = parts.positional[0];
      if (!arg) continue;
      if ((callee === "eval" || callee === "exec") && isPlainString(py, arg)) continue;
      if (fromRequest(py, arg)) {
        hits.push({ line: py.lineOf(call), message: `\`${callee}(${py.src(arg).slice(0, 40)})\` on data from outside runs attacker-chosen code.` });
      }
    }
    return hits;
  },
};

const HTMX_UNSAFE = /\bhx-(post|put|patch|delete)\s*=/i;

const htmxWithoutCsrf: Rule = {
  id: "DJ410",
  title: "htmx POST/PUT/PATCH/DELETE without a CSRF token",
  severity: "major",
  category: "security",
  tags: ["csrf", "htmx", "templates"],
  persona: "engineer",
  explanation:
    "htmx requests do not carry Django's CSRF token by themselves: the request is rejected with 403 (and the usual 'fix' is a dangerous `csrf_exempt`). Set it once on `<body hx-headers='{\"X-CSRFToken\": \"{{ csrf_token }}\"}'>` in the base template, or include the token in the form.",
  appliesTo: (f) => isTemplate(f) && HTMX_UNSAFE.test(f.text),
  check(file, project) {
    if (project.hasGlobalHtmxCsrf) return [];
    const hits: RuleHit[] = [];
    const text = file.text;
    if (/hx-headers[^>]*csrf|X-CSRFToken|csrfmiddlewaretoken/i.test(text)) return [];
    const formsWithToken = [...text.matchAll(/<form\b[\s\S]*?<\/form>/gi)].filter((m) => /\{%\s*csrf_token\s*%\}/.test(m[0]));
    file.lines.forEach((line, index) => {
      if (!HTMX_UNSAFE.test(line)) return;
      const offset = file.lines.slice(0, index).reduce((n, l) => n + l.length + 1, 0);
      const insideTokenForm = formsWithToken.some((m) => (m.index ?? 0) <= offset && offset <= (m.index ?? 0) + m[0].length);
      if (!insideTokenForm) hits.push({ line: index + 1, message: "This htmx request sends no CSRF token: set `hx-headers` with `X-CSRFToken` on `<body>` in the base template, or put it in a form with `{% csrf_token %}`." });
    });
    return hits;
  },
};

const formWithoutCsrfToken: Rule = {
  id: "DJ411",
  title: "POST form without `{% csrf_token %}`",
  severity: "major",
  category: "security",
  tags: ["csrf", "templates"],
  persona: "engineer",
  explanation: "Django rejects the POST with 403 (CSRF verification failed). Add `{% csrf_token %}` inside every `<form method=\"post\">` that posts to your site.",
  appliesTo: (f) => isTemplate(f) && /<form/i.test(f.text),
  check(file) {
    const hits: RuleHit[] = [];
    const text = file.text;
    for (const m of text.matchAll(/<form\b([^>]*)>([\s\S]*?)(<\/form>|$)/gi)) {
      const attrs = m[1] ?? "";
      if (!/method\s*=\s*["']?post/i.test(attrs)) continue;
      if (/action\s*=\s*["']?https?:\/\//i.test(attrs)) continue;
      if (/\{%\s*csrf_token\s*%\}|csrfmiddlewaretoken/.test(m[2] ?? "")) continue;
      hits.push({ line: text.slice(0, m.index ?? 0).split("\n").length, message: "This POST form has no `{% csrf_token %}`: Django will reject it with 403." });
    }
    return hits;
  },
};

const openRedirect: Rule = {
  id: "DJ412",
  title: "Redirect to a URL taken from the request (open redirect)",
  severity: "major",
  category: "security",
  tags: ["redirect"],
  persona: "architect",
  explanation:
    "Redirecting to `?next=` unchecked lets a link on your domain send users to a phishing site. Check it with `url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())` and fall back to a safe URL.",
  appliesTo: (f) => isPython(f) && /redirect|Redirect/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !/^(redirect|HttpResponseRedirect|HttpResponsePermanentRedirect)$/.test(parts.name)) continue;
      const arg = parts.positional[0];
      if (!arg) continue;
      const def = enclosingDef(call);
      if (def && /url_has_allowed_host_and_scheme|is_safe_url/.test(py.src(def))) continue;
      if (fromRequest(py, arg)) hits.push({ line: py.lineOf(call), message: "Redirect target comes from the request unchecked: validate it with `url_has_allowed_host_and_scheme`." });
    }
    return hits;
  },
};

const allFieldsExposed: Rule = {
  id: "DJ413",
  title: "ModelForm/serializer exposes `fields = \"__all__\"`",
  severity: "minor",
  category: "security",
  tags: ["mass-assignment"],
  persona: "architect",
  explanation:
    "Every model field becomes writable from the request, including ones added later (`is_staff`, `owner`, prices): a mass-assignment hole. List the fields explicitly.",
  appliesTo: (f) => isPython(f) && /__all__/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const meta of py.nodes("ClassDefinition")) {
      if (py.src(meta.getChild("VariableName") ?? meta) !== "Meta") continue;
      const owner = meta.parent?.parent;
      if (owner?.name !== "ClassDefinition" || !/(Form|Serializer)\b/.test(py.src(owner.getChild("ArgList") ?? owner))) continue;
      for (const attr of simpleAssignments(py, meta)) {
        if (attr.name === "fields" && /^['"]__all__['"]$/.test(py.src(attr.value))) hits.push({ line: py.lineOf(attr.statement), message: "`fields = \"__all__\"` makes every current and future model field writable from requests: list them." });
      }
    }
    return hits;
  },
};

const reflectedResponse: Rule = {
  id: "DJ414",
  title: "HTML response built from request data (reflected XSS)",
  severity: "major",
  category: "security",
  tags: ["xss"],
  persona: "architect",
  explanation:
    "`HttpResponse` defaults to `text/html`: request data formatted into it is rendered as HTML, so a crafted link runs script. Render a template (auto-escaped), `escape()` the value, or return `JsonResponse`/`content_type=\"text/plain\"`.",
  appliesTo: (f) => isPython(f) && /HttpResponse/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !/^HttpResponse(BadRequest|NotFound|Forbidden|ServerError)?$/.test(parts.name)) continue;
      const content = parts.positional[0] ?? parts.keywords.get("content");
      if (!content || parts.keywords.has("content_type")) continue;
      if (formattedString(py, content) && REQUEST_DATA.test(py.src(content)) && !/escape\(/.test(py.src(content))) {
        hits.push({ line: py.lineOf(call), message: "Request data is formatted into an HTML response without escaping." });
      }
    }
    return hits;
  },
};

const variableInScript: Rule = {
  id: "DJ415",
  title: "Template variable inside a `<script>` block",
  severity: "major",
  category: "security",
  tags: ["xss", "templates"],
  persona: "engineer",
  explanation:
    "Django escapes for HTML, not for JavaScript: inside `<script>`, `{{ value }}` can close the string or the tag and run script. Pass data with `{{ value|json_script:\"id\" }}` and `JSON.parse(document.getElementById(\"id\").textContent)`, or at least `|escapejs` inside a JS string.",
  appliesTo: (f) => isTemplate(f) && /<script/i.test(f.text),
  check(file) {
    const hits: RuleHit[] = [];
    const text = file.text;
    for (const block of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (/type\s*=\s*["']?(application\/(ld\+)?json|text\/template|text\/x-template)/i.test(block[1] ?? "")) continue;
      const start = (block.index ?? 0) + block[0].indexOf(">") + 1;
      for (const m of (block[2] ?? "").matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
        if (/\|\s*(escapejs|json_script|safe)\b/.test(m[1] ?? "")) continue; // |safe is DJ403's
        if (/^(csrf_token|request\.path|STATIC_URL)/.test(m[1] ?? "")) continue;
        hits.push({ line: text.slice(0, start + (m.index ?? 0)).split("\n").length, message: `\`{{ ${m[1]} }}\` inside <script> is HTML-escaped, not JS-escaped: use \`json_script\` (or \`|escapejs\` in a string).` });
      }
    }
    return hits;
  },
};

const insecureSetCookie: Rule = {
  id: "DJ416",
  title: "`set_cookie` without `secure` / `httponly`",
  severity: "minor",
  category: "security",
  tags: ["cookies"],
  persona: "architect",
  explanation:
    "A cookie set without `secure=True` travels over plain HTTP, and without `httponly=True` any injected script can read it. Set both (and `samesite`) unless the cookie must be read by JavaScript.",
  appliesTo: (f) => f.kind === "python" && /set_cookie\(/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (parts?.name !== "set_cookie" || !parts.receiver || parts.hasStarArgs) continue;
      const missing = ["secure", "httponly"].filter((k) => !parts.keywords.has(k) || py.src(parts.keywords.get(k) as SyntaxNode) === "False");
      if (missing.length === 0) continue;
      hits.push({ line: py.lineOf(call), message: `\`set_cookie\` without ${missing.map((k) => `\`${k}=True\``).join(" and ")}.` });
    }
    return hits;
  },
};

export const securityRules: Rule[] = [
  rawSqlFormatting,
  markSafeOnVariable,
  templateUnescaped,
  csrfExempt,
  debugTrue,
  hardcodedSecretKey,
  hostsAndCors,
  insecureCookies,
  unsafeDeserialization,
  htmxWithoutCsrf,
  formWithoutCsrfToken,
  openRedirect,
  allFieldsExposed,
  reflectedResponse,
  variableInScript,
  insecureSetCookie,
];
