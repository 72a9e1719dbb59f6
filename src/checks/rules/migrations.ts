import type { SyntaxNode } from "@lezer/common";
import { ancestors, callParts, type CallParts, type PythonFile, simpleAssignments } from "../python.js";
import { atLeast } from "../project-facts.js";
import type { SourceFile } from "../source.js";
import type { Rule, RuleHit } from "../types.js";

const isMigration = (f: SourceFile) => f.isMigration;

interface Operation {
  name: string;
  call: SyntaxNode;
  parts: CallParts;
  line: number;
}

function operations(py: PythonFile, names: string[]): Operation[] {
  const ops: Operation[] = [];
  for (const call of py.nodes("CallExpression")) {
    const parts = callParts(py, call);
    if (!parts || !names.includes(parts.name)) continue;
    const callee = py.src(parts.callee);
    if (callee !== parts.name && !/^(migrations|operations|django\.db\.migrations)\./.test(callee) && !/Concurrently$/.test(parts.name)) continue;
    ops.push({ name: parts.name, call, parts, line: py.lineOf(call) });
  }
  return ops;
}

/** Models created by this migration: operations on them cannot lock or break an existing table. */
function createdModels(py: PythonFile): Set<string> {
  const names = new Set<string>();
  for (const op of operations(py, ["CreateModel"])) {
    const name = op.parts.keywords.get("name") ?? op.parts.positional[0];
    if (name) names.add(stringValue(py, name).toLowerCase());
  }
  return names;
}

function stringValue(py: PythonFile, node: SyntaxNode): string {
  return py.src(node).replace(/^[rbuRBU]*['"]+|['"]+$/g, "");
}

function modelNameOf(py: PythonFile, op: Operation): string {
  const node = op.parts.keywords.get("model_name") ?? op.parts.positional[0];
  return node ? stringValue(py, node).toLowerCase() : "";
}

function fieldCall(py: PythonFile, op: Operation): CallParts | undefined {
  const node = op.parts.keywords.get("field") ?? op.parts.positional[2];
  return node?.name === "CallExpression" ? callParts(py, node) : undefined;
}

function isInStateOperations(py: PythonFile, node: SyntaxNode): boolean {
  for (const a of ancestors(node)) {
    if (a.name !== "CallExpression") continue;
    const parts = callParts(py, a);
    if (parts?.name !== "SeparateDatabaseAndState") continue;
    const state = parts.keywords.get("state_operations");
    return state !== undefined && state.from <= node.from && node.to <= state.to;
  }
  return false;
}

/** Fields stored as a string column (varchar or text): Django's empty value for them is "". */
const STRING_FIELDS = new Set(["CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "FileField", "ImageField", "GenericIPAddressField"]);

/** A hit on a whole operation: a change anywhere in it (a deleted keyword argument too) counts. */
function span(py: PythonFile, op: Operation): { line: number; endLine: number } {
  return { line: op.line, endLine: py.line(Math.max(op.call.from, op.call.to - 1)) };
}

const addNotNullField: Rule = {
  id: "DJ301",
  title: "`AddField` of a NOT NULL column without a default on an existing table",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Adding a NOT NULL column with no default fails on a table with rows, or (with a one-off default) rewrites and locks it, and the running code's INSERTs fail until it is deployed. Add it as `null=True` (or with `db_default=`), back-fill, then make it NOT NULL in a later migration.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    const created = createdModels(py);
    const hits: RuleHit[] = [];
    for (const op of operations(py, ["AddField"])) {
      if (created.has(modelNameOf(py, op)) || isInStateOperations(py, op.call)) continue;
      const field = fieldCall(py, op);
      if (!field || /ManyToManyField$/.test(field.name) || field.hasStarArgs) continue;
      const keywords = field.keywords;
      const resolved = project.resolveField(field.name);
      if (py.src(keywords.get("null") ?? op.call) === "True" || resolved.forcesNull) continue;
      if (keywords.has("default") || keywords.has("db_default")) continue;
      if (/^(AutoField|BigAutoField|SmallAutoField|GeneratedField)$/.test(resolved.type)) continue;
      // Django fills existing rows of a blank string column with "" (schema_editor.effective_default).
      if (STRING_FIELDS.has(resolved.type) && py.src(keywords.get("blank") ?? op.call) === "True") continue;
      const version = project.facts.django?.version;
      // db_default exists from Django 5.0: only suggested where the project has it (or may have it).
      const dbDefault = !version ? " (or with `db_default=` on Django 5.0+)" : atLeast(version, "5.0") ? " (or with `db_default=`)" : "";
      hits.push({ ...span(py, op), message: `\`AddField\` of a NOT NULL \`${field.name}\` with no default: existing rows cannot be filled and old code's INSERTs fail. Add it nullable${dbDefault}, back-fill, then tighten.` });
    }
    return hits;
  },
};

const runPythonWithoutReverse: Rule = {
  id: "DJ302",
  title: "`RunPython` without `reverse_code`",
  severity: "minor",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Without `reverse_code` the migration cannot be unapplied, so a bad deploy cannot be rolled back with `migrate`. Pass a reverse function, or `migrations.RunPython.noop` when there is nothing to undo.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    return operations(py, ["RunPython"])
      .filter((op) => op.parts.positional.length < 2 && !op.parts.keywords.has("reverse_code") && !op.parts.hasStarArgs)
      .map((op) => ({ ...span(py, op), message: "`RunPython` has no `reverse_code`: the migration cannot be rolled back. Add one, or `migrations.RunPython.noop`." }));
  },
};

const runSqlWithoutReverse: Rule = {
  id: "DJ303",
  title: "`RunSQL` without `reverse_sql`",
  severity: "minor",
  category: "migrations",
  persona: "engineer",
  explanation: "Without `reverse_sql` the migration cannot be unapplied. Give the SQL that undoes it, or `migrations.RunSQL.noop`.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    return operations(py, ["RunSQL"])
      .filter((op) => op.parts.positional.length < 2 && !op.parts.keywords.has("reverse_sql") && !op.parts.hasStarArgs)
      .map((op) => ({ ...span(py, op), message: "`RunSQL` has no `reverse_sql`: the migration cannot be rolled back." }));
  },
};

const dropColumnOrTable: Rule = {
  id: "DJ304",
  title: "Column or table dropped while deployed code may still use it",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "During a deploy the old code keeps running against the migrated database: its queries still SELECT the dropped column or table and fail. Stop using it in one release (or remove it from state only with `SeparateDatabaseAndState`), and drop it in a later one.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    // django-safemigrate's `Safe.after_deploy()` says the code stopped using it in an earlier release.
    if (/\bsafe\s*=\s*Safe\.after_deploy\b/.test(file.text)) return [];
    return operations(py, ["RemoveField", "DeleteModel"])
      .filter((op) => !isInStateOperations(py, op.call))
      .map((op) => ({ ...span(py, op), message: `\`${op.name}\` drops data that running code may still read: remove it from the code first, drop it in a later release.` }));
  },
};

const renameOperation: Rule = {
  id: "DJ305",
  title: "Rename of a column or table",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Between the migration and the new code going live, the old code queries the old name and fails. Add the new column/table, write to both, switch reads, then remove the old one; or keep the database name with `db_column`/`db_table`.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    return operations(py, ["RenameField", "RenameModel", "AlterModelTable"])
      .filter((op) => !isInStateOperations(py, op.call))
      .map((op) => ({ line: op.line, message: `\`${op.name}\` breaks the code still running during the deploy; rename in steps or keep the old database name.` }));
  },
};

const COLUMN_TYPES: Record<string, string> = {
  CharField: "varchar", SlugField: "varchar", EmailField: "varchar", URLField: "varchar", FilePathField: "varchar",
  FileField: "varchar", ImageField: "varchar", TextField: "text", IntegerField: "integer", PositiveIntegerField: "integer",
  SmallIntegerField: "smallint", PositiveSmallIntegerField: "smallint", BigIntegerField: "bigint", PositiveBigIntegerField: "bigint",
  ForeignKey: "foreignkey", OneToOneField: "foreignkey", BooleanField: "boolean", NullBooleanField: "boolean",
};

/** The database column a field class stores to, as far as a type change is concerned. */
function columnType(fieldClass: string): string {
  return COLUMN_TYPES[fieldClass] ?? fieldClass;
}

const alterFieldRisk: Rule = {
  id: "DJ306",
  title: "`AlterField` that changes a column's type or adds a unique constraint",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Changing a column's type rewrites the table under an exclusive lock, and the code still running during the deploy reads and writes the old type; adding `unique=True` builds an index under a lock and fails on existing duplicates. Add a new column, back-fill, switch the code, then drop the old one; check for duplicates before adding a constraint.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    const created = createdModels(py);
    const hits: RuleHit[] = [];
    for (const op of operations(py, ["AlterField"])) {
      if (created.has(modelNameOf(py, op)) || isInStateOperations(py, op.call)) continue;
      const field = fieldCall(py, op);
      if (!field) continue;
      const nameNode = op.parts.keywords.get("name") ?? op.parts.positional[1];
      const fieldName = nameNode ? stringValue(py, nameNode) : "";
      // SlugField -> CharField is varchar -> varchar: a change of class, not of column type.
      const column = columnType(project.resolveField(field.name).type);
      const before = [...(project.removedFieldTypes.get(fieldName) ?? [])].filter((t) => columnType(project.resolveField(t).type) !== column);
      const k = field.keywords;
      if (before.length > 0) {
        hits.push({ ...span(py, op), message: `\`${fieldName}\` changes from \`${before[0]}\` to \`${field.name}\`: the table is rewritten under a lock and running code still uses the old type. Migrate in steps.` });
      } else if (py.src(k.get("unique") ?? op.call) === "True" || py.src(k.get("primary_key") ?? op.call) === "True") {
        hits.push({ ...span(py, op), message: "`AlterField` adds a unique constraint: it locks the table while the index builds and fails on existing duplicates." });
      }
    }
    return hits;
  },
};

const INDEX_OPS = ["AddIndex", "RemoveIndex", "AlterUniqueTogether", "AlterIndexTogether", "AddConstraint"];

const indexNotConcurrent: Rule = {
  id: "DJ307",
  title: "Index built without `CONCURRENTLY` (PostgreSQL)",
  severity: "minor",
  category: "migrations",
  tags: ["postgres"],
  persona: "engineer",
  explanation:
    "On PostgreSQL, `CREATE INDEX` blocks writes to the table for the whole build. Use `AddIndexConcurrently`/`RemoveIndexConcurrently` from `django.contrib.postgres.operations` in a migration with `atomic = False`.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    // Lock-free index builds are PostgreSQL advice: none on another database, a conditional nit when unknown.
    const database = project.facts.database?.engine;
    if (database && database !== "postgresql") return [];
    const created = createdModels(py);
    const hits: RuleHit[] = [];
    for (const op of operations(py, INDEX_OPS)) {
      if (created.has(modelNameOf(py, op)) || isInStateOperations(py, op.call)) continue;
      if (op.name === "AddConstraint") {
        if (!/UniqueConstraint/.test(py.src(op.call))) continue;
        // There is no concurrent AddConstraint: the index has to be built first, by hand.
        hits.push({
          ...span(py, op),
          message:
            "`AddConstraint` of a unique constraint builds its index under a write lock on PostgreSQL, and Django has no concurrent constraint operation: build the unique index with `CREATE UNIQUE INDEX CONCURRENTLY` (RunSQL in a migration with `atomic = False`), then attach it with `ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX`, keeping Django's state in step with `SeparateDatabaseAndState`.",
        });
        continue;
      }
      const concurrent = op.name === "RemoveIndex" ? "RemoveIndexConcurrently" : "AddIndexConcurrently";
      const what = op.name === "RemoveIndex" ? "drops an index" : "builds an index";
      hits.push({ ...span(py, op), message: `\`${op.name}\` ${what} under a write lock on PostgreSQL; use \`${concurrent}\` (django.contrib.postgres.operations, PostgreSQL, Django 3.0+) in a migration with \`atomic = False\`.` });
    }
    for (const op of operations(py, ["AddField"])) {
      if (created.has(modelNameOf(py, op))) continue;
      const field = fieldCall(py, op);
      if (field && py.src(field.keywords.get("db_index") ?? op.call) === "True") {
        hits.push({ ...span(py, op), message: "`AddField(..., db_index=True)` builds the index under a write lock; add the field, then `AddIndexConcurrently`." });
      }
    }
    return database ? hits : hits.map((h) => ({ ...h, severity: "nit" as const, message: `If this project runs on PostgreSQL: ${h.message}` }));
  },
};

const CONCURRENT_OPS = ["AddIndexConcurrently", "RemoveIndexConcurrently", "AddConstraintNotValid", "ValidateConstraint"];

const atomicMisuse: Rule = {
  id: "DJ308",
  title: "`atomic = False` misused",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Concurrent index operations must run outside a transaction (`atomic = False`), and nothing else should: a non-atomic migration that fails half-way leaves the schema half-applied. Keep concurrent operations in their own non-atomic migration.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const concurrent = operations(py, CONCURRENT_OPS);
    const concurrentSql = operations(py, ["RunSQL"]).filter((op) => /CONCURRENTLY/i.test(py.src(op.call)));
    for (const cls of py.nodes("ClassDefinition")) {
      const atomic = simpleAssignments(py, cls).find((a) => a.name === "atomic");
      const nonAtomic = atomic !== undefined && py.src(atomic.value) === "False";
      if (!nonAtomic && (concurrent.length > 0 || concurrentSql.length > 0)) {
        const first = concurrent[0] ?? concurrentSql[0];
        if (first) hits.push({ line: first.line, message: "Concurrent index operations fail inside a transaction: set `atomic = False` on this migration." });
      }
      const hasConcurrent = concurrent.length > 0 || concurrentSql.length > 0;
      const atomicLine = atomic ? py.lineOf(atomic.statement) : 0;
      // A comment on or above `atomic = False` says the choice was made on purpose (and why).
      const explained = atomic !== undefined && /#/.test(`${file.lines[atomicLine - 2] ?? ""} ${(file.lines[atomicLine - 1] ?? "").replace(/^[^#]*/, "")}`);
      if (nonAtomic && atomic && !explained) {
        const others = operations(py, ["AddField", "RemoveField", "AlterField", "RunPython", "CreateModel", "DeleteModel", "RenameField", "RenameModel"]).filter(
          (o) => !(o.name === "RunPython" && runsConcurrentSql(py, o)),
        );
        const needed = hasConcurrent || others.some((o) => o.name === "RunPython" && runsConcurrentSql(py, o));
        const allOps = operations(py, ["AddField", "RemoveField", "AlterField", "RunPython", "RunSQL", "CreateModel", "DeleteModel", "RenameField", "RenameModel"]);
        if (hasConcurrent && others.length > 0) {
          hits.push({ line: atomicLine, causeLines: others.map((o) => o.line), message: `\`atomic = False\` also covers \`${others[0]?.name}\`: a failure leaves the migration half-applied. Move the concurrent operations to their own migration.` });
        } else if (!needed && allOps.length > 1) {
          hits.push({
            line: atomicLine,
            causeLines: allOps.map((o) => o.line),
            message: "`atomic = False` with no concurrent operation: a failure between these operations leaves the schema half-applied. If one step must commit before the next, put each in its own (atomic) migration.",
          });
        }
      }
    }
    return hits;
  },
};

/** A RunPython whose forward function itself runs `... CONCURRENTLY` SQL: it is the concurrent operation. */
function runsConcurrentSql(py: PythonFile, op: Operation): boolean {
  const forward = op.parts.positional[0] ?? op.parts.keywords.get("code");
  if (!forward) return false;
  const name = py.src(forward);
  const def = py.nodes("FunctionDefinition").find((d) => py.src(d.getChild("VariableName") ?? d) === name);
  return def !== undefined && /CONCURRENTLY/i.test(py.src(def));
}

const directModelImport: Rule = {
  id: "DJ309",
  title: "Migration imports models directly",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "A migration runs against the historical schema; the current model class may have fields the database does not have yet (or no longer has), so the migration breaks later. Use `apps.get_model(\"app\", \"Model\")` inside the RunPython function.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const functions = py.nodes("FunctionDefinition").map((d) => py.src(d));
    for (const statement of py.nodes("ImportStatement")) {
      const text = py.src(statement).replace(/\s+/g, " ");
      // `import app.models` is what makemigrations writes for a field's validator or default: only
      // model classes imported by name and used in the migration's functions are today's classes.
      const from = /^from ([\w.]+) import (.+)$/.exec(text);
      if (!from || from[1] === "django.db" || !/(^|\.)models$/.test(from[1] as string) || /^django\./.test(from[1] as string)) continue;
      const names = (from[2] as string).replace(/[()]/g, "").split(",").map((n) => n.trim().split(/\s+as\s+/).pop() ?? "").filter((n) => /^[A-Z]/.test(n));
      // used in a function that does not rebind the name with apps.get_model()
      const used = names.filter((n) =>
        functions.some((body) => new RegExp(`\\b${n}\\.(objects|_default_manager|_meta)\\b|\\b${n}\\(`).test(body) && !new RegExp(`\\b${n}\\s*=\\s*apps\\.get_model`).test(body)),
      );
      if (used.length === 0) continue;
      hits.push({ line: py.lineOf(statement), message: `\`${text}\` uses today's model classes in a migration; use \`apps.get_model()\` in the migration function.` });
    }
    return hits;
  },
};

export const migrationRules: Rule[] = [
  addNotNullField,
  runPythonWithoutReverse,
  runSqlWithoutReverse,
  dropColumnOrTable,
  renameOperation,
  alterFieldRisk,
  indexNotConcurrent,
  atomicMisuse,
  directModelImport,
];
