import type { Rule, RuleHit } from "../../types.js";
import { importedNames } from "../../python.js";
import { isAnyMigration } from "./operations.js";
import { code } from "../../../comments/markdown.js";

export const directModelImport: Rule = {
  id: "DJ309",
  title: "Migration imports models directly",
  severity: "major",
  category: "migrations",
  persona: "engineer",
  explanation:
    "A migration runs against the historical schema; the current model class may have fields the database does not " +
    'have yet (or no longer has), so the migration breaks later. Use `apps.get_model("app", "Model")` inside ' +
    "the RunPython function.",
  appliesTo: isAnyMigration,
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    const functions = py.nodes("FunctionDefinition").map((d) => py.src(d));
    for (const statement of py.nodes("ImportStatement")) {
      const text = py.src(statement).replace(/\s+/g, " ");
      // `import app.models` is what makemigrations writes for a field's validator or default: only
      // model classes imported by name and used in the migration's functions are today's classes.
      const from = /^from ([\w.]+) import (.+)$/.exec(text);
      if (
        !from ||
        from[1] === "django.db" ||
        !/(^|\.)models$/.test(from[1] as string) ||
        /^django\./.test(from[1] as string)
      )
        continue;
      const names = importedNames(from[2] as string).filter((n) => /^[A-Z]/.test(n));
      // used in a function that does not rebind the name with apps.get_model()
      const used = names.filter((n) =>
        functions.some(
          (body) =>
            new RegExp(`\\b${n}\\.(objects|_default_manager|_meta)\\b|\\b${n}\\(`).test(body) &&
            !new RegExp(`\\b${n}\\s*=\\s*apps\\.get_model`).test(body),
        ),
      );
      if (used.length === 0) continue;
      hits.push({
        line: py.lineOf(statement),
        message:
          `${code(text)} uses today's model classes in a migration; use \`apps.get_model()\` in the ` +
          `migration function.`,
      });
    }
    return hits;
  },
};
