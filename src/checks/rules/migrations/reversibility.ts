import type { Rule } from "../../types.js";
import { isMigration, operations, span } from "./operations.js";

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
    return operations(py, ["RunPython"])
      .filter((op) => op.parts.positional.length < 2 && !op.parts.keywords.has("reverse_code") && !op.parts.hasStarArgs)
      .map((op) => ({
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
    return operations(py, ["RunSQL"])
      .filter((op) => op.parts.positional.length < 2 && !op.parts.keywords.has("reverse_sql") && !op.parts.hasStarArgs)
      .map((op) => ({
        ...span(py, op),
        message: "`RunSQL` has no `reverse_sql`: the migration cannot be rolled back.",
      }));
  },
};
