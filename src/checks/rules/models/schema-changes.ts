import type { SyntaxNode } from "@lezer/common";
import { callParts, classBases, metaOf, type PythonFile, simpleAssignments } from "../../python.js";
import { isFieldClass, isModelBase } from "../../model-classes.js";
import { definitionFrom, MIGRATION_PATH, type SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";

/** Model code in an app (`shop/models.py`, `shop/models/order.py`), not tests or migrations. */
const isAppModels = (f: SourceFile) =>
  f.kind === "python" &&
  !f.isMigration &&
  /(^|\/)models(\.py|\/[^/]+\.py)$/.test(f.path) &&
  /Field\(|ForeignKey\(/.test(f.text);

/** The app folder of a models module: `shop` for `shop/models.py` and `shop/models/order.py`. */
function appOf(path: string): string {
  return path.replace(/\/?models(\.py|\/[^/]+\.py)$/, "");
}

interface FieldDef {
  name: string;
  call: SyntaxNode;
  first: number;
  last: number;
}

/** Field definitions of each concrete, managed model class of the file. */
function modelFields(py: PythonFile): Array<{ model: string; fields: FieldDef[]; abstract: boolean }> {
  const result: Array<{ model: string; fields: FieldDef[]; abstract: boolean }> = [];
  for (const cls of py.nodes("ClassDefinition")) {
    if (!classBases(py, cls).some((b) => isModelBase(b, py.text))) continue;
    const meta = metaOf(py, cls);
    if (meta && /\bmanaged\s*=\s*False/.test(py.src(meta))) continue; // unmanaged: no migrations
    const fields: FieldDef[] = [];
    for (const { name, value } of simpleAssignments(py, cls)) {
      if (value.name !== "CallExpression" || !isFieldClass(callParts(py, value)?.name ?? "")) continue;
      fields.push({ name, call: value, first: py.lineOf(value), last: py.line(Math.max(value.from, value.to - 1)) });
    }
    const abstract = meta !== undefined && /\babstract\s*=\s*True/.test(py.src(meta));
    result.push({ model: py.src(cls.getChild("VariableName") ?? cls), fields, abstract });
  }
  return result;
}

/**
 * Arguments that change no column: a migration for them alone alters nothing in the database (Django
 * records them in an `AlterField` that runs no SQL). Choices and validators are checked in Python only;
 * `default` is filled in by Django when it builds an instance, never set on the column (`db_default` is);
 * Django carries out `on_delete` itself, and a relation's reverse names live in Python only.
 */
const NO_COLUMN_ARGUMENTS = new Set([
  ...["help_text", "verbose_name", "verbose_name_plural", "choices", "validators", "error_messages"],
  ...["blank", "editable", "default", "on_delete", "related_name", "related_query_name", "limit_choices_to"],
]);

/** Whether the change touches a field outside the arguments that change no column. */
function schemaTouched(file: SourceFile, field: FieldDef): boolean {
  const py = file.python;
  const docLines = new Set<number>();
  for (const [key, value] of callParts(py, field.call)?.keywords ?? []) {
    if (!NO_COLUMN_ARGUMENTS.has(key)) continue;
    for (let line = py.lineOf(value); line <= py.line(Math.max(value.from, value.to - 1)); line++) docLines.add(line);
  }
  for (let line = field.first; line <= field.last; line++) {
    if (!(file.isChanged(line) || file.deletedAt.has(line)) || docLines.has(line)) continue;
    if (sameUserModel(file, line, field)) continue;
    return true;
  }
  return false;
}

/** The user model, however a relation names it: `get_user_model()`, `settings.AUTH_USER_MODEL`, `User`. */
const USER_MODEL =
  /^(get_user_model\(\)|(settings\.)?AUTH_USER_MODEL|(\w+\.)?User|["'](auth\.User|AUTH_USER_MODEL)["'])$/;

/**
 * A relation's target rewritten from one name of the user model to another on a line of its own (linkding
 * 1a1092d03a: `get_user_model(),` -> `User,`): the same table, no migration.
 */
function sameUserModel(file: SourceFile, line: number, field: FieldDef): boolean {
  const bare = (text: string) => text.trim().replace(/,$/, "");
  if (!USER_MODEL.test(bare(file.lines[line - 1] ?? ""))) return false;
  const deleted = file.removedAt.filter((r) => r.line >= field.first && r.line <= field.last + 1);
  return deleted.length > 0 && deleted.every((r) => USER_MODEL.test(bare(r.text)));
}

const modelChangeWithoutMigration: Rule = {
  id: "DJ508",
  title: "Model fields change but the change has no migration",
  severity: "major",
  category: "models",
  persona: "engineer",
  explanation:
    "Django keeps the database schema in migrations: a field added, removed or altered in `models.py` without its " +
    "migration leaves the code and the database out of step, and the next `makemigrations` sweeps it into " +
    "someone else's change. Run `python manage.py makemigrations` and commit the migration with the model " +
    "change (`makemigrations --check` in CI catches it).",
  appliesTo: isAppModels,
  check(file, project) {
    const app = appOf(file.path);
    const migrationsDir = `${app ? `${app}/` : ""}migrations/`;
    const migrationApps = [...project.changedPaths].flatMap((p) => {
      const m = MIGRATION_PATH.exec(p);
      return m ? [m[1] ?? ""] : [];
    });
    // The app's own migrations, or those of an app it sits inside: DefectDojo's `dojo/finding/models.py` is the
    // `dojo` app's, whose migrations live in `dojo/db_migrations` (MIGRATION_MODULES).
    if (migrationApps.some((dir) => dir === app || dir === "" || app.startsWith(`${dir}/`))) return [];
    // An abstract model's columns live in the apps of the models that inherit it: their migrations count.
    const anyMigration = migrationApps.length > 0;
    const hits: RuleHit[] = [];
    for (const { model, fields, abstract } of modelFields(file.python)) {
      if (abstract && anyMigration) continue;
      const changed = fields.filter((f) => schemaTouched(file, f));
      const first = changed[0];
      if (!first) continue;
      hits.push({
        line: first.first,
        endLine: first.last,
        message:
          `${code(model)} changes ${changed.map((f) => `${code(f.name)}`).join(", ")} but this change ` +
          `has no migration in ${code(migrationsDir)}: run \`makemigrations\` and commit it.`,
      });
    }
    return hits;
  },
};

/**
 * The definition of field `name` (head lines `first..last`) as it was before the change, as one text, when the
 * field existed before. Read from the construct's own old text, not from all the file's deleted lines: those run
 * on into the fields deleted after it (a `null=True` of a removed neighbour is not this field's).
 */
function removedDefinition(file: SourceFile, name: string, first: number, last: number): string | undefined {
  const lines = file.baseOf(first, last).split("\n");
  const start = lines.findIndex((l) => new RegExp(`^\\s*${name}\\s*=\\s*[\\w.]*(Field|ForeignKey|Key)\\(`).test(l));
  return start < 0 ? undefined : definitionFrom(lines, start);
}

const riskyFieldChange: Rule = {
  id: "DJ509",
  title: "Field change that implies a risky migration",
  severity: "major",
  category: "models",
  persona: "engineer",
  explanation:
    "Making a column NOT NULL fails on existing NULL rows and, on a big table, scans it under a lock; adding " +
    "`unique=True` builds a unique index under a lock and fails on existing duplicates. Back-fill (or " +
    "de-duplicate) in a data migration first, and on PostgreSQL build the index `CONCURRENTLY` before adding " +
    "the constraint.",
  appliesTo: isAppModels,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { model, fields } of modelFields(py)) {
      for (const field of fields) {
        if (!file.touches(field.first, field.last)) continue;
        // The change's own migration adds (and fills) the column: no row from before it can be NULL or a duplicate;
        // the index build's lock is DJ306's, a table-size question.
        if (project.addedByChange.has(`${model.toLowerCase()}.${field.name}`)) continue;
        const before = removedDefinition(file, field.name, field.first, field.last);
        if (!before) continue;
        const now = callParts(py, field.call)?.keywords;
        const nullNow = py.src(now?.get("null") ?? field.call) === "True";
        const uniqueNow = py.src(now?.get("unique") ?? field.call) === "True";
        // The change's migration gives the column a default: Django fills the NULL rows before tightening it.
        if (/\bnull\s*=\s*True\b/.test(before) && !nullNow && !project.defaultedByChange.has(field.name)) {
          hits.push({
            line: field.first,
            endLine: field.last,
            message:
              `${code(field.name)} becomes NOT NULL: its migration fails on existing NULL rows. ` +
              `Back-fill them in a data migration first (and give it a default).`,
          });
        } else if (
          uniqueNow &&
          !/\bunique\s*=\s*True\b/.test(before) &&
          // unique already, through a one-field constraint the change moves onto the field
          !project.removedUniqueFields.has(field.name)
        ) {
          hits.push({
            line: field.first,
            endLine: field.last,
            message:
              `${code(field.name)} becomes unique: its migration builds a unique index under a lock and ` +
              `fails on existing duplicates. De-duplicate first.`,
          });
        }
      }
    }
    return hits;
  },
};

const nullableCascade: Rule = {
  id: "DJ510",
  title: "Optional (`null=True`) relation that cascades deletes",
  severity: "minor",
  category: "models",
  persona: "engineer",
  explanation:
    "`null=True` says the link is optional, yet `on_delete=CASCADE` deletes this row whenever the target is " +
    "deleted. When the row should outlive the target, use `SET_NULL`; keep `CASCADE` only if the row means " +
    "nothing without it (and then it is usually not nullable).",
  appliesTo: (f) => f.kind === "python" && !f.isMigration && /CASCADE/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const cls of py.nodes("ClassDefinition")) {
      for (const { name, value } of simpleAssignments(py, cls)) {
        const parts = value.name === "CallExpression" ? callParts(py, value) : undefined;
        if (!parts || !/^(ForeignKey|OneToOneField)$/.test(parts.name)) continue;
        const target = parts.positional[0] ? py.src(parts.positional[0]).replace(/["']/g, "") : "";
        if (target === "self") continue; // a tree: children go with their parent, the root has none
        const onDelete = parts.keywords.get("on_delete") ?? parts.positional[1];
        const nullArg = parts.keywords.get("null");
        if (!onDelete || !nullArg || py.src(nullArg) !== "True" || !/\bCASCADE$/.test(py.src(onDelete))) continue;
        // Optional and cascading before this change too (CASCADE was the default before Django 2.0): spelling
        // out on_delete or re-wrapping the definition changes nothing a reviewer of this change decides.
        const before = removedDefinition(file, name, py.lineOf(value), py.line(Math.max(value.from, value.to - 1)));
        if (before && /\bnull\s*=\s*True\b/.test(before) && !OTHER_ON_DELETE.test(before)) continue;
        // `unique_together = [("shop", "key")]`: the row is the shop's `key` (or the global one when NULL), and
        // means nothing once its shop is gone.
        if (uniqueSets(py, cls).some((set) => set.length > 1 && set.includes(name))) continue;
        hits.push({
          line: py.lineOf(nullArg),
          message:
            `${code(name)} is optional (\`null=True\`) but \`CASCADE\` deletes this row with its target: ` +
            `did you mean \`on_delete=models.SET_NULL\`?`,
        });
      }
    }
    return hits;
  },
};

/** The field sets `Meta.unique_together` and `UniqueConstraint(fields=...)` make unique. */
function uniqueSets(py: PythonFile, cls: SyntaxNode): string[][] {
  const meta = metaOf(py, cls);
  if (!meta) return [];
  const names = (node: SyntaxNode) => [...py.src(node).matchAll(/["'](\w+)["']/g)].map((m) => m[1] as string);
  const sets: string[][] = [];
  for (const { name, value } of simpleAssignments(py, meta)) {
    if (name === "unique_together") {
      // `("a", "b")` or `[("a", "b"), ("c", "d")]`: the innermost sequences are the sets
      const sequences = [value, ...py.within(value, "TupleExpression", "ArrayExpression")];
      const inner = sequences.filter((s) => py.within(s, "TupleExpression", "ArrayExpression").length === 0);
      sets.push(...inner.map(names));
    }
    if (name === "constraints")
      for (const call of py.within(value, "CallExpression")) {
        const parts = callParts(py, call);
        const fields = parts?.name === "UniqueConstraint" ? parts.keywords.get("fields") : undefined;
        if (fields) sets.push(names(fields));
      }
  }
  return sets;
}

const OTHER_ON_DELETE = /\b(SET_NULL|SET_DEFAULT|SET|PROTECT|RESTRICT|DO_NOTHING)\b/;

export const schemaChangeRules: Rule[] = [modelChangeWithoutMigration, riskyFieldChange, nullableCascade];
