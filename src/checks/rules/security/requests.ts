import type { SyntaxNode } from "@lezer/common";
import {
  assignmentsInScope,
  callParts,
  enclosingDef,
  isPlainString,
  type PythonFile,
  simpleAssignments,
} from "../../python.js";
import type { Rule, RuleHit } from "../../types.js";
import type { ProjectIndex } from "../../project.js";
import { WRITERS_UNTRUSTED } from "../../conditions.js";
import { carriesRequestData, isPython, fromRequest, REQUEST_DATA } from "./shared.js";
import { code } from "../../../comments/markdown.js";

export const unsafeDeserialization: Rule = {
  id: "DJ409",
  title: "Unsafe deserialisation or `eval` of data",
  severity: "critical",
  category: "security",
  tags: ["rce"],
  persona: "architect",
  explanation:
    "`pickle`/`marshal` loads, `yaml.load` without a safe loader, and `eval`/`exec` run code chosen by whoever " +
    "controls the input. Use `json`, `yaml.safe_load`, `ast.literal_eval`, or signed data " +
    "(`django.core.signing`).",
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
        if (!/Safe|BaseLoader/.test(loader))
          hits.push({
            line: py.lineOf(call),
            message: "`yaml.load` without `Loader=yaml.SafeLoader` can build arbitrary objects: use `yaml.safe_load`.",
          });
        continue;
      }
      const dangerous =
        /^(pickle|cPickle|dill|marshal|_pickle)\.(loads?|Unpickler)$/.test(callee) || /^(eval|exec)$/.test(callee);
      if (!dangerous) continue;
      const arg = parts.positional[0];
      if (!arg) continue;
      if ((callee === "eval" || callee === "exec") && isPlainString(py, arg)) continue;
      if (fromRequest(py, arg)) {
        hits.push({
          line: py.lineOf(call),
          message: `${code(`${callee}(${py.src(arg).slice(0, 40)})`)} on data from outside runs attacker-chosen code.`,
        });
      }
    }
    return hits;
  },
};

export const openRedirect: Rule = {
  id: "DJ412",
  title: "Redirect to a URL taken from the request (open redirect)",
  severity: "major",
  category: "security",
  tags: ["redirect"],
  persona: "architect",
  explanation:
    "Redirecting to `?next=` unchecked lets a link on your domain send users to a phishing site. Check it with " +
    "`url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, " +
    "require_https=request.is_secure())` and fall back to a safe URL.",
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
      if (fromRequest(py, arg) && !fixedBase(py, arg)) {
        const line = py.lineOf(call);
        hits.push({
          line,
          message:
            "Redirect target comes from the request unchecked: validate it with `url_has_allowed_host_and_scheme`.",
          // `request.META.get("HTTP_REFERER")` respelled `request.headers.get("referer")`: the redirect it made before
          restated: file.deletedInPlaceOf(
            line,
            (old) => headerSpelling(old) === headerSpelling(file.lines[line - 1] ?? ""),
          ),
        });
      }
    }
    return hits;
  },
};

/**
 * A line with its request header reads spelled one way (`request.headers.get("x-next")` for
 * `request.META.get('HTTP_X_NEXT')`), one quote style and no spaces: two spellings of one read compare equal.
 */
function headerSpelling(line: string): string {
  return line
    .replace(/'/g, '"')
    .replace(
      /\bMETA(\.get\(|\[)\s*"HTTP_([A-Z0-9_]+)"/g,
      (_, access: string, name: string) => `headers${access}"${name.toLowerCase().replace(/_/g, "-")}"`,
    )
    .replace(
      /\bheaders(\.get\(|\[)\s*"([\w-]+)"/g,
      (_, access: string, name: string) => `headers${access}"${name.toLowerCase()}"`,
    )
    .replace(/\s+/g, "");
}

/**
 * Whether a redirect variable starts as a URL of this site (`reverse(...)`, a literal path) and the request only
 * adds to its end (`url += "?" + request.GET.urlencode()`): where it goes is fixed, only its query string is not.
 */
function fixedBase(py: PythonFile, arg: SyntaxNode): boolean {
  if (arg.name !== "VariableName") return false;
  const values = assignmentsInScope(py, arg).get(py.src(arg)) ?? [];
  const set = values.filter((v) => v.parent?.name === "AssignStatement");
  // `reverse()` gives a path of this site; after it, or after a literal path, a `?`, `&` or `#` starts the query
  const local = (v: SyntaxNode) => /^reverse(_lazy)?\(/.test(py.src(v)) || /^["']\/\w/.test(py.src(v));
  const appended = (v: SyntaxNode) => v.parent?.name === "UpdateStatement" && /^f?["'][?&#]/.test(py.src(v));
  return set.length > 0 && set.every(local) && values.every((v) => set.includes(v) || appended(v));
}

export const allFieldsExposed: Rule = {
  id: "DJ413",
  title: 'ModelForm/serializer exposes `fields = "__all__"`',
  severity: "minor",
  category: "security",
  tags: ["mass-assignment"],
  persona: "architect",
  explanation:
    "Every model field becomes writable from the request, including ones added later (`is_staff`, `owner`, " +
    "prices): a mass-assignment hole. List the fields explicitly.",
  appliesTo: (f) => isPython(f) && /__all__/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const meta of py.nodes("ClassDefinition")) {
      if (py.src(meta.getChild("VariableName") ?? meta) !== "Meta") continue;
      const owner = meta.parent?.parent;
      if (owner?.name !== "ClassDefinition" || !/(Form|Serializer)\b/.test(py.src(owner.getChild("ArgList") ?? owner)))
        continue;
      // A Meta that listed no fields before the change exposed every field already (DRF before 3.3, Django's
      // ModelForm before 1.8): spelling that out, as those versions came to require, changes nothing exposed.
      const metaEnd = py.line(Math.max(meta.from, meta.to - 1));
      // (A Meta the change wrote, moved in from elsewhere included, has no before here.)
      const header = py.lineOf(meta);
      const before = file.isChanged(header) || file.writtenLines.has(header) ? "" : file.baseOf(header, metaEnd);
      const implicitBefore = before !== "" && !/^\s*(fields|exclude)\s*=/m.test(before);
      const attrs = simpleAssignments(py, meta);
      const model = attrs.find((a) => a.name === "model");
      // A Meta that was there before (here, or moved in from elsewhere and edited on the way) and now says
      // `"__all__"` widens what is exposed; a new Meta's is a policy question unless the model holds what no
      // request may set.
      const existed = !file.isChanged(header);
      const posted = existed || (model !== undefined && holdsPermissions(py.src(model.value), project));
      for (const attr of attrs) {
        if (attr.name === "fields" && /^['"]__all__['"]$/.test(py.src(attr.value)))
          hits.push({
            line: py.lineOf(attr.statement),
            restated: implicitBefore,
            ...(posted ? {} : { condition: WRITERS_UNTRUSTED.hint }),
            message:
              '`fields = "__all__"` makes every current and future model field writable from requests: list them.',
          });
      }
    }
    return hits;
  },
};

/** Fields that grant rights or hold a credential: no request may set them through a form. */
const PERMISSION_FIELDS = /^(is_staff|is_superuser|is_admin|password|role|roles|permissions|user_permissions|groups)$/;

/** Whether the Meta's model is a user model, or one declaring a field that grants rights. */
function holdsPermissions(model: string, project: ProjectIndex): boolean {
  const name = model.split(".").pop() ?? model;
  if (/User$|AUTH_USER_MODEL$/.test(name) || /\bget_user_model\(\)/.test(model)) return true;
  return [...(project.model(name)?.fields.keys() ?? [])].some((field) => PERMISSION_FIELDS.test(field));
}

export const reflectedResponse: Rule = {
  id: "DJ414",
  title: "HTML response built from request data (reflected XSS)",
  severity: "major",
  category: "security",
  tags: ["xss"],
  persona: "architect",
  explanation:
    "`HttpResponse` defaults to `text/html`: request data formatted into it is rendered as HTML, so a crafted link " +
    "runs script. Render a template (auto-escaped), `escape()` the value, or return " +
    '`JsonResponse`/`content_type="text/plain"`.',
  appliesTo: (f) => isPython(f) && /HttpResponse/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !/^HttpResponse(BadRequest|NotFound|Forbidden|ServerError)?$/.test(parts.name)) continue;
      const content = parts.positional[0] ?? parts.keywords.get("content");
      if (!content || parts.keywords.has("content_type")) continue;
      // Directly or through variables: `q = request.GET["q"]` then `HttpResponse(f"<h1>{q}</h1>")`.
      if (carriesRequestData(py, content)) {
        const via =
          content.name === "VariableName" || !REQUEST_DATA.test(py.src(content)) ? ", through a variable," : "";
        const assigned =
          content.name === "VariableName"
            ? (assignmentsInScope(py, content).get(py.src(content)) ?? []).map((v) => py.lineOf(v))
            : [];
        hits.push({
          line: py.lineOf(call),
          endLine: py.line(Math.max(call.from, call.to - 1)),
          causeLines: assigned,
          message: `Request data reaches this HTML response${via} without escaping.`,
        });
      }
    }
    return hits;
  },
};
