import type { ProjectIndex } from "../../project.js";
import type { Rule, RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";

const TEMPLATE_FOR = /\{%-?\s*for\s+([\w,\s]+?)\s+in\s+([^%]+?)\s*-?%\}|\{%-?\s*endfor\s*-?%\}/g;

export const templateRelatedInLoop: Rule = {
  id: "DJ107",
  title: "Template loop reads a relation per row",
  severity: "major",
  category: "queries",
  tags: ["n+1", "templates"],
  persona: "engineer",
  explanation:
    "Inside `{% for %}`, `{{ item.rel.all }}`, `item.rel_set` or `item.rel.count` run a query for every row. " +
    "Prefetch the relation in the view (`prefetch_related`, or `annotate(Count(...))` for counts).",
  appliesTo: (f) => f.kind === "template",
  check(file, project) {
    const hits: RuleHit[] = [];
    const stack: TemplateLoop[] = [];
    const text = file.text;
    const lineAt = (index: number) => text.slice(0, index).split("\n").length;
    // A loop over the same name before the change: a new iterable (rows from elsewhere) does not make its body's
    // reads new; only a changed body line does. A loop the change adds makes every read in it new.
    const causes = (loop: TemplateLoop) =>
      new RegExp(`\\{%-?\\s*for\\s+${escapeRegExp(loop.variable)}\\b`).test(file.removedLines.join("\n"))
        ? []
        : [loop.line];
    let cursor = 0;
    const flushBody = (end: number) => {
      const top = stack.at(-1);
      if (!top) return;
      const segment = text.slice(cursor, end);
      const variable = escapeRegExp(top.variable);
      const pattern = new RegExp(
        `\\b${variable}\\.(\\w+?)(_set)?\\.(all|count|exists|first|last)\\b|\\b${variable}\\.(\\w+_set)\\b`,
        "g",
      );
      for (const m of segment.matchAll(pattern)) {
        // `report.changes_summary.count`: a dict the change's view attaches to each row, not a relation
        if (m[1] && !m[2] && project.attachedByChange.has(m[1])) continue;
        const relation = m[4] ?? `${m[1]}${m[2] ?? ""}`;
        // `cmd.as_set`: `x_set` is a reverse manager only where a model named `x` has one
        if (!project.mayBeReverseAccessor(relation) || loadedByTheChange(top, relation, project)) continue;
        // `embargo.registrations.all` where the change's view prefetches `registrations` (a `Prefetch()` on a
        // queryset its helper is handed, so the rows' model is not known): all/count/exists read the prefetched
        // rows; first/last order them afresh, a query each.
        if (/^(all|count|exists)$/.test(m[3] ?? "") && project.prefetchedByChange.has(relation)) continue;
        const line = lineAt(cursor + (m.index ?? 0));
        hits.push({
          line,
          causeLines: causes(top),
          // read on a deleted line already (a reformat, a move): only a loop the change adds makes it new
          restated: file.removedIncludes(m[0]),
          message:
            `${code(m[0])} runs a query for every ${code(top.variable)} of the loop at line ${top.line}; ` +
            `prefetch it in the view.`,
        });
      }
      // `{{ order.customer.name }}` through a ForeignKey the project's models declare
      for (const m of segment.matchAll(new RegExp(`\\b${escapeRegExp(top.variable)}\\.(\\w+)\\.(\\w+)`, "g"))) {
        const relation = m[1] as string;
        if (!project.relationNames.has(relation) || /^(id|pk)$/.test(m[2] as string)) continue;
        if (!rowsOfAModelWith(top, relation, project) || loadedByTheChange(top, relation, project)) continue;
        const line = lineAt(cursor + (m.index ?? 0));
        // The row's related object, read before the change here or on an unchanged line of the loop, is cached on
        // the row: the new read adds no query.
        const access = `${top.variable}.${relation}.`;
        if (readOnUnchangedLine(segment, cursor, access)) continue;
        hits.push({
          line,
          causeLines: causes(top),
          restated: file.removedIncludes(access),
          message:
            `${code(m[0])} follows the ${code(relation)} relation for every row of the loop at line ` +
            `${top.line}: make sure the view's queryset has ${code(`select_related("${relation}")`)}.`,
        });
      }
    };
    const readOnUnchangedLine = (segment: string, from: number, access: string) => {
      for (let at = segment.indexOf(access); at >= 0; at = segment.indexOf(access, at + 1))
        if (!file.isChanged(lineAt(from + at))) return true;
      return false;
    };
    for (const m of text.matchAll(TEMPLATE_FOR)) {
      // the tag itself belongs to the enclosing loop: `{% for tag in post.tags.all %}`
      flushBody((m.index ?? 0) + m[0].length);
      cursor = (m.index ?? 0) + m[0].length;
      if (m[1])
        stack.push({
          variable: (m[1].split(",")[0] ?? "").trim(),
          iterable: (m[2] ?? "").trim(),
          line: lineAt(m.index ?? 0),
        });
      else stack.pop();
    }
    return dedupeByLine(hits);
  },
};

interface TemplateLoop {
  variable: string;
  iterable: string;
  line: number;
}

/** What a list view or a related manager hands a template: rows of a queryset. */
const QUERYSET_ITERABLE = /(^|\.)(object_list|page_obj|all|\w+_list|\w+_set\.all)$/;

/**
 * Evidence that the loop's rows are instances of a model declaring `relation` (a name alone is not: a dict
 * row built in the view, `{"product": product}`, has a `product` too): the rows come from a queryset the
 * view hands over, or the loop variable is named after such a model (`{% for medication in ... %}`).
 */
function rowsOfAModelWith(loop: TemplateLoop, relation: string, project: ProjectIndex): boolean {
  if (QUERYSET_ITERABLE.test(loop.iterable)) return true;
  const name = loop.variable.replace(/_/g, "").toLowerCase();
  return [...project.models.values()].some(
    (m) => m.name.toLowerCase() === name && m.fields.get(relation)?.forward === true,
  );
}

/**
 * Whether the change's own Python loads `relation` with rows of the model the loop variable is named for (the
 * view or widget that renders this template, changed with it): `automation.project` where the change builds
 * `Automation.objects...select_related("project")`.
 */
function loadedByTheChange(loop: TemplateLoop, relation: string, project: ProjectIndex): boolean {
  // `{% for answer in adjudicator.answers.all %}` where the change prefetches `answers__question`: the rows come
  // from the prefetch, each with its question.
  const manager = /(\w+)\.all$/.exec(loop.iterable)?.[1];
  if (manager && project.prefetchedByChange.get(manager)?.has(relation)) return true;
  const name = loop.variable.replace(/_/g, "").toLowerCase();
  // ...or the context value the loop iterates was built with it: `{% for e in executions %}`, `executions = ...`
  const iterated = `=${/(\w+)$/.exec(loop.iterable)?.[1] ?? ""}`;
  return [...project.loadedByChange].some(
    ([key, relations]) =>
      (key.toLowerCase() === name || key === iterated) && (relations.has(relation) || relations.has("*")),
  );
}

function dedupeByLine(hits: RuleHit[]): RuleHit[] {
  const seen = new Set<number>();
  return hits.filter((h) => !seen.has(h.line) && seen.add(h.line));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
