import type { Category, Severity } from "../vocabulary.js";
import { RULES } from "../checks/index.js";
import type { Report, ReportItem } from "./report.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  major: "error",
  minor: "warning",
  nit: "note",
};

/** GitHub code scanning ranks security alerts by this score (CVSS-like, as a string). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.0", major: "7.0", minor: "4.0", nit: "2.0" };

/** Where each category's background is documented. */
const CATEGORY_DOCS: Record<Category, string> = {
  queries: "https://docs.djangoproject.com/en/stable/topics/db/optimization/",
  async: "https://docs.djangoproject.com/en/stable/topics/async/",
  migrations: "https://docs.djangoproject.com/en/stable/topics/migrations/",
  security: "https://docs.djangoproject.com/en/stable/topics/security/",
  models: "https://docs.djangoproject.com/en/stable/topics/db/models/",
  tasks: "https://docs.djangoproject.com/en/stable/topics/db/transactions/#performing-actions-after-commit",
};

/** The rule id model comments are filed under. */
export const MODEL_RULE_ID = "model";

/** The key GitHub matches alerts on across runs: the review's own fingerprint (file, issue, code). */
const FINGERPRINT_KEY = "djangoReviewFingerprint/v1";

/** SARIF 2.1.0, as GitHub code scanning reads it (github/codeql-action/upload-sarif). */
export function toSarif(report: Report) {
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0" as const,
    runs: [
      {
        tool: {
          driver: {
            name: "django-review",
            informationUri: "https://docs.djangoproject.com/en/stable/",
            rules: [...RULES.map(ruleDescriptor), modelRule()],
          },
        },
        results: withOccurrences([...report.findings, ...report.comments]).map(([item, key]) => result(item, key)),
      },
    ],
  };
}

function ruleDescriptor(rule: (typeof RULES)[number]) {
  const security = rule.category === "security";
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title.replace(/`/g, "") },
    fullDescription: { text: rule.explanation.replace(/`/g, "") },
    help: { text: rule.explanation.replace(/`/g, ""), markdown: `**${rule.title}**\n\n${rule.explanation}` },
    helpUri: CATEGORY_DOCS[rule.category],
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      category: rule.category,
      tags: [...new Set([rule.category, ...(rule.tags ?? []), ...(security ? ["security"] : [])])],
      ...(security ? { "security-severity": SECURITY_SEVERITY[rule.severity] } : {}),
    },
  };
}

function modelRule() {
  const text =
    "A comment from the model's review of the change (the persona the app chose: architect or engineer). It is the " +
    "model's judgement, validated to sit on a changed line; its severity is the model's.";
  return {
    id: MODEL_RULE_ID,
    name: "ModelReviewComment",
    shortDescription: { text: "A comment from the model's review" },
    fullDescription: { text },
    help: { text, markdown: `**A comment from the model's review**\n\n${text}` },
    defaultConfiguration: { level: "warning" as const },
    properties: { tags: ["review"] },
  };
}

/**
 * Each item with its fingerprint key. Two findings of one rule on identical lines of a file share the
 * review's fingerprint; GitHub would merge their alerts, so the second and later get `:2`, `:3`, …
 * (in file order, as GitHub's own line hashes do), which stays stable across pushes.
 */
function withOccurrences(items: ReportItem[]): Array<[ReportItem, string]> {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const n = (seen.get(item.fingerprint) ?? 0) + 1;
    seen.set(item.fingerprint, n);
    return [item, n === 1 ? item.fingerprint : `${item.fingerprint}:${n}`];
  });
}

function result(item: ReportItem, fingerprint: string) {
  return {
    ruleId: item.rule ?? MODEL_RULE_ID,
    level: LEVEL[item.severity],
    message: { text: item.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: item.file, uriBaseId: "%SRCROOT%" },
          region: { startLine: item.line },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties: { severity: item.severity, ...(item.category ? { category: item.category } : {}) },
  };
}
