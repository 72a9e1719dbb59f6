import { type Category, type Finding, SEVERITIES, type Severity } from "../vocabulary.js";
import { fold, foldScope } from "./fold.js";
import { ProjectIndex } from "./project.js";
import type { ProjectFacts } from "./project-facts.js";
import { asyncRules } from "./rules/async/index.js";
import { migrationRules } from "./rules/migrations/index.js";
import { modelRules } from "./rules/models/index.js";
import { queryRules } from "./rules/queries/index.js";
import { securityRules } from "./rules/security/index.js";
import { taskRules } from "./rules/tasks/index.js";
import type { SourceFile } from "./source.js";
import { type IgnoreRule, ignoredByConfig, isSuppressedInline } from "./suppress.js";
import type { Rule, RuleHit } from "./types.js";
import { errorMessage } from "../util/error-message.js";

export const RULES: readonly Rule[] = [
  ...queryRules,
  ...asyncRules,
  ...migrationRules,
  ...securityRules,
  ...modelRules,
  ...taskRules,
];

export interface CheckOptions {
  /** Rule ids (`DJ101`) or categories (`migrations`) to skip. */
  disabled?: string[];
  minSeverity?: Severity;
  /** Check test code too (tests, test apps, conftest); off by default. */
  includeTests?: boolean;
  /** `checks.ignore`: rules off in some paths. */
  ignore?: IgnoreRule[];
  /** What the project runs on (Django version, database). */
  facts?: ProjectFacts;
  /** Paths the change touches beyond the checked files (deleted, binary, skipped ones). */
  otherChangedPaths?: string[];
}

/**
 * Runs every enabled rule over the changed files and keeps the findings on a changed line or
 * caused by one. `context` files (models, serializers, templates the change relies on) inform the
 * rules but are not reported on.
 */
export interface CheckResult {
  findings: Finding[];
  /** Rules that threw on a file: skipped there, reported so the failure is not silent. */
  failures: Array<{ rule: string; file: string; error: string }>;
  /** Findings silenced by a suppression comment or `checks.ignore` (counted, so the summary can say so). */
  suppressed: number;
  /** What the checks took the project to run on. */
  facts: ProjectFacts;
  /** Findings that hold only if an unknown fact holds (`RuleHit.condition`): model hints, not comments. */
  conditional: Finding[];
}

export function runChecks(changed: SourceFile[], context: SourceFile[] = [], options: CheckOptions = {}): CheckResult {
  const project = new ProjectIndex(
    [...changed, ...context],
    options.facts ?? {},
    new Set([...changed.map((f) => f.path), ...(options.otherChangedPaths ?? [])]),
  );
  const disabled = new Set(options.disabled ?? []);
  const floor = SEVERITIES.indexOf(options.minSeverity ?? "nit");
  const rules = RULES.filter(
    (r) => !disabled.has(r.id) && !disabled.has(r.category) && SEVERITIES.indexOf(r.severity) <= floor,
  );
  const findings: Finding[] = [];
  const conditional: Finding[] = [];
  const failures: CheckResult["failures"] = [];
  const ignored = ignoredByConfig(options.ignore ?? []);
  let suppressed = 0;
  for (const file of changed) {
    if (!file.hasChanges || (file.isTest && !options.includeTests)) continue;
    for (const rule of rules) {
      if (!rule.appliesTo(file)) continue;
      let hits: RuleHit[];
      try {
        hits = rule.check(file, project);
      } catch (error) {
        // A rule bug must not cost the review: skip the rule for this file and report it.
        failures.push({
          rule: rule.id,
          file: file.path,
          error: errorMessage(error),
        });
        continue;
      }
      const seen = new Set<number>();
      const groups = new Map<string, Finding[]>();
      for (const hit of hits) {
        const relevant =
          (!hit.restated && file.touches(hit.line, hit.endLine ?? hit.line)) ||
          (hit.deletionBefore === true && file.deletedAt.has(hit.line)) ||
          (hit.causeLines ?? []).some((line) => file.isChanged(line));
        if (!relevant || seen.has(hit.line)) continue;
        seen.add(hit.line);
        const finding = toFinding(rule, file.path, hit.line, hit.message, hit.severity, hit.condition);
        if (isSuppressedInline(file, finding) || ignored(finding)) suppressed++;
        else {
          const scope = `${hit.condition ?? ""}\u0000${foldScope(file, hit)}`;
          groups.set(scope, [...(groups.get(scope) ?? []), finding]);
        }
      }
      for (const group of groups.values()) {
        const folded = fold(group.sort((a, b) => a.line - b.line));
        (folded.condition ? conditional : findings).push(folded);
      }
    }
  }
  const byPlace = (a: Finding, b: Finding) =>
    a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule);
  return {
    findings: findings.sort(byPlace),
    failures,
    suppressed,
    facts: options.facts ?? {},
    conditional: conditional.sort(byPlace),
  };
}

function toFinding(
  rule: Rule,
  file: string,
  line: number,
  message: string | undefined,
  severity: Severity | undefined,
  condition: string | undefined,
): Finding {
  return {
    rule: rule.id,
    title: rule.title,
    severity: severity ?? rule.severity,
    category: rule.category,
    persona: rule.persona,
    file,
    line,
    message: message ?? rule.title,
    explanation: rule.explanation,
    ...(condition ? { condition } : {}),
  };
}

export type { Category, Finding, Rule };
