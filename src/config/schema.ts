import { CATEGORIES, Severity } from "../vocabulary.js";
import { z } from "zod";
import { RULES } from "../checks/index.js";
import { DATABASES } from "../checks/project-facts.js";
import { code } from "../comments/markdown.js";

/** Files a reviewer skims at most: their diffs cost tokens and teach the model nothing about the Django code. */
export const DEFAULT_SKIP_PATHS = [
  "*.lock",
  "package-lock.json",
  "pnpm-lock.yaml",
  "*.min.js",
  "*.min.css",
  "*.map",
  "**/vendor/**",
  "**/node_modules/**",
  "**/static/dist/**",
  "**/static/build/**",
  "**/staticfiles/**",
  "**/__snapshots__/**",
  "*.snap",
  "*_pb2.py",
  "**/generated/**",
];

/**
 * Path globs from a repository's config. Extended globs (`@(a|b)`, `!(x)`, `+(…)`) can backtrack
 * catastrophically on a hostile pattern, so they are refused with a clear problem; lists and patterns
 * are bounded.
 */
const Glob = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => !/[@!+*?]\(/.test(p), {
    message: "extended glob patterns like `@(a|b)` or `!(x)` are not supported; use several patterns or braces `{a,b}`",
  });
const Globs = z.array(Glob).max(200);

const RULE_OR_CATEGORY = new Set<string>([...RULES.map((r) => r.id), ...CATEGORIES]);

const ChecksConfig = z
  .object({
    /** Run the deterministic Django checks. */
    enabled: z.boolean().default(true),
    /** Rule ids (`DJ307`) or categories (`migrations`) to switch off. */
    disable: z
      .array(
        z.string().refine((v) => RULE_OR_CATEGORY.has(v), { message: "is not a rule id (DJ101...) or a category" }),
      )
      .default([]),
    /** Report rule findings of this severity and above. */
    min_severity: Severity.default("nit"),
    /** Also check test code (`tests/`, `test_*.py`, `*_tests.py`, `tests.py`, `conftest.py`, test apps). */
    include_tests: z.boolean().default(false),
    /**
     * Rules (ids or categories) off in some paths, like per-file-ignores: `[{paths: ["legacy/**"], rules:
     * ["DJ101"]}]`.
     */
    ignore: z
      .array(
        z
          .object({
            paths: Globs.min(1),
            rules: z
              .array(
                z
                  .string()
                  .refine((v) => RULE_OR_CATEGORY.has(v), { message: "is not a rule id (DJ101...) or a category" }),
              )
              .min(1),
          })
          .strict(),
      )
      .max(100)
      .default([]),
  })
  .strict();

/** What the project runs on, when detection from its files is wrong or impossible. */
const ProjectConfig = z
  .object({
    django: z
      .string()
      .regex(/^\d+\.\d+$/, { message: "is not a Django version like 4.2" })
      .optional(),
    database: z.enum(DATABASES).optional(),
    /** A package other projects install (no deployment, settings or database of its own). */
    reusable: z.boolean().optional(),
    /**
     * Tables large enough that an index pays and building one under a lock blocks writes: index and lock
     * advice (DJ307, DJ503, DJ504) is posted instead of handed to the model to weigh.
     */
    large_tables: z.boolean().optional(),
    /**
     * Old code keeps serving while migrations run (rolling deploys, a release phase): dropping or renaming a
     * column (DJ304, DJ305) breaks it, so those are posted instead of handed to the model to weigh. Detected
     * from a Procfile `release:`, fly.toml, render.yaml or django-safemigrate; `false` turns detection off.
     */
    rolling_deploys: z.boolean().optional(),
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
    exclude_paths: Globs.default([]),
    /** Globs of files that must never reach the model (added to the built-in secret patterns). */
    secret_paths: Globs.default([]),
    /** Prompt tokens in one model call; a larger PR is split into several calls. */
    max_prompt_tokens: z.number().int().min(4_000).max(900_000).default(80_000),
    /** Model calls per review at most: files beyond them are listed as not sent. */
    max_model_calls: z.number().int().min(1).max(50).default(4),
    /** Prompt tokens per review at most, across all its calls. */
    max_total_tokens: z.number().int().min(4_000).max(5_000_000).default(250_000),
    /** The team's guidance for every review, given to the model after the persona (cut at 4,000 characters). */
    instructions: z.string().max(20_000).optional(),
    /** Guidance for some paths only: given when the review touches a file matching one of `paths`. */
    path_instructions: z
      .array(z.object({ paths: Globs.min(1), text: z.string().min(1).max(20_000) }).strict())
      .max(50)
      .default([]),
    /**
     * Files, definitions and listings the model may look up during a review (0 turns lookups off); their
     * answers count against the review's prompt tokens.
     */
    max_lookups: z.number().int().min(0).max(30).default(8),
    /** Globs of files never sent to the model: lock files, vendored, generated, minified, built assets, snapshots. */
    skip_paths: Globs.default(DEFAULT_SKIP_PATHS),
    /** Per-pull-request limits on what can spend model budget. */
    limits: z
      .object({
        reviews_per_pr_per_hour: z.number().int().min(1).max(1000).default(12),
        commands_per_pr_per_hour: z.number().int().min(1).max(1000).default(6),
        /** Answers (`/django-review ask`) per pull request per hour. */
        replies_per_pr_per_hour: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .default({ reviews_per_pr_per_hour: 12, commands_per_pr_per_hour: 6, replies_per_pr_per_hour: 10 }),
    /** The `Django review` check run each review reports (for branch protection). */
    check_run: z
      .object({
        enabled: z.boolean().default(true),
        /** `failure` on rule findings of this severity or worse; `never` keeps it neutral. */
        fail_on: z.union([Severity, z.literal("never")]).default("never"),
      })
      .strict()
      .default({ enabled: true, fail_on: "never" }),
    /** What the review summary shows beyond the findings. */
    summary: z
      .object({
        /** The model line: model, calls, tokens and estimated cost. */
        cost: z.boolean().default(true),
      })
      .strict()
      .default({ cost: true }),
    /** Overrides what is detected about the project: `{django: "4.2", database: postgresql}`. */
    project: ProjectConfig.default({}),
    /** The deterministic Django checks. */
    checks: ChecksConfig.default({ enabled: true, disable: [], min_severity: "nit", include_tests: false, ignore: [] }),
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
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => code(k)).join(", ")}${
      issue.path.length > 0 ? ` in ${code(where)}` : ""
    }`;
  }
  return `${code(where)}: ${issue.message}`;
}
