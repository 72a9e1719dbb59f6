import type { SyntaxNode } from "@lezer/common";
import {
  ancestors,
  assignmentsInScope,
  callParts,
  children,
  classBases,
  enclosingDef,
  type PythonFile,
  simpleAssignments,
} from "../../python.js";
import { chainLinks, eagerLoading, querysetOf, type QuerysetInfo } from "../../querysets.js";
import type { Rule, RuleHit } from "../../types.js";
import type { ProjectIndex } from "../../project.js";
import type { SourceFile } from "../../source.js";
import { isPython, MANAGER_CALLS } from "./shared.js";
import { READ_METHODS } from "./n-plus-one.js";
import { code } from "../../../comments/markdown.js";
import { permissionQueryIn } from "../../model-queries.js";
import { projectQueryOf } from "./helper-calls.js";
import { serializerReasons } from "../../serializers.js";

const VIEW_BASE = /(ViewSet|APIView|ListAPIView|GenericAPIView|ListCreateAPIView|RetrieveAPIView|ListView|Mixin)$/;

export const drfQuerysetWithoutEagerLoading: Rule = {
  id: "DJ103",
  title: "DRF view serialises relations but its queryset loads none",
  severity: "major",
  category: "queries",
  tags: ["n+1", "drf"],
  persona: "architect",
  explanation:
    "The serializer reads related objects for every row it renders, so a list endpoint runs one query per row per " +
    "relation. Add `select_related()` / `prefetch_related()` for those relations to `queryset` or " +
    "`get_queryset()`.",
  appliesTo: isPython,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      if (!classBases(py, cls).some((b) => VIEW_BASE.test(b))) continue;
      const attrs = simpleAssignments(py, cls);
      // `select_related = [...]` / `prefetch_related = [...]` on the view: the project's base view applies them
      // (Ralph's RalphAPIViewSet); nothing else would give such attributes a meaning.
      if (attrs.some((a) => /^(select_related|prefetch_related)$/.test(a.name))) continue;
      const serializerStatement = attrs.find((a) => a.name === "serializer_class")?.statement;
      const serializerName = attrs.find((a) => a.name === "serializer_class")?.value;
      const serializer = serializerName
        ? project.serializers.get(py.src(serializerName).split(".").pop() ?? "")
        : undefined;
      if (!serializer) continue;
      const reasons = serializerReasons(serializer, (name) => project.isRelationOf(serializer.model, name));
      if (reasons.length === 0) continue;
      const why = reasons.slice(0, 2).join(", ");
      const queryset = attrs.find((a) => a.name === "queryset");
      const candidates: Array<{ node: SyntaxNode; qs: QuerysetInfo | undefined }> = [];
      // `Model.objects.none()` holds no rows (a placeholder for schema generation): nothing to load per row.
      // `return None` from get_queryset (a create-only endpoint) holds none either.
      const placeholder = (value: SyntaxNode) => /\.none\(\s*\)$|^None$/.test(py.src(value));
      if (queryset && !placeholder(queryset.value))
        candidates.push({ node: queryset.statement, qs: querysetOf(py, queryset.value) });
      const getQueryset = cls
        .getChild("Body")
        ?.getChildren("FunctionDefinition")
        .find((d) => py.src(d.getChild("VariableName") ?? d) === "get_queryset");
      if (getQueryset) {
        for (const ret of py.within(getQueryset, "ReturnStatement")) {
          const value = children(ret)[1];
          if (!value || placeholder(value)) continue;
          candidates.push({ node: ret, qs: querysetOf(py, value, assignmentsInScope(py, ret)) });
          // `return self._annotate_and_prefetch(qs)`: what the class's own helper returns is the queryset.
          for (const loaded of helperReturns(py, cls, value))
            candidates.push({
              node: ret,
              qs: { ...eagerLoading(py, chainLinks(py, loaded)), sliced: false, lines: [] },
            });
        }
      }
      if (candidates.length === 0) continue;
      // super().get_queryset() or self.queryset chains inherit the class attribute's loading.
      const classLoads = candidates.some((c) => c.qs && (c.qs.eager.size > 0 || c.qs.eagerAll));
      if (classLoads) continue;
      const first = candidates[0] as { node: SyntaxNode };
      const serializerLine = serializerStatement ? py.lineOf(serializerStatement) : undefined;
      hits.push({
        line: py.lineOf(first.node),
        restated: delegatesToOld(py, first.node, project),
        // What decides the queries: the serializer it names and the querysets it builds. A change to the
        // class's bases or to an unrelated method does not re-raise an untouched queryset, nor does naming the
        // same serializer by the new name the change gives it.
        causeLines: [
          ...(serializerLine && !namesRenamed(file, serializerLine, serializer.name, project) ? [serializerLine] : []),
          ...candidates.filter((c) => !delegatesToOld(py, c.node, project)).map((c) => py.lineOf(c.node)),
        ],
        message:
          `${code(serializer.name)} reads relations (${why}) but this queryset has no ` +
          `\`select_related\`/\`prefetch_related\`: one query per row per relation.`,
      });
    }
    return hits;
  },
};

/**
 * Whether a deleted line of the block that writes `serializer_class = Name` named the class the change renamed to
 * `Name` (Argus 289503faa9 renames DestinationConfigSerializer in place): the view serialises with the same class.
 */
function namesRenamed(file: SourceFile, line: number, name: string, project: ProjectIndex): boolean {
  const before = [...project.renamedClasses].find(([, after]) => after === name)?.[0];
  return (
    before !== undefined &&
    file.deletedInBlockOf(line, (text) => new RegExp(`\\bserializer_class\\s*=\\s*(?:\\w+\\.)*${before}\\b`).test(text))
  );
}

/**
 * `return self._get_queryset(...)` in a new get_queryset, where the change renamed the old get_queryset to
 * `_get_queryset` (Grafana OnCall 2a87bea6ed): the queryset is the one the view served before.
 */
function delegatesToOld(py: PythonFile, node: SyntaxNode, project: ProjectIndex): boolean {
  const renamed = project.renamedFunctions.get("get_queryset");
  const value = node.name === "ReturnStatement" ? children(node)[1] : undefined;
  return renamed !== undefined && value !== undefined && py.src(value).startsWith(`self.${renamed}(`);
}

/** The values a `self.method(...)` call's method returns, when `value` is such a call to a method of `cls`. */
function helperReturns(py: PythonFile, cls: SyntaxNode, value: SyntaxNode): SyntaxNode[] {
  const name = /^self\.(\w+)\s*\(/.exec(py.src(value))?.[1];
  if (value.name !== "CallExpression" || !name) return [];
  const method = cls
    .getChild("Body")
    ?.getChildren("FunctionDefinition")
    .find((d) => py.src(d.getChild("VariableName") ?? d) === name);
  if (!method) return [];
  return py.within(method, "ReturnStatement").flatMap((r) => children(r).slice(1, 2));
}

/** DRF classes whose `list` paginates. */
const LISTS = /(ListModelMixin|ModelViewSet|ReadOnlyModelViewSet|ListAPIView|ListCreateAPIView)$/;
/** DRF classes and mixins with no `list`: a `pagination_class` there is never used. */
const NO_LIST = new RegExp(
  "^(?:\\w+\\.)?(GenericViewSet|ViewSet|ViewSetMixin|GenericAPIView|APIView|" +
    "(Create|Retrieve|Update|Destroy|RetrieveUpdate|RetrieveDestroy|RetrieveUpdateDestroy)APIView)$",
);

/**
 * Whether the class may list through DRF's paginated `list`: a listing base, a base the checks do not know
 * (a project class may be one), or its own call of `paginate_queryset`. A class built only from non-listing
 * DRF classes and mixins (ListModelMixin aside) never reads `pagination_class`.
 */
function listsThroughPagination(py: PythonFile, cls: SyntaxNode): boolean {
  const bases = classBases(py, cls);
  if (bases.some((b) => LISTS.test(b)) || /\bpaginate_queryset\b/.test(py.src(cls))) return true;
  return !bases.every((b) => NO_LIST.test(b) || /Mixin$/.test(b));
}

export const unboundedListEndpoint: Rule = {
  id: "DJ108",
  title: "List endpoint returns an unbounded queryset",
  severity: "minor",
  category: "queries",
  tags: ["drf", "pagination"],
  persona: "architect",
  explanation:
    "Serialising every row of a table grows with the data until the endpoint times out. Paginate " +
    "(`pagination_class`, `Paginator`) or slice the queryset.",
  appliesTo: isPython,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      if (!listsThroughPagination(py, cls)) continue;
      for (const attr of simpleAssignments(py, cls)) {
        if (attr.name === "pagination_class" && py.src(attr.value) === "None") {
          hits.push({
            line: py.lineOf(attr.statement),
            message: "`pagination_class = None` makes this list endpoint return every row.",
          });
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
      // A serializer's own method nesting one object's related rows (a sprint's stories): the list endpoint around
      // it pages the outer objects; a nested relation is not paged.
      if (def && inSerializerClass(py, def)) continue;
      // Serialised to build something else (a grid's column definitions): not what an endpoint returns.
      if (def && !reachesResponse(py, call, def)) continue;
      hits.push({
        line: py.lineOf(call),
        causeLines: qs.lines,
        message: `${code(`${py.src(arg)}`)} is serialised whole: paginate or slice it.`,
      });
    }
    return hits;
  },
};

/** A response the view returns: `return ...`, or the argument of `Response(...)`/`JsonResponse(...)`. */
function inResponse(py: PythonFile, node: SyntaxNode, def: SyntaxNode): boolean {
  for (const a of ancestors(node)) {
    if (a.from < def.from) return false;
    if (a.name === "ReturnStatement") return true;
    if (a.name === "CallExpression" && /Response$/.test(callParts(py, a)?.name ?? "")) return true;
  }
  return false;
}

/**
 * Whether the serialised rows are what the function responds with: directly, or through the name (or the dict,
 * `context["rows"] = ...`) they are assigned to, read later in a response.
 */
function reachesResponse(py: PythonFile, call: SyntaxNode, def: SyntaxNode): boolean {
  if (inResponse(py, call, def)) return true;
  const assignment = [...ancestors(call)].find((a) => a.name === "AssignStatement" && a.from >= def.from);
  const target = assignment?.firstChild;
  const name = target ? /^\w+/.exec(py.src(target))?.[0] : undefined;
  if (!assignment || !name) return false;
  return py
    .within(def, "VariableName")
    .some((v) => v.from > assignment.to && py.src(v) === name && inResponse(py, v, def));
}

function inSerializerClass(py: PythonFile, def: SyntaxNode): boolean {
  const cls = [...ancestors(def)].find((a) => a.name === "ClassDefinition");
  return cls !== undefined && classBases(py, cls).some((b) => /Serializer$/.test(b));
}

/** A deleted line that queried through a manager: `X.objects.filter(`, `obj.tag_set.all(`. */
const PER_OBJECT_QUERY = /\.objects\.\w+\(|_set\.\w+\(/;
/** Source text without whitespace: a query re-wrapped across lines is the same query. */
const squeezed = (text: string) => text.replace(/\s+/g, "");

/** `self.context.get("users_change_perms")`, `self.context["changeable"]`: data a view computed for the page. */
const HANDED_IN = /\bself\.context(?:\.get\(|\[)\s*["'](?!(?:request|view|format)["'])\w+["']/;

export const serializerMethodQueries: Rule = {
  id: "DJ111",
  title: "`SerializerMethodField` that queries per object",
  severity: "major",
  category: "queries",
  tags: ["n+1", "drf"],
  persona: "architect",
  explanation:
    "A `get_<field>` method runs once per serialised object: a query in it is one query per row of every list " +
    "response. Annotate the value in the view's queryset (`annotate(Count(...))`), or prefetch the relation " +
    "and read it in memory.",
  appliesTo: (f) => f.kind === "python" && /Serializer/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const queryOf = projectQueryOf(file, project);
    for (const cls of py.nodes("ClassDefinition")) {
      if (!classBases(py, cls).some((b) => /Serializer$/.test(b))) continue;
      for (const def of cls.getChild("Body")?.getChildren("FunctionDefinition") ?? []) {
        const name = py.src(def.getChild("VariableName") ?? def);
        if (!/^get_\w+/.test(name)) continue;
        // A permission check made per object (guardian's checker built here), or a project helper that queries;
        // not when the method reads what a view handed in through the serializer's context (the page's answers;
        // DRF's own `request`, `view` and `format` entries do not count).
        const batched = HANDED_IN.test(py.src(def));
        const hidden = batched
          ? undefined
          : (permissionQueryIn(py, def) ??
            py
              .within(def, "CallExpression")
              .map((c) => (c.firstChild?.name === "VariableName" ? py.src(c.firstChild) : ""))
              .map((callee) => (callee ? queryOf(callee)?.query : undefined))
              .find((q) => q !== undefined));
        if (hidden) {
          hits.push({
            line: py.lineOf(def),
            endLine: py.line(Math.max(def.from, def.to - 1)),
            message:
              `${code(name)} runs a query (${hidden}) for every serialised object: compute it for the whole page ` +
              "once (in the view, passed through the serializer's context) or annotate it on the queryset.",
          });
          continue;
        }
        for (const call of py.within(def, "CallExpression")) {
          if (call.parent?.name === "MemberExpression") continue;
          const links = chainLinks(py, call);
          const last = links.at(-1);
          const viaManager = links.some((l) => l.name === "objects" || /_set$/.test(l.name));
          const onRelation = links[0]?.name === "obj" && links.length >= 3 && MANAGER_CALLS.has(last?.name ?? "");
          // `obj.user_stories.all()` where the change prefetches user_stories: the rows come from the prefetch.
          const prefetched =
            onRelation &&
            links.length === 3 &&
            /^(all|count|exists)$/.test(last?.name ?? "") &&
            project.prefetchedByChange.has(links[1]?.name ?? "");
          if (prefetched) continue;
          if (
            !last?.call ||
            !(viaManager || onRelation) ||
            !(MANAGER_CALLS.has(last.name) || READ_METHODS.has(last.name))
          )
            continue;
          const line = py.lineOf(call);
          hits.push({
            line,
            // A new method makes its queries new; one the change only renames in place does not.
            causeLines: [...project.renamedFunctions.values()].includes(name) ? [] : [py.lineOf(def)],
            // The deleted line in its place queried per object too (`user.alts.through.objects.filter(source=user)`
            // respelled `user.useraltrelationship_set.all()`): the query is not the change's.
            // The same query on the deleted line (`obj.property.views.first().state` split in two) is not new either.
            restated: file.deletedInPlaceOf(
              line,
              (text) => PER_OBJECT_QUERY.test(text) || squeezed(text).includes(squeezed(py.src(call))),
            ),
            message:
              `${code(name)} queries for every serialised object ` +
              `(${code(`${links.map((l) => l.name).join(".")}()`)}): annotate or prefetch it in the view's ` +
              `queryset.`,
          });
          break;
        }
      }
    }
    return hits;
  },
};
