import type { SyntaxNode } from "@lezer/common";
import { insideLoop, isBoundedByCode, type Loop, loopsIn, runsOnce } from "../../loops.js";
import { ancestors, callParts, children, type PythonFile } from "../../python.js";
import { chainLinks, isEagerLoaded, type QuerysetInfo } from "../../querysets.js";
import type { SourceFile } from "../../source.js";
import type { ProjectIndex } from "../../project.js";
import type { Rule, RuleHit } from "../../types.js";
import { helperQueriesInLoops } from "./helper-calls.js";
import { allOfManager, isPython, MANAGER_CALLS, loopQueryset, perIterationCondition } from "./shared.js";
import { code } from "../../../comments/markdown.js";

/** Attribute chains in a loop body rooted at the loop variable: `order.customer.name` -> [order, customer, name]. */
function rowAccesses(py: PythonFile, loop: Loop): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (const part of loop.body) {
    const nodes =
      part.name === "MemberExpression"
        ? [part, ...py.within(part, "MemberExpression")]
        : py.within(part, "MemberExpression");
    for (const node of nodes) {
      // only the outermost member expression of a chain
      if (node.parent?.name === "MemberExpression") continue;
      if (py.src(node).split(".")[0]?.trim() === loop.variable) found.push(node);
    }
  }
  return found;
}

/**
 * The queryset lines whose change makes an N+1 in an unchanged loop body new: a queryset the change
 * writes from scratch, or one whose eager loading the change removed. Editing a loop header for other
 * reasons (a filter, a rename) leaves the body's existing N+1 to the model, not to a rule finding.
 */
function querysetCauseLines(file: SourceFile, qs: QuerysetInfo): number[] {
  const removedLoading = file.removedLines.some((line) => /\b(select_related|prefetch_related)\b/.test(line));
  if (removedLoading) return qs.lines;
  return qs.lines.filter((line) => file.isChanged(line) && !file.deletedAt.has(line));
}

/** `x == y`, `x != y`, `x is None`, `x is not y`: an operand of an equality or identity comparison. */
function isCompared(py: PythonFile, node: SyntaxNode): boolean {
  const parent = node.parent;
  if (parent?.name !== "BinaryExpression") return false;
  return children(parent).some((c) => (c.name === "CompareOp" && /^[!=]=$/.test(py.src(c))) || c.name === "is");
}

/**
 * `for ref in finding.refs.all(): ref.vuln` where the change prefetches `refs` with `vuln` loaded
 * (`Prefetch("refs", queryset=Ref.objects.select_related("vuln"))`): the loop reads the prefetched rows, and a
 * `select_related` on the manager would bypass them (DefectDojo 775a705f3b).
 */
function prefetchedWith(py: PythonFile, loop: Loop, relation: string, project: ProjectIndex): boolean {
  const all = loop.iterable ? allOfManager(py, loop.iterable) : undefined;
  return all !== undefined && project.prefetchedByChange.get(all.manager)?.has(relation) === true;
}

/**
 * The ForeignKey a loop over a reverse manager walks back to the manager's own instance
 * (`for r in guid.cedar_metadata_records.filter(...)` -> `guid`, declared with that related_name): Django sets it on
 * every row the manager yields, so reading it runs no query. An accessor left to its default (`record_set`) is
 * walked back through the rows' model's only ForeignKey without a related_name, when it has just one.
 */
function managerBackReference(py: PythonFile, loop: Loop, project: ProjectIndex): string | undefined {
  if (!loop.iterable) return undefined;
  for (const link of chainLinks(py, loop.iterable).slice(1)) {
    if (link.call) return undefined;
    const named = project.reverseManagers.get(link.name);
    const rowsModel = named
      ? project.model(named)
      : [...project.models.values()].find((m) => link.name === `${m.name.toLowerCase()}_set`);
    const keys = [...(rowsModel?.fields.values() ?? [])].filter((f) => f.forward && !f.manyToMany);
    const back = named
      ? keys.filter((f) => f.relatedName === link.name)
      : keys.filter((f) => f.relatedName === undefined);
    if (rowsModel) return back.length === 1 ? back[0]?.name : undefined;
  }
  return undefined;
}

export const relatedAccessInLoop: Rule = {
  id: "DJ101",
  title: "Related object read in a loop without select_related/prefetch_related (N+1)",
  severity: "major",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "Each iteration fetches the related row(s) with its own query: N+1 queries per request. Load them with the " +
    'queryset: `select_related("fk")` for ForeignKey/OneToOne, `prefetch_related("rel")` for reverse and ' +
    "many-to-many relations.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const loop of loopsIn(py)) {
      if (!loop.variable) continue;
      const qs = loopQueryset(py, loop, project);
      if (!qs) continue;
      const model = project.model(qs.model);
      const reported = new Set<string>();
      // The relation back to the manager's own instance: already loaded on every row.
      const backReference = managerBackReference(py, loop, project);
      const accesses = rowAccesses(py, loop);
      // Where the loop first reads `row.<name>` in any form (`if row.cve not in seen:`): that read loads the
      // related row; a later `row.cve.score` reads the cached one. A new line after an unchanged first read
      // adds no query.
      const firstRead = new Map<string, number>();
      for (const access of accesses) {
        const link = chainLinks(py, access)[1];
        if (link && !link.call)
          firstRead.set(link.name, Math.min(firstRead.get(link.name) ?? Infinity, py.lineOf(access)));
      }
      for (const access of accesses) {
        const links = chainLinks(py, access.parent?.name === "CallExpression" ? access.parent : access);
        const relation = links[1];
        const next = links[2];
        if (!relation || reported.has(relation.name) || relation.name === backReference) continue;
        if (relation.call) {
          // `plugin.get_plugin_instance()`: a method of the row's model that runs a query, itself or through another.
          const query = model?.queryingMethods.get(relation.name);
          if (!query) continue;
          reported.add(relation.name);
          hits.push({
            line: py.lineOf(access),
            causeLines: querysetCauseLines(file, qs),
            message:
              `${code(`${loop.variable}.${relation.name}()`)} runs a query (${query}) for every row of the loop at ` +
              `line ${loop.line}; fetch what it needs for all rows in one query before the loop.`,
          });
          continue;
        }
        const property = model?.queryingProperties.get(relation.name);
        if (property && !next?.call) {
          // `order.total` where `total` is a property that queries: the query hides behind an attribute.
          if (property.relation && isEagerLoaded(qs, property.relation) && /\.(all|count)\(\)$/.test(property.query))
            continue;
          reported.add(relation.name);
          const fix = property.relation
            ? /\.(all|count)\(\)$/.test(property.query)
              ? `add ${code(`prefetch_related("${property.relation}")`)} to the queryset`
              : `prefetch the subset with ${code(`Prefetch("${property.relation}", queryset=..., to_attr=...)`)} ` +
                "or annotate it on the queryset"
            : "annotate the value on the queryset, or load what it needs once before the loop";
          hits.push({
            line: py.lineOf(access),
            causeLines: querysetCauseLines(file, qs),
            message:
              `${code(`${loop.variable}.${relation.name}`)} is a property that runs ` +
              `${code(property.query)} for every row of the loop at line ${loop.line}; ${fix}.`,
          });
          continue;
        }
        if (!next) {
          // `row.space == other` / `row.food is None`: the related row is loaded to compare it; its id is on this row.
          if (!model?.fields.get(relation.name)?.forward || isEagerLoaded(qs, relation.name) || !isCompared(py, access))
            continue;
          reported.add(relation.name);
          hits.push({
            line: py.lineOf(access),
            causeLines: querysetCauseLines(file, qs),
            message:
              `${code(`${loop.variable}.${relation.name}`)} loads the ${relation.name} row to compare it, for every ` +
              `row of the loop at line ${loop.line}; compare ${code(`${loop.variable}.${relation.name}_id`)} with ` +
              "the other side's id instead.",
          });
          continue;
        }
        const name = relation.name;
        let kind: "forward" | "manager" | undefined;
        // `.all()` on an attribute is evidence of a manager only where the model, or the project, has one by that name
        if (/_set$/.test(name) || (next.call && MANAGER_CALLS.has(next.name) && (model || project.mayBeManager(name))))
          kind = "manager";
        else if (model?.fields.get(name)?.forward) kind = "forward";
        else if (!model && project.relationNames.has(name) && !next.call) kind = "forward";
        if (!kind || isEagerLoaded(qs, name) || prefetchedWith(py, loop, name, project)) continue;
        if (
          kind === "manager" &&
          model &&
          !/_set$/.test(name) &&
          model.fields.has(name) &&
          !model.fields.get(name)?.manyToMany
        )
          continue;
        reported.add(name);
        const filtered = kind === "manager" && next.call && !/^(all|count|exists)$/.test(next.name);
        // A reverse relation without related_name is prefetched by its accessor: `prefetch_related("line_set")`.
        const loader = kind === "forward" ? `select_related("${name}")` : `prefetch_related("${name}")`;
        const idHint =
          kind === "forward" && (next.name === "id" || next.name === "pk")
            ? ` (or read ${code(`${loop.variable}.${name}_id`)})`
            : "";
        const advice = filtered
          ? `${code(`.${next.name}()`)} on it queries again even when prefetched: prefetch the subset with ` +
            `${code(`Prefetch("${name}", queryset=..., to_attr=...)`)} and read that list`
          : `add ${code(`${loader}`)} to the queryset${idHint}`;
        hits.push({
          line: kind === "forward" ? Math.min(firstRead.get(name) ?? Infinity, py.lineOf(access)) : py.lineOf(access),
          causeLines: querysetCauseLines(file, qs),
          // The same read among the deleted lines (helpdesk 7ed7b43451's `"%s" % ticket.queue.title` become an
          // f-string): rewritten, not new; only a change to the queryset makes it this change's.
          restated: file.removedLines.some((l) => new RegExp(`\\b${loop.variable}\\.${name}\\b`).test(l)),
          message:
            `${code(`${loop.variable}.${name}`)} runs a query for every row of the loop at line ` +
            `${loop.line}; ${advice}.`,
        });
      }
    }
    return hits;
  },
};

export const READ_METHODS = new Set([
  "get",
  "filter",
  "exclude",
  "first",
  "last",
  "count",
  "exists",
  "aggregate",
  "latest",
  "earliest",
  "values",
  "values_list",
  "get_or_create",
  "in_bulk",
]);

const BATCH_LOOKUP = /(__in|__range|^(pk|id)__gte?|^(pk|id)__lte?)$/;

/**
 * A query that walks the data in batches on purpose: a `pk__in=chunk` / `pk__gt=last` / `__range`
 * lookup fed by the loop itself (its variable, or the state of a `while` loop), or a sliced page.
 */
function isBatchQuery(py: PythonFile, call: SyntaxNode, loop: Loop): boolean {
  const isWhile = loop.node.name === "WhileStatement";
  for (const link of chainLinks(py, call)) {
    if (!link.call) continue;
    for (const [key, value] of callParts(py, link.call)?.keywords ?? []) {
      if (!BATCH_LOOKUP.test(key)) continue;
      // `for model, pks in by_type.items(): model.objects.filter(pk__in=pks)`: any name the loop binds counts.
      if (isWhile || loop.targets.some((name) => new RegExp(`\\b${name}\\b`).test(py.src(value)))) return true;
    }
  }
  return false;
}

/**
 * A queryset built as part of another query, not run: `Exists(Bookmark.objects.filter(id=OuterRef("id")))`,
 * `Subquery(...)`, or the value of an `__in` lookup. The query it belongs to runs once, wherever that is.
 */
function isSubquery(py: PythonFile, call: SyntaxNode): boolean {
  // `CveTracker.objects.filter(cve=OuterRef("pk"))`, held in a variable for an Exists(): it can only run inside
  // the query that supplies the outer row.
  if (/\bOuterRef\(/.test(py.src(call))) return true;
  for (const a of ancestors(call)) {
    if (a.name === "CallExpression" && /^(Exists|Subquery)$/.test(callParts(py, a)?.name ?? "")) return true;
    if (a.name === "ArgList" && /__in\s*=\s*$/.test(py.text.slice(Math.max(a.from, call.from - 60), call.from)))
      return true;
    if (a.name === "Body" || a.name === "FunctionDefinition") return false;
  }
  return false;
}

/**
 * Whether a line the change deleted at `line` queried `model` too (`self.t.question_set.all()` for `Question`). Only
 * a model class named in the chain says which table: `self.model.objects` does not.
 */
function respelled(file: SourceFile, line: number, model: string): boolean {
  const name = model.toLowerCase();
  return (
    /^[A-Z]\w*$/.test(model) &&
    file.deletedInPlaceOf(line, (text) => text.toLowerCase().includes(name) && /\.objects\b|_set\b|\.all\(/.test(text))
  );
}

export const queryInLoop: Rule = {
  id: "DJ102",
  title: "Database query inside a loop",
  severity: "major",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "A query per iteration multiplies round-trips with the data size. Fetch everything in one query before the " +
    "loop (`filter(pk__in=...)`, `in_bulk()`, a dict keyed by id, or an annotation) and look rows up in memory.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const loops = loopsIn(py);
    if (loops.length === 0 && py.nodes("WhileStatement").length === 0) return [];
    const hits: RuleHit[] = helperQueriesInLoops(file, project, loops);
    for (const call of py.nodes("CallExpression")) {
      const links = chainLinks(py, call);
      const last = links.at(-1);
      if (!last?.call || !READ_METHODS.has(last.name)) continue;
      if (!links.some((l) => l.name === "objects")) continue;
      if (call.parent?.name === "MemberExpression") continue; // inner part of a longer chain
      const loop = insideLoop(py, call, loops);
      if (!loop || isBoundedByCode(py, loop) || runsOnce(loop) || isBatchQuery(py, call, loop)) continue;
      if (isSubquery(py, call)) continue;
      const line = py.lineOf(call);
      hits.push({
        line,
        // The deleted line in its place queried the same model per iteration (a related manager respelled as a
        // filter): the query is not the change's. (A loop the change adds around a query holds the deletion at its
        // own header, not here.)
        restated: respelled(file, line, links[0]?.name ?? ""),
        message:
          `${code(`${links.map((l) => l.name).join(".")}()`)} runs once per iteration of the loop at ` +
          `line ${loop.line}; query once before the loop and look rows up in memory.`,
        ...perIterationCondition(file, project, call, loop),
      });
    }
    return hits;
  },
};
