import type { SyntaxNode } from "@lezer/common";
import type { ProjectIndex } from "../../project.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";
import { either } from "../../../util/regex.js";

const LOADING_CALL = /\b(select_related|prefetch_related|list_select_related)\b\s*[(=]\s*([^)\n]*)/g;
/**
 * A project's own eager-loading queryset method, named the Django way (`.prefetch_workflow_states()`), or Django's
 * `prefetch_related_objects(rows, ...)` over rows already fetched.
 */
const LOADER_CALL = /\.((?:prefetch_(?!related\()|select_related_)\w+)\(/;
const PROJECT_LOADER = either([LOADER_CALL, /\b(prefetch_related_objects)\(/], "g");

/**
 * Relation names a line loads (`select_related("a", "b__c")` -> a, b__c); `*` for a bare `select_related()`;
 * `prefetch_x()` for a call of the project's own loader or of `prefetch_related_objects`.
 */
function loadedNames(line: string): string[] {
  const names: string[] = [];
  for (const m of line.matchAll(LOADING_CALL)) {
    const args = [...(m[2] ?? "").matchAll(/["']([\w]+)["']/g)].map((a) => a[1] as string);
    // `select_related()` loads every non-null relation; `select_related(` left open lists its relations below
    const bare = m[1] === "select_related" && /select_related\(\s*\)/.test(line);
    names.push(...(args.length > 0 ? args : bare ? ["*"] : []));
  }
  for (const m of line.matchAll(PROJECT_LOADER)) names.push(`${m[1] ?? m[2]}()`);
  return names;
}

/** A deleted line that may have loaded relations: a loading call, a project loader, or a line of a relation list. */
const REMOVED_LOADING = either([
  /\b(select_related|prefetch_related|list_select_related)\b/,
  /\.(prefetch|select_related)_\w+\(|\bprefetch_related_objects\(/,
  /^\s*["'][\w]+["'],?/,
]);
/** `for doc in docs` / `for pk, doc in self.items`: the loop target and where its iterable starts. */
const ROW_LOOP = /\bfor\s+(\w+(?:\s*,\s*\w+)*)\s+in\s+([\w.]+)/;

/** Whether `text` still loads `name` (a relation, `*`, or a project loader `prefetch_x()`). */
function stillLoads(text: string, name: string): boolean {
  if (name === "*") return /select_related\(\s*\)/.test(text);
  // a call of the loader, not its definition (`def prefetch_x(self):` renamed in place is not a call of it)
  if (name.endsWith("()")) return new RegExp(`(?<!\\bdef\\s+)\\b${name.slice(0, -2)}\\(`).test(text);
  return loads(text, name) || loadedThroughPrefetch(text, name);
}

/** `path` loaded as itself or on the way to a longer path: `prefetch_related("book__work")` loads `book` too. */
function loads(text: string, path: string): boolean {
  return new RegExp(
    `\\b(select_related|prefetch_related|Prefetch|list_select_related)\\b[^)]*["']${path}(__\\w+)?["']`,
  ).test(text);
}

/**
 * `book__editions__authors` replaced by `book__work__editions__authors`: the change loads the same relation from
 * the same first hop by another route (its models changed the way between them); the rows read are still loaded.
 */
function rerouted(scopeText: string, added: string, path: string): boolean {
  const parts = path.split("__");
  if (parts.length < 2) return false;
  return [...added.matchAll(/["'](\w+__\w+)["']/g)].some((m) => {
    const other = (m[1] as string).split("__");
    return m[1] !== path && other[0] === parts[0] && other.at(-1) === parts.at(-1) && loads(scopeText, m[1] as string);
  });
}

/**
 * A deleted line that fetches a single row: a chain that ends in `.get(...)`/`.first()` (not a dict's `.get()` inside
 * a filter), or `get_object_or_404(...)`.
 */
const ONE_ROW = /\.(get|first|last|earliest|latest)\((?:[^()]|\([^()]*\))*\)\s*(#.*)?$|\bget_object_or_404\(/;

/**
 * `rows = Issue.objects...` that the scope turns into dicts (`rows = list(rows.values(...))`) before reading rows:
 * eager loading does nothing for `values()`.
 */
function readAsValues(statement: string, scopeText: string): boolean {
  const name = /^\s*(\w+)\s*=(?!=)/.exec(statement)?.[1];
  if (name === undefined) return false;
  return new RegExp(`\\b${name}\\s*=\\s*(list\\(\\s*)?${name}\\s*\\.\\s*values(_list)?\\(`).test(scopeText);
}

/** A relation of a Prefetch's rows loaded by a lookup through them: `ethernet_set__ipaddress` for `ipaddress`. */
function keptNested(name: string, scopeText: string, added: string): boolean {
  const through = new RegExp(`["']\\w+__${name}["']`);
  return through.test(scopeText) || through.test(added);
}

/** A comment the change adds that speaks of the loading or its queries: the removal is a decision it explains. */
const EXPLAINED = /^\s*#.*(\b(prefetch\w*|select_related|eager\w*|queries)\b|\bN\+1)/i;

/**
 * `a__b__c` loaded as `Prefetch("a__b", queryset=B.objects.select_related("c"))`: the Prefetch of a prefix and
 * the rest loaded by the queryset it is given (found in the same function).
 */
function loadedThroughPrefetch(text: string, name: string): boolean {
  const parts = name.split("__");
  for (let k = 1; k < parts.length; k++) {
    const prefix = parts.slice(0, k).join("__");
    if (new RegExp(`\\bPrefetch\\(\\s*["']${prefix}["']`).test(text) && loads(text, parts.slice(k).join("__")))
      return true;
  }
  return false;
}

/**
 * The change deletes eager loading (`select_related("x")`, `prefetch_related("x")`,
 * `list_select_related`, the project's own `prefetch_x()`) that the function or class it sat in no longer
 * has and the change adds nowhere else in the file — a line, a chain, or a whole `get_queryset` override
 * deleted. Whatever reads `x` per row
 * — a template, a serializer, `__str__`, an admin column — now queries once per row; the reader is
 * often in another file, so the deletion itself is the place to ask.
 */
export const removedEagerLoading: Rule = {
  id: "DJ114",
  title: "Eager loading removed from a queryset",
  severity: "minor",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "Removing `select_related`/`prefetch_related` turns every per-row read of that relation (templates, " +
    "serializers, `__str__`, admin columns) into a query per row. Keep it unless nothing reads the relation, " +
    "or move it to where the queryset is built.",
  appliesTo: (f) => isPython(f) && f.removedLines.some((line) => REMOVED_LOADING.test(line)),
  check(file, project) {
    const py = file.python;
    const statements = py.nodes("AssignStatement").concat(py.nodes("ReturnStatement"), py.nodes("ExpressionStatement"));
    const scopes = py.nodes("FunctionDefinition").concat(py.nodes("ClassDefinition"));
    // What the change writes, moved code included: a loading it moved to another method is still loaded.
    const added = file.lines.filter((_, i) => file.isChanged(i + 1) || file.writtenLines.has(i + 1)).join("\n");
    const spans = (node: SyntaxNode, at: number) =>
      py.lineOf(node) <= at && at <= py.line(Math.max(node.from, node.to - 1));
    // Still loaded where the deletion was (the same function or class: reordered, re-wrapped, moved up), or
    // added elsewhere by this change (moved): nothing was lost. Another function loading the same relation
    // for its own queryset does not keep this one's.
    // The function or class a deleted line sat in: the innermost around the last head line above it whose
    // header is indented less than the deleted line (a deleted method's scope is its class, not its neighbour).
    const scopeOf = (line: number, deleted: string) => {
      let above = line - 1;
      while (above > 1 && !/\S/.test(file.lines[above - 1] ?? "")) above--;
      const indent = /^\s*/.exec(deleted)?.[0].length ?? 0;
      return innermost(
        scopes.filter(
          (s) => spans(s, above) && (/^\s*/.exec(file.lines[py.lineOf(s) - 1] ?? "")?.[0].length ?? 0) < indent,
        ),
      );
    };
    const textOf = (scope: SyntaxNode | undefined) => (scope ? py.src(scope) : file.text);
    const keptAs = (name: string, scope: SyntaxNode | undefined) =>
      stillLoads(textOf(scope), name) ||
      stillLoads(added, name) ||
      stillLoads(project.writtenByChange, name) ||
      rerouted(textOf(scope), added, name);
    // A removal the change explains in a comment it adds there (the function or class) is a decision it made.
    const explainedIn = (scope: SyntaxNode | undefined) =>
      [...file.writtenLines].some(
        (line) => (!scope || spans(scope, line)) && EXPLAINED.test(file.lines[line - 1] ?? ""),
      );
    // `.prefetch_x()` whose definition this change renames: the call under the new name loads what it did.
    const kept = (name: string, scope: SyntaxNode | undefined) => {
      const renamed = name.endsWith("()") ? project.renamedFunctions.get(name.slice(0, -2)) : undefined;
      return keptAs(name, scope) || (renamed !== undefined && keptAs(`${renamed}()`, scope));
    };
    // Where the change deletes a loop over rows (`for doc in docs:`, a comprehension) that the head no longer has
    // there, the per-row reader went with the loading: that scope lost nothing it still reads.
    const loopsRemoved = new Set(
      file.removedAt.flatMap(({ text, line }) => {
        const loop = ROW_LOOP.exec(text);
        if (!loop) return [];
        const scope = scopeOf(line, text);
        const header = new RegExp(
          `\\bfor\\s+${loop[1]?.replace(/\s+/g, "\\s*")}\\s+in\\s+${loop[2]?.replaceAll(".", "\\.")}\\b`,
        );
        return header.test(textOf(scope)) ? [] : [scope];
      }),
    );
    const places = new Map<number, { construct: SyntaxNode; names: Set<string>; at: number; whole: boolean }>();
    // A deleted `prefetch_related(` left open on its line: the deleted lines after it list its relations.
    let openCall: { at: number; eager: boolean } | undefined;
    // A class the change deletes whole (a deprecated plugin or view: its name gone from the head, no class added in
    // the file to take its place): what it loaded went with it and with whatever rendered its rows. A deleted method
    // is not this: its class, and the class's readers, stay.
    const classAdded = file.lines.some(
      (l, i) => (file.isChanged(i + 1) || file.writtenLines.has(i + 1)) && /^\s*class\s+\w+/.test(l),
    );
    let deletedClass: { indent: number; name: string; at: number } | undefined;
    for (const { text: raw, line } of file.removedAt) {
      const indent = /^\s*/.exec(raw)?.[0].length ?? 0;
      const header = /^\s*class\s+(\w+)/.exec(raw);
      if (header) deletedClass = { indent, name: header[1] as string, at: line };
      // Only the block deleted with the header (the same place in the head), up to its first line at its indent.
      else if (deletedClass && (line !== deletedClass.at || (/\S/.test(raw) && indent <= deletedClass.indent)))
        deletedClass = undefined;
      if (deletedClass && !header && !classAdded && !new RegExp(`\\bclass\\s+${deletedClass.name}\\b`).test(file.text))
        continue;
      // A trailing comment (`'device_type',  # read by __str__`) is not part of the relation list.
      const text = raw.replace(/\s+#.*$/, "");
      const bareList = /^\s*(["'][\w]+["'],?\s*)+$/.test(text);
      const listedInDeletedCall = openCall?.at === line && openCall.eager && bareList;
      // Names listed under a deleted `.only(`/`.values(`/`.order_by(` are columns, not relations.
      if (openCall?.at === line && !openCall.eager && bareList) continue;
      const opened = /\b(\w+)\s*\([^()]*$/.exec(text);
      if (opened) openCall = { at: line, eager: /^(select_related|prefetch_related)$/.test(opened[1] as string) };
      else if (!bareList) openCall = undefined;
      if (!REMOVED_LOADING.test(text)) continue;
      const scope = scopeOf(line, raw);
      const scopeText = textOf(scope);
      if (loopsRemoved.has(scope) || querysetGone(text, scopeText) || explainedIn(scope)) continue;
      if (delegatedToRewritten(scopeText, project.writtenByChange)) continue;
      // One row fetched (`.get(pk=...)`, `.first()`): its loading saved a query at most, not one per row.
      if (ONE_ROW.test(text)) continue;
      // A deleted line sits before the next head line: the construct is the one there or just above; a
      // deleted statement or method of its own may leave none, and the place is the function or class around it.
      const statement = [line, line - 1]
        .map((at) => innermost(statements.filter((s) => spans(s, at))))
        .find((s) => s !== undefined);
      const admin = /\blist_select_related\b/.test(text)
        ? py
            .nodes("ClassDefinition")
            .find((c) => (spans(c, line) || spans(c, line - 1)) && /list_display/.test(py.src(c)))
        : undefined;
      const construct = admin ?? statement ?? scope;
      if (!construct) continue;
      // Rows the scope reads as dicts (`sub_issues.values(...)`): eager loading never served them.
      if (statement && readAsValues(py.src(statement), scopeText)) continue;
      // A line of a multi-line `prefetch_related(\n "a",\n "b")` names its relations without the call.
      const inCall =
        listedInDeletedCall ||
        (construct === statement &&
          /\b(select_related|prefetch_related)\s*\(/.test(py.src(construct)) &&
          /^\s*(["'][\w]+["'],?\s*)+$/.test(text));
      // `queryset=Ethernet.objects.select_related("ipaddress")` of a deleted Prefetch("ethernet_set", ...): the
      // relation hangs off the prefetched rows, so a lookup `ethernet_set__ipaddress` loads it as well.
      const nested = /^\s*queryset\s*=|\bPrefetch\(/.test(text);
      const names = (
        inCall ? [...text.matchAll(/["']([\w]+)["']/g)].map((m) => m[1] as string) : loadedNames(text)
      ).filter(
        (n) =>
          !kept(n, admin ?? scope) &&
          !(nested && keptNested(n, scopeText, added)) &&
          !relationRemoved(n, project) &&
          !readersDropped(n, project),
      );
      if (names.length === 0) continue;
      // `at` is where the deletion sits, so the finding counts as this change's even just below the construct.
      const place = places.get(construct.from) ?? {
        construct,
        names: new Set<string>(),
        at: line,
        whole: construct !== statement,
      };
      for (const name of names) place.names.add(name);
      places.set(construct.from, place);
    }
    const hits: RuleHit[] = [];
    for (const { construct, names, at, whole } of places.values()) {
      const listed = [...names].map((n) => (n === "*" ? "`select_related()`" : `${code(`${n}`)}`)).join(", ");
      hits.push({
        // A deleted statement, method or admin option: the comment goes where it was (inside the diff's hunk),
        // not on the first line of the class or function around it.
        line: whole ? at : py.lineOf(construct),
        endLine: Math.max(at, py.line(Math.max(construct.from, construct.to - 1))),
        deletionBefore: true,
        message:
          `This change stops loading ${listed}: anything that reads ${names.size > 1 ? "them" : "it"} per ` +
          `row (a template, a serializer, \`__str__\`, an admin column) now runs one query per row. Keep the ` +
          `loading unless nothing reads it.`,
      });
    }
    return hits;
  },
};

/**
 * `results = results.prefetch_related(...)` deleted where the scope now only ever sets `results = None`: the
 * queryset went with its loading, and what rendered it gets nothing.
 */
function querysetGone(deleted: string, scopeText: string): boolean {
  const name = /^\s*(\w+)\s*=(?!=)[^#\n]*\b(select_related|prefetch_related)\(/.exec(deleted)?.[1];
  if (!name) return false;
  const values = [...scopeText.matchAll(new RegExp(`^[ \\t]*${name}\\s*=(?!=)\\s*(.*)$`, "gm"))].map((m) =>
    (m[1] ?? "").trim(),
  );
  return values.length > 0 && values.every((v) => /^(None|\[\]|\{\}|\(\))$/.test(v));
}

/**
 * The scope loads through a project loader (`.prefetch_elements()`) or a lookup list (`prefetch_related(*lookups())`)
 * whose definition the change writes: a refactor moving the loading into it (RDMO's `questions/prefetch.py`), whose
 * lists the checks do not follow.
 */
function delegatedToRewritten(scopeText: string, written: string): boolean {
  const helpers = [...scopeText.matchAll(DELEGATED_LOADING)].map((m) => (m[1] ?? m[2]) as string);
  return helpers.some((name) => new RegExp(`\\bdef\\s+${name}\\s*\\(`).test(written));
}

/** `.prefetch_elements(` (a project loader) or `prefetch_related(*page_lookups(` (a lookup list): the name called. */
const DELEGATED_LOADING = either(
  [LOADER_CALL, /\b(?:prefetch_related|select_related)\(\s*\*\s*(?:\w+\.)*(\w+)\(/],
  "g",
);

/** The change deletes the reads of the relation a path ends in and adds none: its readers moved off it. */
function readersDropped(path: string, project: ProjectIndex): boolean {
  return project.droppedReads.has(path.split("__").at(-1) ?? path);
}

/**
 * A loading path through a relation this change deletes from its model (`mealplan__shared` once `shared`
 * is dropped): there is nothing left to load, and keeping the prefetch would fail. A name still declared
 * as a forward relation elsewhere keeps the path; which model a path walks through is not resolved, so a
 * generic name (`shared`) on other models must not count, nor a moved many-to-many be told apart. A relation the
 * change's migration alters is being redrawn with it: the change decides what to load through it.
 */
function relationRemoved(path: string, project: ProjectIndex): boolean {
  return path
    .split("__")
    .some(
      (segment) =>
        (project.removedFieldTypes.has(segment) && !project.relationNames.has(segment)) ||
        project.alteredByChange.has(segment),
    );
}

/** The innermost of nested statements (the one that starts last). */
function innermost(statements: SyntaxNode[]): SyntaxNode | undefined {
  return statements.reduce<SyntaxNode | undefined>((best, s) => (!best || s.from >= best.from ? s : best), undefined);
}
