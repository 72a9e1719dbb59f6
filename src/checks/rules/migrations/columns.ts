import type { SyntaxNode } from "@lezer/common";
import { addedFields } from "../../change-facts.js";
import { UNIQUE_BEFORE, unlessLargeTables, unlessRollingDeploys } from "../../conditions.js";
import { atLeast } from "../../project-facts.js";
import type { ProjectIndex } from "../../project.js";
import type { PythonFile } from "../../python.js";
import type { Rule, RuleHit } from "../../types.js";
import {
  isMigration,
  operations,
  touchesNoExistingTable,
  stringValue,
  modelNameOf,
  fieldCall,
  span,
} from "./operations.js";
import { code } from "../../../comments/markdown.js";

/** Fields stored as a string column (varchar or text): Django's empty value for them is "". */
const STRING_FIELDS = new Set([
  "CharField",
  "TextField",
  "SlugField",
  "EmailField",
  "URLField",
  "FilePathField",
  "FileField",
  "ImageField",
  "GenericIPAddressField",
]);

function autoNow(py: PythonFile, keywords: ReadonlyMap<string, SyntaxNode>): boolean {
  return ["auto_now", "auto_now_add"].some((k) => {
    const flag = keywords.get(k);
    return flag !== undefined && py.src(flag) === "True";
  });
}

export const addNotNullField: Rule = {
  id: "DJ301",
  title: "`AddField` of a NOT NULL column without a default on an existing table",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Adding a NOT NULL column with no default fails on a table with rows, or (with a one-off default) rewrites and " +
    "locks it, and the running code's INSERTs fail until it is deployed. Add it as `null=True` (or with " +
    "`db_default=`), back-fill, then make it NOT NULL in a later migration.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    const noTable = touchesNoExistingTable(py, project);
    const hits: RuleHit[] = [];
    for (const op of operations(py, ["AddField"])) {
      if (noTable(op)) continue;
      const field = fieldCall(py, op);
      // Relations with no column of their own: a through table (taggit's TaggableManager is one), a generic relation.
      if (!field || /(ManyToManyField|TaggableManager|GenericRelation)$/.test(field.name) || field.hasStarArgs)
        continue;
      const keywords = field.keywords;
      const resolved = project.resolveField(field.name);
      if (py.src(keywords.get("null") ?? op.call) === "True" || resolved.forcesNull) continue;
      if (keywords.has("default") || keywords.has("db_default")) continue;
      if (/^(AutoField|BigAutoField|SmallAutoField|GeneratedField)$/.test(resolved.type)) continue;
      // Django fills existing rows of a blank string column with "" (schema_editor.effective_default)...
      if (STRING_FIELDS.has(resolved.type) && py.src(keywords.get("blank") ?? op.call) === "True") continue;
      // ...and those of an auto_now/auto_now_add date with the current time (LibrePhotos 061d03b18c). The column
      // keeps no database default, so only old code still inserting while the migration runs is at risk.
      if (/^(DateTimeField|DateField|TimeField)$/.test(resolved.type) && autoNow(py, keywords)) {
        hits.push({
          ...span(py, op),
          message:
            `\`AddField\` of a NOT NULL ${code(field.name)} filled with the current time: Django fills the existing ` +
            "rows, but the column keeps no database default, so old code's INSERTs fail until it is deployed.",
          ...unlessRollingDeploys(project),
        });
        continue;
      }
      const version = project.facts.django?.version;
      // db_default exists from Django 5.0: only suggested where the project has it (or may have it).
      const dbDefault = !version
        ? " (or with `db_default=` on Django 5.0+)"
        : atLeast(version, "5.0")
          ? " (or with `db_default=`)"
          : "";
      hits.push({
        ...span(py, op),
        message:
          `\`AddField\` of a NOT NULL ${code(field.name)} with no default: existing rows cannot be ` +
          `filled and old code's INSERTs fail. Add it nullable${dbDefault}, back-fill, then tighten.`,
      });
    }
    return hits;
  },
};

export const dropColumnOrTable: Rule = {
  id: "DJ304",
  title: "Column or table dropped while deployed code may still use it",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "During a deploy the old code keeps running against the migrated database: its queries still SELECT the " +
    "dropped column or table and fail. Stop using it in one release (or remove it from state only with " +
    "`SeparateDatabaseAndState`), and drop it in a later one.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    // django-safemigrate's `Safe.after_deploy()` says the code stopped using it in an earlier release.
    if (/\bsafe\s*=\s*Safe\.after_deploy\b/.test(file.text)) return [];
    const overlap = deploysOverlap(file.text, project);
    const noTable = touchesNoExistingTable(py, project);
    return operations(py, ["RemoveField", "DeleteModel"])
      .filter((op) => !noTable(op))
      .map((op) => ({
        ...span(py, op),
        ...overlap,
        message:
          `${code(op.name)} drops data that running code may still read: remove it from the code first, ` +
          `drop it in a later release.`,
      }));
  },
};

/** A migration marked for django-safemigrate belongs to a project whose deploys overlap its migrations. */
function deploysOverlap(text: string, project: ProjectIndex): { condition?: string } {
  return /^\s*from\s+django_safemigrate\b/m.test(text) ? {} : unlessRollingDeploys(project);
}

export const renameOperation: Rule = {
  id: "DJ305",
  title: "Rename of a column or table",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Between the migration and the new code going live, the old code queries the old name and fails. Add the new " +
    "column/table, write to both, switch reads, then remove the old one; or keep the database name with " +
    "`db_column`/`db_table`.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    const overlap = deploysOverlap(file.text, project);
    const noTable = touchesNoExistingTable(py, project);
    return operations(py, ["RenameField", "RenameModel", "AlterModelTable"])
      .filter((op) => !noTable(op))
      .map((op) => ({
        line: op.line,
        ...overlap,
        message:
          `${code(op.name)} breaks the code still running during the deploy; rename in steps or keep the ` +
          `old database name.`,
      }));
  },
};

const COLUMN_TYPES: Record<string, string> = {
  CharField: "varchar",
  SlugField: "varchar",
  EmailField: "varchar",
  URLField: "varchar",
  FilePathField: "varchar",
  FileField: "varchar",
  ImageField: "varchar",
  TextField: "text",
  IntegerField: "integer",
  PositiveIntegerField: "integer",
  SmallIntegerField: "smallint",
  PositiveSmallIntegerField: "smallint",
  BigIntegerField: "bigint",
  PositiveBigIntegerField: "bigint",
  ForeignKey: "foreignkey",
  OneToOneField: "foreignkey",
  BooleanField: "boolean",
  NullBooleanField: "boolean",
};

/** Django's field classes above, longest name first (so `BigIntegerField` is not read as `IntegerField`). */
const BY_LENGTH = Object.keys(COLUMN_TYPES).sort((a, b) => b.length - a.length);

/**
 * The database column a field class stores to, as far as a type change is concerned. A class the project
 * index cannot resolve (a third-party one) named after a Django field it extends — `AutoOneToOneField`,
 * `TreeForeignKey` — is taken to store what that field stores.
 */
function columnType(fieldClass: string): string {
  const known = COLUMN_TYPES[fieldClass];
  if (known) return known;
  const base = BY_LENGTH.find((django) => fieldClass.endsWith(django));
  return base ? (COLUMN_TYPES[base] as string) : fieldClass;
}

const INTEGER_WIDTHS = ["smallint", "integer", "bigint"];

/** An integer column made wider: every value it holds fits the new type. */
function widens(from: string, to: string): boolean {
  const a = INTEGER_WIDTHS.indexOf(from);
  return a >= 0 && INTEGER_WIDTHS.indexOf(to) > a;
}

export const alterFieldRisk: Rule = {
  id: "DJ306",
  title: "`AlterField` that changes a column's type or adds a unique constraint",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Changing a column's type rewrites the table under an exclusive lock, and the code still running during the " +
    "deploy reads and writes the old type; adding `unique=True` builds an index under a lock and fails on " +
    "existing duplicates. Add a new column, back-fill, switch the code, then drop the old one; check for " +
    "duplicates before adding a constraint.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    const noTable = touchesNoExistingTable(py, project);
    const hits: RuleHit[] = [];
    const added = new Set(addedFields(py));
    for (const op of operations(py, ["AlterField"])) {
      if (noTable(op)) continue;
      const field = fieldCall(py, op);
      if (!field) continue;
      const nameNode = op.parts.keywords.get("name") ?? op.parts.positional[1];
      const fieldName = nameNode ? stringValue(py, nameNode) : "";
      // SlugField -> CharField is varchar -> varchar: a change of class, not of column type.
      const column = columnType(project.resolveField(field.name).type);
      const before = [...(project.removedFieldTypes.get(fieldName) ?? [])].filter(
        (t) => columnType(project.resolveField(t).type) !== column,
      );
      const k = field.keywords;
      if (before.length > 0 && before.every((t) => widens(columnType(project.resolveField(t).type), column))) {
        // smallint -> integer -> bigint: old code reads and writes the same numbers; only the rewrite's lock.
        hits.push({
          ...span(py, op),
          message:
            `${code(fieldName)} widens from ${code(String(before[0]))} to ${code(field.name)}: running code is ` +
            "unaffected, but the table is rewritten under a lock. Plan it for a quiet window on large tables.",
          ...unlessLargeTables(project),
        });
      } else if (before.length > 0) {
        hits.push({
          ...span(py, op),
          message:
            `${code(fieldName)} changes from ${code(String(before[0]))} to ${code(field.name)}: the table is ` +
            `rewritten under a lock and running code still uses the old type. Migrate in steps.`,
        });
      } else if (/AutoField$/.test(field.name) && py.src(k.get("primary_key") ?? op.call) === "True") {
        // `id` altered to BigAutoField (DEFAULT_AUTO_FIELD): the key exists; its column type changes.
        hits.push({
          ...span(py, op),
          message:
            `The primary key becomes ${code(field.name)}: on an existing table the column is rewritten under a ` +
            "lock, and so is every foreign key column that points at it. Plan it for a quiet window on large tables.",
          // Only the lock's length is at stake: table-size advice like DJ307's.
          ...unlessLargeTables(project),
        });
      } else if (
        (py.src(k.get("unique") ?? op.call) === "True" || py.src(k.get("primary_key") ?? op.call) === "True") &&
        // The model's old definition, deleted by this change, was unique already: nothing new is built.
        !project.removedUniqueFields.has(fieldName)
      ) {
        if (added.has(`${modelNameOf(py, op)}.${fieldName}`)) {
          // Added (and filled) earlier in this same migration (wger's uuid columns): no duplicates from before it;
          // only the index build's lock is left, which matters on a large table.
          hits.push({
            ...span(py, op),
            message:
              `${code(fieldName)}, added earlier in this migration, becomes unique: the index builds under a lock. ` +
              "Plan it for a quiet window on large tables.",
            ...unlessLargeTables(project),
          });
          continue;
        }
        hits.push({
          ...span(py, op),
          message:
            "`AlterField` adds a unique constraint: it locks the table while the index builds and fails on " +
            "existing duplicates.",
          ...(project.addedUniqueFields.has(fieldName) ? {} : { condition: UNIQUE_BEFORE.hint }),
        });
      }
    }
    return hits;
  },
};
