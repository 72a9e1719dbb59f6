import type { SyntaxNode } from "@lezer/common";
import { insideLoop, isBoundedByCode, type Loop, loopsIn, runsOnce } from "../loops.js";
import { assignmentsInScope, callParts, children, classBases, enclosingDef, type PythonFile, simpleAssignments } from "../python.js";
import { instanceModel } from "../instances.js";
import { chainLinks, isEagerLoaded, querysetOf, type QuerysetInfo } from "../querysets.js";
import type { SourceFile } from "../source.js";
import type { Rule, RuleHit } from "../types.js";

const isPython = (f: SourceFile) => f.kind === "python" && !f.isMigration;
const MANAGER_CALLS = new Set(["all", "count", "filter", "exclude", "exists", "first", "last", "get", "order_by", "values", "values_list", "aggregate", "annotate"]);

function loopQueryset(py: PythonFile, loop: Loop): QuerysetInfo | undefined {
  if (!loop.iterable) return undefined;
  return querysetOf(py, loop.iterable, assignmentsInScope(py, loop.node));
}

/** Attribute chains in a loop body rooted at the loop variable: `order.customer.name` -> [order, customer, name]. */
function rowAccesses(py: PythonFile, loop: Loop): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (const part of loop.body) {
    const nodes = part.name === "MemberExpression" ? [part, ...py.within(part, "MemberExpression")] : py.within(part, "MemberExpression");
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

const relatedAccessInLoop: Rule = {
  id: "DJ101",
  title: "Related object read in a loop without select_related/prefetch_related (N+1)",
  severity: "major",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "Each iteration fetches the related row(s) with its own query: N+1 queries per request. Load them with the queryset: `select_related(\"fk\")` for ForeignKey/OneToOne, `prefetch_related(\"rel\")` for reverse and many-to-many relations.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const loop of loopsIn(py)) {
      if (!loop.variable) continue;
      const qs = loopQueryset(py, loop);
      if (!qs) continue;
      const model = project.model(qs.model);
      const reported = new Set<string>();
      for (const access of rowAccesses(py, loop)) {
        const links = chainLinks(py, access.parent?.name === "CallExpression" ? access.parent : access);
        const relation = links[1];
        const next = links[2];
        if (!relation || !next || relation.call || reported.has(relation.name)) continue;
        const name = relation.name;
        let kind: "forward" | "manager" | undefined;
        if (/_set$/.test(name) || (next.call && MANAGER_CALLS.has(next.name))) kind = "manager";
        else if (model?.fields.get(name)?.forward) kind = "forward";
        else if (!model && project.relationNames.has(name) && !next.call) kind = "forward";
        if (!kind || isEagerLoaded(qs, name)) continue;
        if (kind === "manager" && model && !/_set$/.test(name) && model.fields.has(name) && !model.fields.get(name)?.manyToMany) continue;
        reported.add(name);
        const relationName = name.replace(/_set$/, "");
        const filtered = kind === "manager" && next.call && !/^(all|count|exists)$/.test(next.name);
        const loader = kind === "forward" ? `select_related("${name}")` : `prefetch_related("${relationName}")`;
        const idHint = kind === "forward" && (next.name === "id" || next.name === "pk") ? ` (or read \`${loop.variable}.${name}_id\`)` : "";
        const advice = filtered
          ? `\`.${next.name}()\` on it queries again even when prefetched: prefetch the subset with \`Prefetch("${relationName}", queryset=..., to_attr=...)\` and read that list`
          : `add \`${loader}\` to the queryset${idHint}`;
        hits.push({
          line: py.lineOf(access),
          causeLines: querysetCauseLines(file, qs),
          message: `\`${loop.variable}.${name}\` runs a query for every row of the loop at line ${loop.line}; ${advice}.`,
        });
      }
    }
    return hits;
  },
};

const READ_METHODS = new Set(["get", "filter", "exclude", "first", "last", "count", "exists", "aggregate", "latest", "earliest", "values", "values_list", "get_or_create", "in_bulk"]);

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
      if (isWhile || (loop.variable !== undefined && new RegExp(`\\b${loop.variable}\\b`).test(py.src(value)))) return true;
    }
  }
  return false;
}

const queryInLoop: Rule = {
  id: "DJ102",
  title: "Database query inside a loop",
  severity: "major",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "A query per iteration multiplies round-trips with the data size. Fetch everything in one query before the loop (`filter(pk__in=...)`, `in_bulk()`, a dict keyed by id, or an annotation) and look rows up in memory.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const loops = loopsIn(py);
    if (loops.length === 0 && py.nodes("WhileStatement").length === 0) return [];
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const links = chainLinks(py, call);
      const last = links.at(-1);
      if (!last?.call || !READ_METHODS.has(last.name)) continue;
      if (!links.some((l) => l.name === "objects")) continue;
      if (call.parent?.name === "MemberExpression") continue; // inner part of a longer chain
      const loop = insideLoop(py, call, loops);
      if (!loop || isBoundedByCode(py, loop) || runsOnce(loop) || isBatchQuery(py, call, loop)) continue;
      hits.push({
        line: py.lineOf(call),
        message: `\`${links.map((l) => l.name).join(".")}()\` runs once per iteration of the loop at line ${loop.line}; query once before the loop and look rows up in memory.`,
      });
    }
    return hits;
  },
};

const VIEW_BASE = /(ViewSet|APIView|ListAPIView|GenericAPIView|ListCreateAPIView|RetrieveAPIView|ListView|Mixin)$/;

const drfQuerysetWithoutEagerLoading: Rule = {
  id: "DJ103",
  title: "DRF view serialises relations but its queryset loads none",
  severity: "major",
  category: "queries",
  tags: ["n+1", "drf"],
  persona: "architect",
  explanation:
    "The serializer reads related objects for every row it renders, so a list endpoint runs one query per row per relation. Add `select_related()` / `prefetch_related()` for those relations to `queryset` or `get_queryset()`.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      if (!classBases(py, cls).some((b) => VIEW_BASE.test(b))) continue;
      const attrs = simpleAssignments(py, cls);
      const serializerName = attrs.find((a) => a.name === "serializer_class")?.value;
      const serializer = serializerName ? project.serializers.get(py.src(serializerName).split(".").pop() ?? "") : undefined;
      if (!serializer || serializer.relatedReasons.length === 0) continue;
      const why = serializer.relatedReasons.slice(0, 2).join(", ");
      const queryset = attrs.find((a) => a.name === "queryset");
      const candidates: Array<{ node: SyntaxNode; qs: QuerysetInfo | undefined }> = [];
      if (queryset) candidates.push({ node: queryset.statement, qs: querysetOf(py, queryset.value) });
      const getQueryset = cls.getChild("Body")?.getChildren("FunctionDefinition").find((d) => py.src(d.getChild("VariableName") ?? d) === "get_queryset");
      if (getQueryset) {
        for (const ret of py.within(getQueryset, "ReturnStatement")) {
          const value = children(ret)[1];
          if (value) candidates.push({ node: ret, qs: querysetOf(py, value, assignmentsInScope(py, ret)) });
        }
      }
      if (candidates.length === 0) continue;
      // super().get_queryset() or self.queryset chains inherit the class attribute's loading.
      const classLoads = candidates.some((c) => c.qs && (c.qs.eager.size > 0 || c.qs.eagerAll));
      if (classLoads) continue;
      const first = candidates[0] as { node: SyntaxNode };
      hits.push({
        line: py.lineOf(first.node),
        causeLines: [py.lineOf(cls), ...candidates.map((c) => py.lineOf(c.node))],
        message: `\`${serializer.name}\` reads relations (${why}) but this queryset has no \`select_related\`/\`prefetch_related\`: one query per row per relation.`,
      });
    }
    return hits;
  },
};

/** Whether a queryset variable is iterated in its function (then len()/bool() reuse the fetched rows). */
function isIteratedLater(py: PythonFile, node: SyntaxNode): boolean {
  if (node.name !== "VariableName") return false;
  const name = py.src(node);
  const def = enclosingDef(node);
  if (!def) return false;
  return loopsIn(py).some((l) => l.iterable && py.src(l.iterable) === name && def.from <= l.node.from && l.node.to <= def.to) ||
    py.within(def, "CallExpression").some((c) => {
      const parts = callParts(py, c);
      return parts !== undefined && ["list", "tuple", "sorted", "set"].includes(parts.name) && parts.positional[0] !== undefined && py.src(parts.positional[0]) === name;
    });
}

const lenOfQueryset: Rule = {
  id: "DJ104",
  title: "`len()` of a queryset that is not otherwise used",
  severity: "minor",
  category: "queries",
  persona: "architect",
  explanation:
    "`len(qs)` fetches every row into memory only to count them. Use `qs.count()` (a `SELECT COUNT(*)`) unless the rows are iterated anyway.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      const arg = parts?.positional[0];
      if (parts?.name !== "len" || parts.receiver || !arg) continue;
      const qs = querysetOf(py, arg, assignmentsInScope(py, call));
      if (!qs || qs.sliced || isIteratedLater(py, arg)) continue;
      hits.push({ line: py.lineOf(call), causeLines: qs.lines, message: `\`len(${py.src(arg)})\` loads every row to count them; use \`.count()\`.` });
    }
    return hits;
  },
};

function conditionNodes(py: PythonFile): SyntaxNode[] {
  const tests: SyntaxNode[] = [];
  for (const type of ["IfStatement", "WhileStatement"]) {
    for (const statement of py.nodes(type)) {
      for (const part of children(statement)) {
        if (part.name === "if" || part.name === "elif" || part.name === "while") {
          const test = part.nextSibling;
          if (test) tests.push(test);
        }
      }
    }
  }
  for (const expr of py.nodes("ConditionalExpression")) {
    const parts = children(expr);
    const ifAt = parts.findIndex((p) => p.name === "if");
    if (parts[ifAt + 1]) tests.push(parts[ifAt + 1] as SyntaxNode);
  }
  // expand `a and b`, `a or b`, `not a`
  const expanded: SyntaxNode[] = [];
  const visit = (node: SyntaxNode) => {
    const parts = children(node);
    if (node.name === "BinaryExpression" && parts.some((p) => p.name === "and" || p.name === "or")) {
      for (const p of parts) if (p.name !== "and" && p.name !== "or") visit(p);
    } else if (node.name === "UnaryExpression" && parts[0]?.name === "not" && parts[1]) visit(parts[1]);
    else if (node.name === "ParenthesizedExpression" && parts[1]) visit(parts[1]);
    else expanded.push(node);
  };
  tests.forEach(visit);
  return expanded;
}

const querysetTruthiness: Rule = {
  id: "DJ105",
  title: "Queryset used as a boolean",
  severity: "minor",
  category: "queries",
  persona: "architect",
  explanation:
    "`if qs:` evaluates the whole queryset, fetching every row, just to see if there is one. Use `qs.exists()` (a `LIMIT 1` query) unless the rows are used right after.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const test of conditionNodes(py)) {
      const qs = querysetOf(py, test, assignmentsInScope(py, test));
      if (!qs || isIteratedLater(py, test)) continue;
      hits.push({ line: py.lineOf(test), causeLines: qs.lines, message: `\`${py.src(test)}\` as a condition fetches every row; use \`.exists()\`.` });
    }
    return hits;
  },
};

const countForExistence: Rule = {
  id: "DJ106",
  title: "`count()` used to test for existence",
  severity: "minor",
  category: "queries",
  persona: "architect",
  explanation: "Counting every matching row to compare with zero is slower than asking for one: use `.exists()` (or `not ....exists()`).",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const isCount = (node: SyntaxNode | undefined) => {
      if (node?.name !== "CallExpression") return false;
      const links = chainLinks(py, node);
      return links.at(-1)?.name === "count" && (callParts(py, node)?.positional.length ?? 1) === 0 && links.length > 2;
    };
    for (const expr of py.nodes("BinaryExpression")) {
      const parts = children(expr);
      const op = parts.find((p) => p.name === "CompareOp");
      if (!op || parts.length !== 3) continue;
      const [left, , right] = parts as [SyntaxNode, SyntaxNode, SyntaxNode];
      const comparison = `${py.src(op)} ${py.src(right)}`.replace(/\s+/g, " ");
      const reversed = `${py.src(left)} ${py.src(op)}`.replace(/\s+/g, " ");
      if ((isCount(left) && /^(> 0|>= 1|!= 0|== 0|< 1|<= 0)$/.test(comparison)) || (isCount(right) && /^(0 <|1 <=|0 !=|0 ==)$/.test(reversed))) {
        hits.push({ line: py.lineOf(expr), message: `\`${py.src(expr)}\` counts all rows to test for one; use \`.exists()\`.` });
      }
    }
    for (const test of conditionNodes(py)) {
      if (isCount(test)) hits.push({ line: py.lineOf(test), message: `\`if ${py.src(test)}:\` counts all rows to test for one; use \`.exists()\`.` });
    }
    return hits;
  },
};

const TEMPLATE_FOR = /\{%-?\s*for\s+([\w,\s]+?)\s+in\s+([^%]+?)\s*-?%\}|\{%-?\s*endfor\s*-?%\}/g;

const templateRelatedInLoop: Rule = {
  id: "DJ107",
  title: "Template loop reads a relation per row",
  severity: "major",
  category: "queries",
  tags: ["n+1", "templates"],
  persona: "engineer",
  explanation:
    "Inside `{% for %}`, `{{ item.rel.all }}`, `item.rel_set` or `item.rel.count` run a query for every row. Prefetch the relation in the view (`prefetch_related`, or `annotate(Count(...))` for counts).",
  appliesTo: (f) => f.kind === "template",
  check(file, project) {
    const hits: RuleHit[] = [];
    const stack: Array<{ variable: string; line: number }> = [];
    const text = file.text;
    const lineAt = (index: number) => text.slice(0, index).split("\n").length;
    let cursor = 0;
    const flushBody = (end: number) => {
      const top = stack.at(-1);
      if (!top) return;
      const segment = text.slice(cursor, end);
      const pattern = new RegExp(`\\b${escapeRegExp(top.variable)}\\.(\\w+?)(_set)?\\.(all|count|exists|first|last)\\b|\\b${escapeRegExp(top.variable)}\\.(\\w+_set)\\b`, "g");
      for (const m of segment.matchAll(pattern)) {
        const line = lineAt(cursor + (m.index ?? 0));
        hits.push({ line, causeLines: [top.line], message: `\`${m[0]}\` runs a query for every \`${top.variable}\` of the loop at line ${top.line}; prefetch it in the view.` });
      }
      // `{{ order.customer.name }}` through a ForeignKey the project's models declare
      for (const m of segment.matchAll(new RegExp(`\\b${escapeRegExp(top.variable)}\\.(\\w+)\\.(\\w+)`, "g"))) {
        const relation = m[1] as string;
        if (!project.relationNames.has(relation) || /^(id|pk)$/.test(m[2] as string)) continue;
        const line = lineAt(cursor + (m.index ?? 0));
        hits.push({ line, causeLines: [top.line], message: `\`${m[0]}\` follows the \`${relation}\` relation for every row of the loop at line ${top.line}: make sure the view's queryset has \`select_related("${relation}")\`.` });
      }
    };
    for (const m of text.matchAll(TEMPLATE_FOR)) {
      // the tag itself belongs to the enclosing loop: `{% for tag in post.tags.all %}`
      flushBody((m.index ?? 0) + m[0].length);
      cursor = (m.index ?? 0) + m[0].length;
      if (m[1]) stack.push({ variable: (m[1].split(",")[0] ?? "").trim(), line: lineAt(m.index ?? 0) });
      else stack.pop();
    }
    return dedupeByLine(hits);
  },
};

function dedupeByLine(hits: RuleHit[]): RuleHit[] {
  const seen = new Set<number>();
  return hits.filter((h) => !seen.has(h.line) && seen.add(h.line));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const unboundedListEndpoint: Rule = {
  id: "DJ108",
  title: "List endpoint returns an unbounded queryset",
  severity: "minor",
  category: "queries",
  tags: ["drf", "pagination"],
  persona: "architect",
  explanation:
    "Serialising every row of a table grows with the data until the endpoint times out. Paginate (`pagination_class`, `Paginator`) or slice the queryset.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      for (const attr of simpleAssignments(py, cls)) {
        if (attr.name === "pagination_class" && py.src(attr.value) === "None") {
          hits.push({ line: py.lineOf(attr.statement), message: "`pagination_class = None` makes this list endpoint return every row." });
        }
      }
    }
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !/Serializer$/.test(parts.name) || py.src(parts.keywords.get("many") ?? call) !== "True") continue;
      const arg = parts.positional[0];
      if (!arg) continue;
      const qs = querysetOf(py, arg, assignmentsInScope(py, call));
      if (!qs || qs.sliced) continue;
      const def = enclosingDef(call);
      if (def && /paginat|Paginator|\[\s*:\s*\w+\s*\]|\[\s*\w+\s*:\s*\w+\s*\]/.test(py.src(def))) continue;
      hits.push({ line: py.lineOf(call), causeLines: qs.lines, message: `\`${py.src(arg)}\` is serialised whole: paginate or slice it.` });
    }
    return hits;
  },
};

const WRITE_METHODS = new Set(["save", "delete"]);

/** Whether the loop body calls other methods on its row (`row.snapshot()`): hooks that bulk_update() would skip. */
function rowHasOtherCalls(py: PythonFile, loop: Loop, write: SyntaxNode): boolean {
  const body = loop.body[0];
  if (!body || !loop.variable) return false;
  return py.within(body, "CallExpression").some((c) => {
    if (c.from === write.from && c.to === write.to) return false;
    const links = chainLinks(py, c);
    return links[0]?.name === loop.variable && links.length === 2;
  });
}

/** Whether a created row is kept and used further in the loop (children created from it): rows that depend on each other. */
function resultUsedLater(py: PythonFile, call: SyntaxNode, loop: Loop): boolean {
  const statement = call.parent;
  if (statement?.name !== "AssignStatement") return false;
  const target = statement.firstChild;
  const body = loop.body[0];
  if (!target || target.name !== "VariableName" || !body) return false;
  const name = py.src(target);
  return py.within(body, "VariableName").some((v) => v.from > statement.to && py.src(v) === name);
}

const writesInLoop: Rule = {
  id: "DJ110",
  title: "Row-by-row writes in a loop",
  severity: "minor",
  category: "queries",
  tags: ["bulk"],
  persona: "architect",
  explanation:
    "One `save()`/`create()` per row is one round-trip (and one transaction) per row. Use `bulk_create()`, `bulk_update(objs, fields)` or a single `queryset.update(...)`.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const loops = loopsIn(py).filter((l) => l.node.name === "ForStatement");
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const loop = insideLoop(py, call, loops);
      if (!loop || loop.node.name !== "ForStatement") continue;
      const links = chainLinks(py, call);
      const last = links.at(-1);
      if (!last?.call) continue;
      const overQueryset = loopQueryset(py, loop) !== undefined;
      const onRow =
        overQueryset && loop.variable !== undefined && links[0]?.name === loop.variable && WRITE_METHODS.has(last.name) && links.length <= 3 && !rowHasOtherCalls(py, loop, call);
      // `Model.objects.create()` exactly: a custom manager chain (`.with_user(u).create()`) carries side effects bulk_create skips
      const create = last.name === "create" && links.length === 3 && links[1]?.name === "objects" && !resultUsedLater(py, call, loop);
      if (!onRow && !create) continue;
      hits.push({
        line: py.lineOf(call),
        message: create
          ? "`objects.create()` in a loop: collect instances and `bulk_create()` them."
          : `\`${links.map((l) => l.name).join(".")}()\` per row: use \`bulk_update()\` or \`queryset.update()\`.`,
      });
    }
    return hits;
  },
};

/** The model an admin class is registered for: `@admin.register(Model)` or `admin.site.register(Model, Admin)`. */
function adminModel(py: PythonFile, cls: SyntaxNode, name: string): string | undefined {
  const decorated = cls.parent?.name === "DecoratedStatement" ? cls.parent : undefined;
  for (const decorator of decorated?.getChildren("Decorator") ?? []) {
    const m = /register\(\s*(?:[\w.]+\.)?([A-Z]\w*)/.exec(py.src(decorator));
    if (m) return m[1];
  }
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (parts?.name !== "register" || parts.positional.length < 2) continue;
    if (py.src(parts.positional[1] as SyntaxNode) === name) return py.src(parts.positional[0] as SyntaxNode).split(".").pop();
  }
  return undefined;
}

const adminListWithoutSelectRelated: Rule = {
  id: "DJ109",
  title: "Admin `list_display` shows relations without `list_select_related`",
  severity: "minor",
  category: "queries",
  tags: ["n+1", "admin"],
  persona: "engineer",
  explanation:
    "Django's changelist joins the ForeignKeys named in `list_display` itself (`select_related()`, which follows non-null ForeignKeys only). `fk__field` lookups with no plain ForeignKey beside them, and nullable ForeignKeys, cost one query per row and column: set `list_select_related = (\"fk\", ...)` on the ModelAdmin.",
  appliesTo: (f) => f.kind === "python" && /list_display/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      if (!classBases(py, cls).some((b) => /ModelAdmin$/.test(b))) continue;
      const attrs = simpleAssignments(py, cls);
      if (attrs.some((a) => a.name === "list_select_related") || /select_related/.test(py.src(cls))) continue;
      const display = attrs.find((a) => a.name === "list_display");
      if (!display) continue;
      const model = project.model(adminModel(py, cls, py.src(cls.getChild("VariableName") ?? cls)));
      const names = [...py.src(display.value).matchAll(/["']([\w]+)["']/g)].map((m) => m[1] as string);
      // Django's changelist calls select_related() itself when list_display names a ForeignKey, and
      // that follows every non-null ForeignKey: only lookups (`fk__name`) without such a field, and
      // nullable ForeignKeys, are left to one query per row.
      const plainForeign = names.filter((n) => model?.fields.get(n)?.forward === true);
      const autoJoined = plainForeign.length > 0;
      const related = names.filter((n) => (n.includes("__") ? !autoJoined : model?.fields.get(n)?.forward === true && model.fields.get(n)?.nullable === true));
      if (related.length === 0) continue;
      hits.push({ line: py.lineOf(display.statement), message: `\`list_display\` shows ${related.map((r) => `\`${r}\``).join(", ")} through a relation: add \`list_select_related\` so the changelist does not query once per row.` });
    }
    return hits;
  },
};

const serializerMethodQueries: Rule = {
  id: "DJ111",
  title: "`SerializerMethodField` that queries per object",
  severity: "major",
  category: "queries",
  tags: ["n+1", "drf"],
  persona: "architect",
  explanation:
    "A `get_<field>` method runs once per serialised object: a query in it is one query per row of every list response. Annotate the value in the view's queryset (`annotate(Count(...))`), or prefetch the relation and read it in memory.",
  appliesTo: (f) => f.kind === "python" && /Serializer/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      if (!classBases(py, cls).some((b) => /Serializer$/.test(b))) continue;
      for (const def of cls.getChild("Body")?.getChildren("FunctionDefinition") ?? []) {
        const name = py.src(def.getChild("VariableName") ?? def);
        if (!/^get_\w+/.test(name)) continue;
        for (const call of py.within(def, "CallExpression")) {
          if (call.parent?.name === "MemberExpression") continue;
          const links = chainLinks(py, call);
          const last = links.at(-1);
          const viaManager = links.some((l) => l.name === "objects" || /_set$/.test(l.name));
          const onRelation = links[0]?.name === "obj" && links.length >= 3 && MANAGER_CALLS.has(last?.name ?? "");
          if (!last?.call || !(viaManager || onRelation) || !(MANAGER_CALLS.has(last.name) || READ_METHODS.has(last.name))) continue;
          hits.push({ line: py.lineOf(call), causeLines: [py.lineOf(def)], message: `\`${name}\` queries for every serialised object (\`${links.map((l) => l.name).join(".")}()\`): annotate or prefetch it in the view's queryset.` });
          break;
        }
      }
    }
    return hits;
  },
};


const relatedIdThroughObject: Rule = {
  id: "DJ112",
  title: "`obj.fk.id` loads the related row to read a column the row already has",
  severity: "nit",
  category: "queries",
  persona: "architect",
  explanation:
    "`order.customer.id` fetches the customer (one query, unless already loaded) just to read its id, which the order row already holds: use `order.customer_id`.",
  appliesTo: (f) => f.kind === "python" && !f.isMigration && /\.(id|pk)\b/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const member of py.nodes("MemberExpression")) {
      if (member.parent?.name === "MemberExpression") continue;
      const links = chainLinks(py, member);
      const last = links.at(-1);
      if (!last || last.call || !/^(id|pk)$/.test(last.name) || links.length < 3) continue;
      const relation = links.at(-2) as { name: string; call?: SyntaxNode };
      // `x_id` exists only when x is a ForeignKey of the model the root holds, so the root must be known.
      if (relation.call || links.length !== 3) continue;
      const rootNode = (links[0] as { node: SyntaxNode }).node;
      const model = project.model(instanceModel(py, rootNode, project));
      if (!model?.fields.get(relation.name)?.forward) continue;
      const root = links[0]?.name as string;
      hits.push({ line: py.lineOf(member), message: `\`${root}.${relation.name}.${last.name}\` loads the ${relation.name} row; read \`${root}.${relation.name}_id\` instead.` });
    }
    return hits;
  },
};

export const queryRules: Rule[] = [
  relatedAccessInLoop,
  queryInLoop,
  drfQuerysetWithoutEagerLoading,
  lenOfQueryset,
  querysetTruthiness,
  countForExistence,
  templateRelatedInLoop,
  unboundedListEndpoint,
  adminListWithoutSelectRelated,
  writesInLoop,
  serializerMethodQueries,
  relatedIdThroughObject,
];

