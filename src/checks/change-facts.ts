/**
 * Facts about what the change itself does, read from the changed files for rules that judge other files:
 * the functions it renames in place, the relations its querysets load with each model's rows, and the
 * attributes it attaches to objects.
 */
import type { SyntaxNode } from "@lezer/common";
import { callParts, type PythonFile } from "./python.js";
import { querysetOf } from "./querysets.js";
import { isTestPath, type SourceFile } from "./source.js";

const DEF = /^(\s*)(?:async\s+)?def\s+(\w+)\s*\(/;
const CLASS = /^(\s*)class\s+(\w+)\s*[(:]/;

/** A deleted `def a(` with an added `def b(` at the same spot and indent: `a` renamed to `b`. */
export function renamedDefs(file: SourceFile): Array<[string, string]> {
  return renamedInPlace(file, DEF);
}

/** A deleted `class A(` with an added `class B(` at the same spot and indent: `A` renamed to `B`. */
export function renamedClasses(file: SourceFile): Array<[string, string]> {
  return renamedInPlace(file, CLASS);
}

function renamedInPlace(file: SourceFile, definition: RegExp): Array<[string, string]> {
  const renamed: Array<[string, string]> = [];
  for (const { text, line } of file.removedAt) {
    const old = definition.exec(text);
    if (!old) continue;
    for (const at of [line, line - 1, line + 1]) {
      const now = file.isChanged(at) ? definition.exec(file.lines[at - 1] ?? "") : null;
      if (now && now[1] === old[1] && now[2] !== old[2]) {
        renamed.push([old[2] as string, now[2] as string]);
        break;
      }
    }
  }
  return renamed;
}

export const EAGER = /select_related|prefetch_related/;

/**
 * Each queryset chain of a model that loads relations: the model -> the relations (`*` for all), and, where the
 * chain is assigned to a name (`executions = (Execution.objects...prefetch_related("results"))`), `=name` ->
 * the same relations: a template looping over a context value of that name gets those rows.
 */
export function eagerLoads(py: PythonFile): Array<[string, string[]]> {
  const loads: Array<[string, string[]]> = [];
  for (const node of py.nodes("CallExpression")) {
    // The outermost node of a chain: a slice ending it (`...order_by("-at")[:20]`) holds the whole chain.
    const sliced = node.parent?.name === "MemberExpression" && node.nextSibling?.name === "[" ? node.parent : null;
    const call = sliced ?? node;
    if (call.parent?.name === "MemberExpression") continue; // inner part of a longer chain
    const info = querysetOf(py, call);
    if (!info?.model || (info.eager.size === 0 && !info.eagerAll)) continue;
    const relations = [...info.eager, ...(info.eagerAll ? ["*"] : [])];
    loads.push([info.model, relations]);
    const value = call.parent?.name === "ParenthesizedExpression" ? call.parent : call;
    const target = value.parent?.name === "AssignStatement" ? value.parent.firstChild : null;
    if (target?.name === "VariableName" && target.nextSibling?.name === "AssignOp")
      loads.push([`=${py.src(target)}`, relations]);
  }
  return loads;
}

/** `row.summary = ...` (not `self.x`): attributes the code attaches to objects it handles, such as rows. */
export function attachedAttributes(text: string): string[] {
  return [...text.matchAll(/^[ \t]*(?!self\.)[a-z_]\w*\.(\w+)[ \t]*=(?!=)/gm)].map((m) => m[1] as string);
}

/** `.name` read (not assigned) in a line, or named as a serializer field's `source="name"`. */
const READ = /\.([a-z_]\w*)\b(?!\s*=[^=])|\bsource\s*=\s*["']([\w.]+)["']/g;

/**
 * Attributes the change stops reading: read in lines it deletes (`finding.vulnerability_id_set.all()`,
 * `source="vulnerability_id_set"`) and read nowhere in the changed files as they are after it (a re-wrapped
 * read is still there). A change that moves its readers off a relation this way drops its loading with them (DJ114).
 * Only what production code reads counts: a test asserting `civ.image.pk` runs on a handful of rows, and a loop
 * variable or function that shares the relation's name (`for image in images`) reads no relation.
 */
export function droppedReads(files: readonly SourceFile[]): Set<string> {
  const code = files.filter((file) => !isTestPath(file.path));
  const removed = new Set<string>();
  for (const file of code)
    for (const line of file.removedLines)
      for (const m of line.matchAll(READ)) removed.add((m[1] ?? m[2]?.split(".").pop()) as string);
  const after = code.map((file) => file.text).join("\n");
  return new Set([...removed].filter((name) => name !== "" && !stillRead(after, name)));
}

/**
 * Whether `text` still reads attribute `name`: `.name`, a string naming it (`"name"`, `"name__pk"`, `"order__name"`,
 * `source="name"`), or an indented `name = ...` (a serializer or admin field of that name, or a local the
 * conservative way).
 */
function stillRead(text: string, name: string): boolean {
  const sep = `(?:__|[^\\w"'])`; // a lookup path's `__`, or any non-word character but a quote
  return new RegExp(
    `\\.${name}\\b|["'](?:[^"'\\n]*${sep})?${name}(?:${sep}[^"'\\n]*)?["']|^[ \\t]*${name}\\s*[=:]`,
    "m",
  ).test(text);
}

/**
 * The relations the file prefetches, each with what its rows are loaded with: `prefetch_related("a", "b__c")`
 * gives a and b (b with c); `Prefetch(f"{prefix}refs", queryset=Ref.objects.select_related("vuln"))` gives refs
 * with vuln. A related manager's `.all()` on such a relation reads the prefetched rows.
 */
export function prefetchedRelations(py: PythonFile): Array<[string, string[]]> {
  const found: Array<[string, string[]]> = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (parts?.name === "Prefetch") {
      const lookup = /(\w+)["']$/.exec(py.src(parts.positional[0] ?? call))?.[1];
      const queryset = parts.keywords.get("queryset") ?? parts.positional[1];
      const info = queryset ? querysetOf(py, queryset) : undefined;
      if (lookup) found.push([lookup.split("__").at(-1) as string, [...(info?.eager ?? [])]]);
    } else if (parts?.name === "prefetch_related") {
      for (const arg of parts.positional) {
        const path = /^["']([\w]+)["']$/.exec(py.src(arg))?.[1]?.split("__");
        if (!path) continue;
        for (const [i, segment] of path.entries()) found.push([segment, path.slice(i + 1, i + 2)]);
      }
    }
  }
  return found;
}

/**
 * Fields a migration adds or alters with a `default=` (`AddField(name="mechanism", field=CharField(default="v1"))`):
 * Django fills the existing rows with it, NULL ones included when a column becomes NOT NULL, so that migration
 * leaves no NULL behind.
 */
export function defaultedFields(py: PythonFile): string[] {
  const names: string[] = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (parts?.name !== "AddField" && parts?.name !== "AlterField") continue;
    const name = /^["'](\w+)["']$/.exec(py.src(parts.keywords.get("name") ?? parts.positional[1] ?? call))?.[1];
    const field = parts.keywords.get("field") ?? parts.positional[2];
    const defaults = field?.name === "CallExpression" ? callParts(py, field)?.keywords : undefined;
    if (name && (defaults?.has("default") || defaults?.has("db_default"))) names.push(name);
  }
  return names;
}

/**
 * Columns a migration adds, as `model.field` (lower-case model name, as migrations spell it): a column the change's
 * own migration adds and fills holds no rows from before it (wger 6ec2fefb4a adds, back-fills and then makes
 * `uuid` unique). DJ306 reads it for one migration, DJ509 for all the change's migrations.
 */
export function addedFields(py: PythonFile): string[] {
  const keys: string[] = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (parts?.name !== "AddField") continue;
    // `"entry"`, or with a string prefix (`u"entry"` in migrations of the Python 2 era)
    const quoted = (node: SyntaxNode | undefined) =>
      node ? /^[rbuRBU]*["'](\w+)["']$/.exec(py.src(node))?.[1] : undefined;
    const model = quoted(parts.keywords.get("model_name") ?? parts.positional[0]);
    const name = quoted(parts.keywords.get("name") ?? parts.positional[1]);
    if (model && name) keys.push(`${model.toLowerCase()}.${name}`);
  }
  return keys;
}

/**
 * Relations a migration alters (`AlterField(name="book", field=ForeignKey(..., to="app.work"))`): the change reworks
 * where they lead, so lookups through them are the change's to redraw (bookwyrm d0e8fcded5 re-points
 * `SeriesBook.book` from Book to Work and drops the `book__work` prefetch with it).
 */
export function alteredRelations(py: PythonFile): string[] {
  const names: string[] = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (parts?.name !== "AlterField") continue;
    const name = /^["'](\w+)["']$/.exec(py.src(parts.keywords.get("name") ?? parts.positional[1] ?? call))?.[1];
    const field = parts.keywords.get("field") ?? parts.positional[2];
    const type = field?.name === "CallExpression" ? callParts(py, field)?.name : undefined;
    if (name && /^(ForeignKey|OneToOneField|ManyToManyField)$/.test(type ?? "")) names.push(name);
  }
  return names;
}
