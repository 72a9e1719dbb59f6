import { PythonFile } from "../../python.js";
import type { SourceFile } from "../../source.js";
import type { Rule } from "../../types.js";
import { isMigration, type Operation, operations, span } from "./operations.js";

/** An operation with no reverse: neither a second positional argument nor the keyword. */
const lacks = (keyword: string) => (op: Operation) =>
  op.parts.positional.length < 2 && !op.parts.keywords.has(keyword) && !op.parts.hasStarArgs;

/**
 * The operations of `name` that lack a reverse and that the change made so: an edit inside an old
 * operation that never had one (renaming its function in a 2014 migration) leaves the migration as
 * irreversible as it was; dropping `reverse_code=` from it, or writing the operation, does not.
 */
function irreversibleByChange(file: SourceFile, name: string, keyword: string): Operation[] {
  const py = file.python;
  return operations(py, [name])
    .filter(lacks(keyword))
    .filter((op) => {
      const { line, endLine } = span(py, op);
      const before = operations(new PythonFile(file.baseOf(line, endLine)), [name]);
      return before.length === 0 || !before.every(lacks(keyword));
    });
}

export const runPythonWithoutReverse: Rule = {
  id: "DJ302",
  title: "`RunPython` without `reverse_code`",
  severity: "minor",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Without `reverse_code` the migration cannot be unapplied, so a bad deploy cannot be rolled back with " +
    "`migrate`. Pass a reverse function, or `migrations.RunPython.noop` when there is nothing to undo.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    return irreversibleByChange(file, "RunPython", "reverse_code").map((op) => ({
      ...span(py, op),
      message:
        "`RunPython` has no `reverse_code`: the migration cannot be rolled back. Add one, or " +
        "`migrations.RunPython.noop`.",
    }));
  },
};

export const runSqlWithoutReverse: Rule = {
  id: "DJ303",
  title: "`RunSQL` without `reverse_sql`",
  severity: "minor",
  category: "migrations",
  persona: "engineer",
  explanation:
    "Without `reverse_sql` the migration cannot be unapplied. Give the SQL that undoes it, or " +
    "`migrations.RunSQL.noop`.",
  appliesTo: isMigration,
  check(file) {
    const py = file.python;
    return irreversibleByChange(file, "RunSQL", "reverse_sql").map((op) => ({
      ...span(py, op),
      message: "`RunSQL` has no `reverse_sql`: the migration cannot be rolled back.",
    }));
  },
};
