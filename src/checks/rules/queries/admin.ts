import type { SyntaxNode } from "@lezer/common";
import { callParts, classBases, type PythonFile, simpleAssignments } from "../../python.js";
import type { SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";

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
    if (py.src(parts.positional[1] as SyntaxNode) === name)
      return py
        .src(parts.positional[0] as SyntaxNode)
        .split(".")
        .pop();
  }
  return undefined;
}

export const adminListWithoutSelectRelated: Rule = {
  id: "DJ109",
  title: "Admin `list_display` shows relations without `list_select_related`",
  severity: "minor",
  category: "queries",
  tags: ["n+1", "admin"],
  persona: "engineer",
  explanation:
    "Django's changelist joins the ForeignKeys named in `list_display` itself (`select_related()`, which follows " +
    "non-null ForeignKeys only). `fk__field` lookups with no plain ForeignKey beside them, and nullable " +
    'ForeignKeys, cost one query per row and column: set `list_select_related = ("fk", ...)` on the ModelAdmin.',
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
      const related = names.filter((n) =>
        n.includes("__")
          ? !autoJoined
          : model?.fields.get(n)?.forward === true && model.fields.get(n)?.nullable === true,
      );
      if (related.length > 0 && !related.every((n) => shownBefore(file, display.statement, n)))
        hits.push({
          line: py.lineOf(display.statement),
          // the whole list is the construct: a column added on any of its lines counts
          endLine: py.line(Math.max(display.statement.from, display.statement.to - 1)),
          message:
            `\`list_display\` shows ${related.map((r) => code(r)).join(", ")} through a relation: add ` +
            `\`list_select_related\` so the changelist does not query once per row.`,
        });
      // Columns that are the admin's own methods: `obj.fk.attr` in one runs a query per row, unless
      // the changelist's automatic join (a plain non-null ForeignKey in list_display) covers `fk`.
      for (const method of columnMethods(py, cls, names)) {
        for (const m of py.src(method.node).matchAll(new RegExp(`\\b${method.param}\\.(\\w+)\\.\\w+`, "g"))) {
          const field = model?.fields.get(m[1] as string);
          if (field?.forward !== true || (autoJoined && field.nullable !== true)) continue;
          hits.push({
            line: py.line(method.node.from + (m.index ?? 0)),
            causeLines: [py.lineOf(display.statement)],
            message:
              `The \`list_display\` column ${code(method.name)} reads ${code(m[0])} for every row: add ` +
              `\`list_select_related = ("${m[1]}",)\` so the changelist loads it once.`,
          });
          break;
        }
      }
    }
    return hits;
  },
};

/**
 * Whether the column `name` was in `list_display` before this change: on a line of the statement the change left
 * as it was, or in the lines it deleted there. An edit that drops other columns adds no query per row.
 */
function shownBefore(file: SourceFile, statement: SyntaxNode, name: string): boolean {
  const py = file.python;
  const first = py.lineOf(statement);
  const last = py.line(Math.max(statement.from, statement.to - 1));
  const quoted = new RegExp(`["']${name}["']`);
  for (let line = first; line <= last; line++)
    if (!file.isChanged(line) && quoted.test(file.lines[line - 1] ?? "")) return true;
  return file.removedAt.some((r) => r.line >= first && r.line <= last + 1 && quoted.test(r.text));
}

/** The admin's methods that `list_display` names, with the name of their row parameter (`obj`). */
function columnMethods(
  py: PythonFile,
  cls: SyntaxNode,
  names: string[],
): Array<{ name: string; param: string; node: SyntaxNode }> {
  const body = cls.getChild("Body");
  // Decorated methods (`@admin.display`, `@mark_safe`) sit inside a DecoratedStatement.
  const definitions = [
    ...(body?.getChildren("FunctionDefinition") ?? []),
    ...(body?.getChildren("DecoratedStatement") ?? []).flatMap((d) => d.getChildren("FunctionDefinition")),
  ];
  return definitions.flatMap((node) => {
    const name = py.src(node.getChild("VariableName") ?? node);
    const param = /\(\s*self\s*,\s*(\w+)/.exec(py.src(node))?.[1];
    return names.includes(name) && param ? [{ name, param, node }] : [];
  });
}
