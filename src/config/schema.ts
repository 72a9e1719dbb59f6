import { z } from "zod";
import { RULES } from "../checks/index.js";
import { CATEGORIES } from "../checks/types.js";
import { Severity } from "../model/review-tool.js";

const RULE_OR_CATEGORY = new Set<string>([...RULES.map((r) => r.id), ...CATEGORIES]);

const ChecksConfig = z
  .object({
    /** Run the deterministic Django checks. */
    enabled: z.boolean().default(true),
    /** Rule ids (`DJ307`) or categories (`migrations`) to switch off. */
    disable: z
      .array(z.string().refine((v) => RULE_OR_CATEGORY.has(v), { message: "is not a rule id (DJ101...) or a category" }))
      .default([]),
    /** Report rule findings of this severity and above. */
    min_severity: Severity.default("nit"),
  })
  .strict();

/** `.github/django-review.yml`: every key is optional; unknown keys are an error so typos are caught. */
export const RepoConfig = z
  .object({
    /** `auto` routes by the changed files; `architect` or `engineer` pins the persona. */
    persona: z.enum(["auto", "architect", "engineer"]).default("auto"),
    /** Review draft pull requests too. */
    review_drafts: z.boolean().default(false),
    /** Review pull requests opened by bots (Dependabot, Renovate, ...). */
    review_bot_prs: z.boolean().default(false),
    /** Lines of file context shown to the model on each side of a hunk. */
    context_lines: z.number().int().min(0).max(200).default(20),
    /** Most inline comments in one review; the rest are listed in the summary. */
    max_comments: z.number().int().min(0).max(100).default(25),
    /** Model id or alias (`sonnet`, `opus`, `haiku`) overriding the persona's. */
    model: z.string().min(1).optional(),
    /** Globs of files never reviewed (in addition to the built-in secret patterns). */
    exclude_paths: z.array(z.string().min(1)).default([]),
    /** Globs of files that must never reach the model (added to the built-in secret patterns). */
    secret_paths: z.array(z.string().min(1)).default([]),
    /** Upper bound on the prompt size, in estimated tokens; files past it are listed, not sent. */
    max_prompt_tokens: z.number().int().min(2_000).max(900_000).default(80_000),
    /** The deterministic Django checks. */
    checks: ChecksConfig.default({ enabled: true, disable: [], min_severity: "nit" }),
  })
  .strict();

export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_CONFIG: RepoConfig = RepoConfig.parse({});

export type ConfigResult = { config: RepoConfig; problems: string[] };

/** Validates raw YAML data; on failure falls back to defaults and says, key by key, what was wrong. */
export function parseRepoConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) return { config: DEFAULT_CONFIG, problems: [] };
  const result = RepoConfig.safeParse(raw);
  if (result.success) return { config: result.data, problems: [] };
  return { config: DEFAULT_CONFIG, problems: result.error.issues.map(describeIssue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
  if (issue.code === "unrecognized_keys") {
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}${
      issue.path.length > 0 ? ` in \`${where}\`` : ""
    }`;
  }
  return `\`${where}\`: ${issue.message}`;
}
