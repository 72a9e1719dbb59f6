import type { SyntaxNode } from "@lezer/common";
import { callParts, type PythonFile } from "../../python.js";
import { POSTGRES_UNKNOWN, unlessRollingDeploys } from "../../conditions.js";
import type { Rule, RuleHit } from "../../types.js";
import { isMigration } from "./operations.js";

/** Calls whose first argument is SQL run against the schema in a migration. */
const SQL_CALLS = new Set(["RunSQL", "execute"]);

interface DdlCheck {
  /** Matched against the SQL with comments removed and whitespace folded. */
  pattern: RegExp;
  /** Only when the project is (or may be) on PostgreSQL. */
  postgres?: boolean;
  /** A hazard only while old code keeps serving during the migration (as DJ304's dropped column). */
  overlap?: boolean;
  message: string;
}

const CHECKS: DdlCheck[] = [
  {
    // `ON ONLY` a partitioned table's parent writes no index data (and cannot be concurrent): the children's
    // builds are the ones that lock.
    pattern: /\bCREATE\s+(UNIQUE\s+)?INDEX\b(?!\s+CONCURRENTLY)(?![^;]*\bON\s+ONLY\b)/i,
    postgres: true,
    message:
      "`CREATE INDEX` without `CONCURRENTLY` blocks writes to the table while the index builds; use `CREATE INDEX " +
      "CONCURRENTLY` in a migration with `atomic = False`.",
  },
  {
    pattern: /\bADD\s+(COLUMN\s+)?(IF\s+NOT\s+EXISTS\s+)?"?\w+"?\s+[\w ()]+?\bNOT\s+NULL\b(?![^,;]*\bDEFAULT\b)/i,
    message:
      "`ADD COLUMN ... NOT NULL` without `DEFAULT` fails on a table with rows, and the running code's INSERTs fail " +
      "until it is deployed: add it nullable (or with a default), back-fill, then set NOT NULL.",
  },
  {
    pattern: /\bDROP\s+(COLUMN|TABLE)\b/i,
    overlap: true,
    message:
      "`DROP COLUMN`/`DROP TABLE` removes data the code still running during the deploy may read: stop using it in " +
      "one release, drop it in the next.",
  },
  {
    pattern: /\bALTER\s+COLUMN\s+"?\w+"?\s+(SET\s+DATA\s+)?TYPE\b/i,
    message:
      "`ALTER COLUMN ... TYPE` rewrites the table under an exclusive lock (for most type changes) while old code " +
      "still uses the old type: add a new column, back-fill, switch, then drop.",
  },
  {
    pattern: /\bADD\s+CONSTRAINT\s+"?\w+"?\s+UNIQUE\b(?![^;]*\bUSING\s+INDEX\b)/i,
    postgres: true,
    message:
      "`ADD CONSTRAINT ... UNIQUE` builds its index under a lock: create the unique index `CONCURRENTLY` first, " +
      "then `ADD CONSTRAINT ... UNIQUE USING INDEX`.",
  },
];

/** The SQL text of a string literal (or a concatenation of literals), without SQL comments. */
function sqlText(py: PythonFile, node: SyntaxNode): string | undefined {
  const literals =
    node.name === "String" || node.name === "ContinuedString"
      ? [node]
      : node.name === "BinaryExpression"
        ? py.within(node, "String")
        : [];
  if (literals.length === 0) return undefined;
  const text = literals
    .map((l) =>
      py
        .src(l)
        .replace(/^[rRbBuU]*("""|'''|"|')/, "")
        .replace(/("""|'''|"|')$/, ""),
    )
    .join(" ");
  return text
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\s+/g, " ");
}

const riskyRawDdl: Rule = {
  id: "DJ310",
  title: "Risky DDL in raw SQL of a migration",
  severity: "major",
  category: "migrations",
  tags: ["postgres"],
  persona: "engineer",
  explanation:
    "`RunSQL` and `schema_editor.execute()` bypass Django's operations, so the same deploy hazards hide in the SQL " +
    "text: an index built without `CONCURRENTLY`, a NOT NULL column without a default, a dropped column or " +
    "table, a column type change, a unique constraint built under a lock. Apply the same expand/contract steps " +
    "by hand.",
  appliesTo: (f) => isMigration(f) && /RunSQL|execute\(/.test(f.text),
  check(file, project) {
    const py = file.python;
    const database = project.facts.database?.engine;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !SQL_CALLS.has(parts.name)) continue;
      const arg = parts.positional[0] ?? parts.keywords.get("sql");
      const sql = arg ? sqlText(py, arg) : undefined;
      if (!arg || !sql) continue;
      for (const check of CHECKS) {
        if (!check.pattern.test(sql) || (check.postgres && database && database !== "postgresql")) continue;
        // The whole string is the construct: a CONCURRENTLY the change deleted from inside it counts.
        const condition =
          check.postgres && !database
            ? { condition: POSTGRES_UNKNOWN.hint }
            : check.overlap
              ? unlessRollingDeploys(project)
              : {};
        hits.push({
          line: py.lineOf(arg),
          endLine: py.line(Math.max(arg.from, arg.to - 1)),
          message: check.message,
          ...condition,
        });
        break;
      }
    }
    return hits;
  },
};

export const rawSqlRules: Rule[] = [riskyRawDdl];
