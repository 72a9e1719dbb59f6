import type { SyntaxNode } from "@lezer/common";
import { type PythonFile, simpleAssignments } from "../../python.js";
import { POSTGRES_UNKNOWN, unlessLargeTables } from "../../conditions.js";
import type { Rule, RuleHit } from "../../types.js";
import { isMigration, type Operation, operations, touchesNoExistingTable, fieldCall, span } from "./operations.js";
import { code } from "../../../comments/markdown.js";

const INDEX_OPS = ["AddIndex", "RemoveIndex", "AlterUniqueTogether", "AlterIndexTogether", "AddConstraint"];

export const indexNotConcurrent: Rule = {
  id: "DJ307",
  title: "Index built without `CONCURRENTLY` (PostgreSQL)",
  severity: "minor",
  category: "migrations",
  tags: ["postgres"],
  persona: "engineer",
  explanation:
    "On PostgreSQL, `CREATE INDEX` blocks writes to the table for the whole build. Use " +
    "`AddIndexConcurrently`/`RemoveIndexConcurrently` from `django.contrib.postgres.operations` in a migration " +
    "with `atomic = False`.",
  appliesTo: isMigration,
  check(file, project) {
    const py = file.python;
    // Lock-free index builds are PostgreSQL advice: none on another database, a hint to the model when
    // unknown (a reusable app shipping migrations to every database cannot use the concurrent operations).
    const database = project.facts.database?.engine;
    if (database && database !== "postgresql") return [];
    const noTable = touchesNoExistingTable(py, project);
    const hits: RuleHit[] = [];
    for (const op of operations(py, INDEX_OPS)) {
      if (noTable(op)) continue;
      if (op.name === "AddConstraint") {
        if (!/UniqueConstraint/.test(py.src(op.call))) continue;
        // There is no concurrent AddConstraint: the index has to be built first, by hand.
        hits.push({
          ...span(py, op),
          message:
            "`AddConstraint` of a unique constraint builds its index under a write lock on PostgreSQL, and Django " +
            "has no concurrent constraint operation: build the unique index with `CREATE UNIQUE INDEX " +
            "CONCURRENTLY` (RunSQL in a migration with `atomic = False`), then attach it with `ALTER TABLE ... " +
            "ADD CONSTRAINT ... UNIQUE USING INDEX`, keeping Django's state in step with " +
            "`SeparateDatabaseAndState`.",
        });
        continue;
      }
      const concurrent = op.name === "RemoveIndex" ? "RemoveIndexConcurrently" : "AddIndexConcurrently";
      const what = op.name === "RemoveIndex" ? "drops an index" : "builds an index";
      hits.push({
        ...span(py, op),
        message:
          `${code(op.name)} ${what} under a write lock on PostgreSQL; use ${code(concurrent)} ` +
          `(django.contrib.postgres.operations, PostgreSQL, Django 3.0+) in a migration with \`atomic = ` +
          `False\`.`,
      });
    }
    for (const op of operations(py, ["AddField"])) {
      if (noTable(op)) continue;
      const field = fieldCall(py, op);
      if (field && py.src(field.keywords.get("db_index") ?? op.call) === "True") {
        hits.push({
          ...span(py, op),
          message:
            "`AddField(..., db_index=True)` builds the index under a write lock; add the field, then " +
            "`AddIndexConcurrently`.",
        });
      }
    }
    // Unknown database: maybe not PostgreSQL. PostgreSQL: the lock matters on a large table only.
    const condition = database ? unlessLargeTables(project) : { condition: POSTGRES_UNKNOWN.hint };
    return hits.map((h) => ({ ...h, ...condition }));
  },
};

const CONCURRENT_OPS = [
  "AddIndexConcurrently",
  "RemoveIndexConcurrently",
  "AddConstraintNotValid",
  "ValidateConstraint",
];

export const atomicMisuse: Rule = {
  id: "DJ308",
  title: "`atomic = False` misused",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Concurrent index operations must run outside a transaction (`atomic = False`), and nothing else should: a " +
    "non-atomic migration that fails half-way leaves the schema half-applied. Keep concurrent operations in " +
    "their own non-atomic migration.",
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
        if (first)
          hits.push({
            line: first.line,
            message: "Concurrent index operations fail inside a transaction: set `atomic = False` on this migration.",
          });
      }
      const hasConcurrent = concurrent.length > 0 || concurrentSql.length > 0;
      const atomicLine = atomic ? py.lineOf(atomic.statement) : 0;
      // A comment on or above `atomic = False` says the choice was made on purpose (and why).
      const explained =
        atomic !== undefined &&
        /#/.test(`${file.lines[atomicLine - 2] ?? ""} ${(file.lines[atomicLine - 1] ?? "").replace(/^[^#]*/, "")}`);
      if (nonAtomic && atomic && !explained) {
        const others = operations(py, [
          "AddField",
          "RemoveField",
          "AlterField",
          "RunPython",
          "CreateModel",
          "DeleteModel",
          "RenameField",
          "RenameModel",
        ]).filter((o) => !(o.name === "RunPython" && runsConcurrentSql(py, o)));
        // A RunPython whose function lives in another module may be the step that must run outside a transaction
        // (kpi b2fead316f: a shared helper drops a materialized view under lock_timeout after ending other backends):
        // no evidence either way, so no claim.
        const needed =
          hasConcurrent ||
          others.some((o) => o.name === "RunPython" && (runsConcurrentSql(py, o) || forwardElsewhere(py, o)));
        const allOps = operations(py, [
          "AddField",
          "RemoveField",
          "AlterField",
          "RunPython",
          "RunSQL",
          "CreateModel",
          "DeleteModel",
          "RenameField",
          "RenameModel",
        ]);
        if (hasConcurrent && others.length > 0) {
          hits.push({
            line: atomicLine,
            causeLines: others.map((o) => o.line),
            message:
              `\`atomic = False\` also covers ${code(String(others[0]?.name))}: a failure leaves the migration ` +
              `half-applied. Move the concurrent operations to their own migration.`,
          });
        } else if (!needed && allOps.length > 1) {
          hits.push({
            line: atomicLine,
            causeLines: allOps.map((o) => o.line),
            message:
              "`atomic = False` with no concurrent operation: a failure between these operations leaves the schema " +
              "half-applied. If one step must commit before the next, put each in its own (atomic) migration.",
          });
        }
      }
    }
    return hits;
  },
};

/**
 * A RunPython's forward function: its definition in this migration, `"elsewhere"` when it is named but not defined
 * here (imported: its SQL cannot be read), undefined for a lambda, `noop` or none.
 */
function forwardFunction(py: PythonFile, op: Operation): SyntaxNode | "elsewhere" | undefined {
  const forward = op.parts.positional[0] ?? op.parts.keywords.get("code");
  if (!forward || forward.name === "LambdaExpression" || /\bnoop$/.test(py.src(forward))) return undefined;
  const name = py.src(forward);
  return py.nodes("FunctionDefinition").find((d) => py.src(d.getChild("VariableName") ?? d) === name) ?? "elsewhere";
}

function forwardElsewhere(py: PythonFile, op: Operation): boolean {
  return forwardFunction(py, op) === "elsewhere";
}

/** A RunPython whose forward function itself runs `... CONCURRENTLY` SQL: it is the concurrent operation. */
function runsConcurrentSql(py: PythonFile, op: Operation): boolean {
  const def = forwardFunction(py, op);
  return def !== undefined && def !== "elsewhere" && /CONCURRENTLY/i.test(py.src(def));
}
