import { unlessLargeTables } from "../../conditions.js";
import type { SyntaxNode } from "@lezer/common";
import type { ProjectIndex } from "../../project.js";
import { callParts, classBases, type PythonFile, simpleAssignments } from "../../python.js";
import { knownModelCalls } from "../../querysets.js";
import type { SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { schemaChangeRules } from "./schema-changes.js";
import { code } from "../../../comments/markdown.js";

const isModelCode = (f: SourceFile) =>
  f.kind === "python" && !f.isMigration && /\b(models|Field|ForeignKey)\b/.test(f.text);

/** Field calls (`models.CharField(...)`) in class bodies of the file. */
function fieldCalls(
  py: PythonFile,
  names: RegExp,
): Array<{ name: string; field: string; call: SyntaxNode; line: number }> {
  const found: Array<{ name: string; field: string; call: SyntaxNode; line: number }> = [];
  for (const cls of py.nodes("ClassDefinition")) {
    for (const { name: field, value } of simpleAssignments(py, cls)) {
      if (value.name !== "CallExpression") continue;
      const parts = callParts(py, value);
      if (parts && names.test(parts.name)) found.push({ name: parts.name, field, call: value, line: py.lineOf(value) });
    }
  }
  return found;
}

const fkWithoutOnDelete: Rule = {
  id: "DJ501",
  title: "`ForeignKey`/`OneToOneField` without `on_delete`",
  severity: "critical",
  category: "models",
  persona: "engineer",
  explanation:
    "Since Django 2.0 `on_delete` is required: the model fails to import with a TypeError. Choose it deliberately: " +
    "`CASCADE`, `PROTECT`, `SET_NULL` (with `null=True`), ...",
  appliesTo: (f) => f.kind === "python" && /ForeignKey|OneToOneField/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (!parts || !/^(ForeignKey|OneToOneField)$/.test(parts.name) || parts.hasStarArgs) continue;
      if (parts.keywords.has("on_delete") || parts.positional.length >= 2) continue;
      hits.push({
        line: py.lineOf(call),
        message:
          `${code(parts.name)} without \`on_delete\` raises a TypeError on Django 2.0+; pass ` +
          `\`on_delete=models.CASCADE\` (or PROTECT, SET_NULL, ...).`,
      });
    }
    return hits;
  },
};

const STRING_FIELDS = /^(CharField|TextField|SlugField|EmailField|URLField)$/;

function nullIsMeaningful(text: string, field: string): boolean {
  return new RegExp(`\\b${field}__isnull\\b|\\.${field}\\s+is\\s+(not\\s+)?None\\b|\\b${field}\\s*=\\s*None\\b`).test(
    text,
  );
}

/**
 * The project's existing models already keep several string fields nullable: that is its convention,
 * and a new field that follows it is not this PR's to change (the convention is a cleanup of its own).
 */
function nullableStringsAreTheConvention(project: ProjectIndex): boolean {
  let existing = 0;
  for (const model of project.models.values()) {
    for (const field of model.fields.values())
      if (!field.changed && field.nullable && STRING_FIELDS.test(field.type)) existing++;
  }
  return existing >= CONVENTION;
}

/** How many unchanged nullable string fields make a house convention rather than an accident. */
const CONVENTION = 3;

const nullOnStringField: Rule = {
  id: "DJ502",
  title: "`null=True` on a string field",
  severity: "minor",
  category: "models",
  persona: "engineer",
  explanation:
    'A nullable text column has two empty values, `NULL` and `""`, so filters and forms disagree. Django\'s ' +
    'convention is `blank=True, default=""`; keep `null=True` only with `unique=True` (where empty strings ' +
    "would collide).",
  appliesTo: isModelCode,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    if (nullableStringsAreTheConvention(project)) return [];
    for (const { field, name, call } of fieldCalls(py, STRING_FIELDS)) {
      const k = callParts(py, call)?.keywords;
      const nullArg = k?.get("null");
      if (!k || !nullArg || py.src(nullArg) !== "True" || py.src(k.get("unique") ?? call) === "True") continue;
      // `default=None` says NULL is the designed "no value"; code testing `is None` / `__isnull` relies on it.
      if (py.src(k.get("default") ?? call) === "None" || nullIsMeaningful(file.text, field)) continue;
      // On the `null=True` argument itself: a field whose other arguments change does not re-raise it.
      hits.push({
        line: py.lineOf(nullArg),
        message: `${code(`${field} = ${name}(null=True)`)}: use \`blank=True, default=""\` so empty has one value.`,
      });
    }
    return hits;
  },
};

const LOOKUP_METHODS = new Set(["filter", "exclude", "get", "order_by"]);

const filterOnUnindexedField: Rule = {
  id: "DJ503",
  title: "New field filtered or ordered on without an index",
  severity: "minor",
  category: "models",
  tags: ["indexes"],
  persona: "engineer",
  explanation:
    "This change adds a field and queries by it, but the field has no index: the database scans the whole table " +
    "for each lookup, fine while it is small, slow once it is not. Add `db_index=True` or a `Meta.indexes` " +
    "entry (a composite one if you filter on several fields).",
  appliesTo: (f) => f.kind === "python" && !f.isMigration && /\.objects\./.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { call, method, model } of knownModelCalls(py, project, LOOKUP_METHODS)) {
      const parts = callParts(py, call);
      if (!parts) continue;
      const names =
        method === "order_by"
          ? parts.positional.filter((a) => a.name === "String").map((a) => py.src(a).replace(/^['"]-?|['"]$/g, ""))
          : [...parts.keywords.keys()];
      for (const lookup of names) {
        const fieldName = lookup.split("__")[0] as string;
        const field = model.fields.get(fieldName);
        // Only fields this change adds: an old unindexed column was a decision made before this PR.
        if (!field?.changed || field.indexed || model.metaIndexed.has(fieldName) || field.manyToMany) continue;
        if (/^(BooleanField|NullBooleanField)$/.test(field.type)) continue;
        hits.push({
          line: py.lineOf(call),
          message:
            `${code(`${model.name}.${fieldName}`)} has no index but this query ` +
            `${method === "order_by" ? "orders" : "filters"} on it; add \`db_index=True\` or a ` +
            `\`Meta.indexes\` entry.`,
          ...unlessLargeTables(project),
        });
        break;
      }
    }
    return hits;
  },
};

const metaOrdering: Rule = {
  id: "DJ504",
  title: "Default `Meta.ordering` on a field with no index",
  severity: "minor",
  category: "models",
  tags: ["performance", "indexes"],
  persona: "engineer",
  explanation:
    "`Meta.ordering` adds an ORDER BY to every query of the model (lists, admin, related managers). Ordering by an " +
    "unindexed column sorts the whole table each time, which gets slow as it grows. Index the field, or drop " +
    "the default ordering and order where it matters.",
  appliesTo: isModelCode,
  check(file, project: ProjectIndex) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const meta of py.nodes("ClassDefinition")) {
      if (py.src(meta.getChild("VariableName") ?? meta) !== "Meta") continue;
      const owner = meta.parent?.parent;
      const model =
        owner?.name === "ClassDefinition"
          ? project.models.get(py.src(owner.getChild("VariableName") ?? owner))
          : undefined;
      if (!model) continue;
      const ordering = simpleAssignments(py, meta).find((a) => a.name === "ordering");
      if (!ordering) continue;
      const fields = [...py.src(ordering.value).matchAll(/["']-?([A-Za-z_]\w*)["']/g)].map((m) => m[1] as string);
      const before = file.removedLines.filter((line) => /\bordering\b/.test(line)).join(" ");
      // A field the base already ordered by is not this change's doing (adding an `-id` tie-breaker is fine).
      const unindexed = fields.filter(
        (f) =>
          !/^(pk|id)$/.test(f) &&
          model.fields.has(f) &&
          !model.fields.get(f)?.indexed &&
          !model.metaIndexed.has(f) &&
          !new RegExp(`["']-?${f}["']`).test(before),
      );
      if (unindexed.length === 0) continue;
      hits.push({
        line: py.lineOf(ordering.statement),
        message:
          `\`Meta.ordering\` sorts every query by ${code(`${unindexed.join("`, `")}`)}, which has no ` +
          `index: add one, or order explicitly where needed.`,
        ...unlessLargeTables(project),
      });
    }
    return hits;
  },
};

const saveWithoutArgs: Rule = {
  id: "DJ505",
  title: "`save()` override that drops `*args, **kwargs`",
  severity: "major",
  category: "models",
  persona: "engineer",
  explanation:
    "`Model.save()` takes `force_insert`, `update_fields`, `using`...: an override that does not accept and pass " +
    "on `*args, **kwargs` silently ignores them (e.g. `save(update_fields=[...])` writes every column, or " +
    "fails).",
  appliesTo: isModelCode,
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const def of py.nodes("FunctionDefinition")) {
      if (py.src(def.getChild("VariableName") ?? def) !== "save") continue;
      const cls = def.parent?.parent;
      if (cls?.name !== "ClassDefinition") continue;
      const isModel =
        project.models.has(py.src(cls.getChild("VariableName") ?? cls)) ||
        classBases(py, cls).some((b) => /Model$/.test(b));
      if (!isModel) continue;
      const params = py.src(def.getChild("ParamList") ?? def);
      const superCall = py
        .within(def, "CallExpression")
        .find((c) => /^super\(.*\)\.save$/.test(py.src(c.firstChild ?? c).replace(/\s+/g, "")));
      if (!/\*\*/.test(params)) {
        hits.push({
          line: py.lineOf(def),
          message:
            "`save()` override without `*args, **kwargs`: `update_fields`, `force_insert` and `using` are lost. " +
            "Use `def save(self, *args, **kwargs)` and pass them to `super().save(...)`.",
        });
      } else if (superCall && !/\*\*/.test(py.src(superCall.getChild("ArgList") ?? superCall))) {
        hits.push({
          line: py.lineOf(superCall),
          message:
            "`super().save()` is called without `*args, **kwargs`: the caller's `update_fields`/`using` are dropped.",
        });
      }
    }
    return hits;
  },
};

const setNullWithoutNull: Rule = {
  id: "DJ506",
  title: "`on_delete=SET_NULL` on a non-nullable field",
  severity: "major",
  category: "models",
  persona: "engineer",
  explanation:
    "`SET_NULL` needs `null=True` (system check fields.E320); `SET_DEFAULT` needs a `default` (E321). Without " +
    "them, deleting the related row fails.",
  // Models only: a migration records history (an initial state later migrations make nullable), and Django's
  // system checks, which raise E320 at startup, read the models; a migration is made from them.
  appliesTo: (f) => f.kind === "python" && !f.isMigration && /SET_NULL|SET_DEFAULT/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      const onDelete = parts?.keywords.get("on_delete");
      if (!parts || !onDelete) continue;
      const mode = py.src(onDelete);
      if (/SET_NULL$/.test(mode) && py.src(parts.keywords.get("null") ?? call) !== "True") {
        hits.push({
          line: py.lineOf(call),
          message: "`on_delete=SET_NULL` without `null=True`: deleting the related row fails (fields.E320).",
        });
      } else if (/SET_DEFAULT$/.test(mode) && !parts.keywords.has("default")) {
        hits.push({ line: py.lineOf(call), message: "`on_delete=SET_DEFAULT` without a `default` (fields.E321)." });
      }
    }
    return hits;
  },
};

/** Field names that always mean money. */
const MONEY = /(price|cost|balance|fee|salary|tax|subtotal|discount|payment|revenue|charge)/i;
/** Names that mean money in a shop and a quantity elsewhere (millilitres pumped, a total of minutes). */
const MAYBE_MONEY = /(amount|total)/i;
/** What says a module deals in money, so its `amount` is one. */
const MONEY_CONTEXT = /currency|price|payment|invoice|money|\bcost\b/i;

const floatForMoney: Rule = {
  id: "DJ507",
  title: "`FloatField` for money",
  severity: "minor",
  category: "models",
  persona: "engineer",
  explanation:
    "Binary floats cannot represent most decimal amounts (0.1 + 0.2 != 0.3): sums drift by cents. Use " +
    "`DecimalField(max_digits=..., decimal_places=2)`.",
  appliesTo: isModelCode,
  check(file) {
    const py = file.python;
    const moneyModule = MONEY_CONTEXT.test(file.text);
    return fieldCalls(py, /^FloatField$/)
      .filter(({ field }) => MONEY.test(field) || (MAYBE_MONEY.test(field) && moneyModule))
      .map(({ field, line }) => ({
        line,
        message: `${code(`${field}`)} looks like money but is a \`FloatField\`: use \`DecimalField\`.`,
      }));
  },
};

export const modelRules: Rule[] = [
  fkWithoutOnDelete,
  nullOnStringField,
  filterOnUnindexedField,
  metaOrdering,
  saveWithoutArgs,
  setNullWithoutNull,
  floatForMoney,
  ...schemaChangeRules,
];
