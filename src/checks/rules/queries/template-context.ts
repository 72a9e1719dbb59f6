import type { SyntaxNode } from "@lezer/common";
import type { ModelInfo, ProjectIndex } from "../../project.js";
import {
  assignmentsInScope,
  callParts,
  children,
  classBases,
  type PythonFile,
  simpleAssignments,
} from "../../python.js";
import { isEagerLoaded, querysetOf, type QuerysetInfo, unlessForeignSet } from "../../querysets.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

/** `{% for x in key %} ... {% endfor %}` of one template: the loop variable, what it iterates, its body. */
export interface TemplateLoop {
  variable: string;
  iterable: string;
  body: string;
}

const TAG = /\{%-?\s*for\s+([\w,\s]+?)\s+in\s+([^%]+?)\s*-?%\}|\{%-?\s*endfor\s*-?%\}/g;

export function templateLoops(text: string): TemplateLoop[] {
  const loops: TemplateLoop[] = [];
  const open: Array<{ variable: string; iterable: string; start: number }> = [];
  for (const m of text.matchAll(TAG)) {
    const at = m.index ?? 0;
    if (m[1] && m[2])
      open.push({ variable: (m[1].split(",")[0] ?? "").trim(), iterable: m[2].trim(), start: at + m[0].length });
    else {
      const loop = open.pop();
      if (loop) loops.push({ variable: loop.variable, iterable: loop.iterable, body: text.slice(loop.start, at) });
    }
  }
  return loops;
}

/** What a template loop body reads per row of `model` that the queryset does not load: one reason per relation. */
export function perRowReads(loop: TemplateLoop, model: ModelInfo, qs: QuerysetInfo): string[] {
  const reasons = new Map<string, string>();
  const v = loop.variable.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const m of loop.body.matchAll(new RegExp(`\\b${v}\\.(\\w+)(?:\\.(\\w+))?`, "g"))) {
    const name = m[1] as string;
    const next = m[2];
    const field = model.fields.get(name);
    const property = model.queryingProperties.get(name);
    if (field?.forward && next && !/^(id|pk)$/.test(next) && !isEagerLoaded(qs, name))
      reasons.set(name, `${code(`${m[0]}`)} needs ${code(`select_related("${name}")`)}`);
    else if (/_set$/.test(name) || (field?.manyToMany && next && /^(all|count)$/.test(next))) {
      if (!isEagerLoaded(qs, name))
        reasons.set(name, `${code(`${m[0]}`)} needs ${code(`prefetch_related("${name}")`)}`);
    } else if (property && !(property.relation && isEagerLoaded(qs, property.relation))) {
      reasons.set(name, `${code(`${m[0]}`)} is a property that runs ${code(`${property.query}`)}`);
    }
  }
  return [...reasons.values()];
}

/** The project's copy of a template named as Django's loaders would find it (`shop/list.html`). */
function findTemplate(project: ProjectIndex, name: string): { path: string; text: string } | undefined {
  for (const [path, text] of project.templates)
    if (path === `templates/${name}` || path.endsWith(`/templates/${name}`)) return { path, text };
  return undefined;
}

/**
 * `render(request, "t.html", {"k": v})`, `TemplateResponse(request, "t.html", {...})`, `render_to_string("t.html",
 * {...})`.
 */
function renderCalls(py: PythonFile): Array<{ call: SyntaxNode; template: string; context: SyntaxNode }> {
  const found: Array<{ call: SyntaxNode; template: string; context: SyntaxNode }> = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (!parts || parts.receiver) continue;
    const offset =
      parts.name === "render" || parts.name === "TemplateResponse" ? 1 : parts.name === "render_to_string" ? 0 : -1;
    if (offset < 0) continue;
    const template = parts.positional[offset] ?? parts.keywords.get("template_name");
    const context = parts.positional[offset + 1] ?? parts.keywords.get("context");
    if (template?.name !== "String" || context?.name !== "DictionaryExpression") continue;
    found.push({ call, template: py.src(template).replace(/^['"]|['"]$/g, ""), context });
  }
  return found;
}

export const querysetForTemplate: Rule = {
  id: "DJ113",
  title: "Queryset handed to a template that reads relations per row (N+1)",
  severity: "major",
  category: "queries",
  tags: ["n+1", "templates"],
  persona: "engineer",
  explanation:
    "The template loops over this queryset and follows relations (or query-running properties) for every row, so " +
    "the page runs one query per row. Load them in the view: `select_related()` for ForeignKey/OneToOne, " +
    "`prefetch_related()` for reverse and many-to-many relations, or an annotation.",
  appliesTo: (f) => isPython(f) && /\b(render|TemplateResponse|render_to_string|template_name)\b/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const report = (template: string, key: string, value: SyntaxNode, qs: QuerysetInfo, extra: number[]) => {
      const found = findTemplate(project, template);
      const model = project.model(qs.model);
      // A changed template is checked on its own (DJ107); this rule is for views whose template did not change.
      if (!found || !model || project.changedPaths.has(found.path)) return;
      const reads = templateLoops(found.text)
        .filter((loop) => loop.iterable === key)
        .flatMap((loop) => perRowReads(loop, model, qs));
      if (reads.length === 0) return;
      hits.push({
        // On the queryset, where the loading belongs.
        line: qs.lines[0] ?? py.lineOf(value),
        causeLines: [...qs.lines, ...extra],
        message:
          `${code(template)} loops over ${code(key)} and reads per row: ` +
          `${[...new Set(reads)].slice(0, 3).join("; ")}.`,
      });
    };
    for (const { call, template, context } of renderCalls(py)) {
      const entries = children(context).filter((c) => !/^[{},:]$/.test(c.name));
      for (let i = 0; i + 1 < entries.length; i += 2) {
        const [key, value] = [entries[i] as SyntaxNode, entries[i + 1] as SyntaxNode];
        if (key.name !== "String") continue;
        const qs = unlessForeignSet(querysetOf(py, value, assignmentsInScope(py, call)), project);
        if (qs) report(template, py.src(key).replace(/^['"]|['"]$/g, ""), value, qs, [py.lineOf(call)]);
      }
    }
    // ListView-style classes: `template_name` with `queryset =` (or `model =`), iterated as `object_list`.
    for (const cls of py.nodes("ClassDefinition")) {
      if (!classBases(py, cls).some((b) => /ListView$/.test(b))) continue;
      const attrs = new Map(simpleAssignments(py, cls).map((a) => [a.name, a.value]));
      const template = attrs.get("template_name");
      const queryset = attrs.get("queryset");
      if (template?.name !== "String" || !queryset) continue;
      const qs = querysetOf(py, queryset);
      if (!qs) continue;
      const name = py.src(template).replace(/^['"]|['"]$/g, "");
      const keys = new Set(["object_list", `${(qs.model ?? "").toLowerCase()}_list`]);
      const named = attrs.get("context_object_name");
      if (named?.name === "String") keys.add(py.src(named).replace(/^['"]|['"]$/g, ""));
      for (const key of keys) report(name, key, queryset, qs, [py.lineOf(template)]);
    }
    return dedupe(hits);
  },
};

function dedupe(hits: RuleHit[]): RuleHit[] {
  const seen = new Set<number>();
  return hits.filter((h) => !seen.has(h.line) && seen.add(h.line));
}
