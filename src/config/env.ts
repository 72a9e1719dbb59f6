import { z } from "zod";
import { DEFAULT_POST_RETRY } from "../github/post-review.js";
import { GITHUB_REQUEST_TIMEOUT_MS } from "../github/timed-fetch.js";
import { TASK_TIMEOUT_MS } from "../review/off-thread.js";
import { DEFAULT_SHUTDOWN_GRACE_MS } from "../server/shutdown.js";
import { DEFAULT_READ_RETRY } from "../util/retry.js";

/**
 * The operator's environment, parsed once at start-up: every variable the app reads, its default
 * and its bounds. A bad value stops start-up with a message that names the variable (never a silent
 * `NaN`). An empty value (`VAR=` in a compose file) counts as unset.
 */

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const text = z.string().trim().optional();

const flag = z
  .enum(["1", "0", "true", "false"], { error: "must be 1, 0, true or false" })
  .optional()
  .transform((v) => v === "1" || v === "true");

/** Empty values are dropped first: `VAR=` means "not set", not "zero" or "no". */
const withoutEmpty = (env: unknown) =>
  Object.fromEntries(
    Object.entries(env as Record<string, unknown>).filter(([, v]) => !(typeof v === "string" && v.trim() === "")),
  );

const Settings = z.object({
  ANTHROPIC_API_KEY: text,
  ANTHROPIC_BASE_URL: z.url({ error: "must be a URL (https://…)" }).optional(),
  DJANGO_REVIEW_MODEL: text,
  DJANGO_REVIEW_MODEL_RETRIES: integer(0, 10).default(2),
  DJANGO_REVIEW_MODEL_TIMEOUT_MS: integer(1).default(300_000),
  DJANGO_REVIEW_MODEL_DEADLINE_MS: integer(1).default(600_000),
  DJANGO_REVIEW_AGENTS_DIR: text,
  DJANGO_REVIEW_CONCURRENCY: integer(1, 256).default(4),
  DJANGO_REVIEW_CONCURRENCY_PER_INSTALLATION: integer(1, 256).optional(),
  DJANGO_REVIEW_STALE_CHECK_MS: integer(-1).default(5_000),
  DJANGO_REVIEW_MAX_REVIEWS_PER_HOUR: integer(1).default(500),
  DJANGO_REVIEW_READ_BACKOFF_MS: integer(0).default(DEFAULT_READ_RETRY.backoffMs),
  DJANGO_REVIEW_POST_RETRY_MS: integer(0).default(DEFAULT_POST_RETRY.budgetMs),
  DJANGO_REVIEW_POST_BACKOFF_MS: integer(0).default(DEFAULT_POST_RETRY.backoffMs),
  DJANGO_REVIEW_GITHUB_TIMEOUT_MS: integer(1).default(GITHUB_REQUEST_TIMEOUT_MS),
  DJANGO_REVIEW_CHECKS_TIMEOUT_MS: integer(1).default(TASK_TIMEOUT_MS),
  DJANGO_REVIEW_CHECKS_INLINE: flag,
  DJANGO_REVIEW_SHUTDOWN_GRACE_MS: integer(0).default(DEFAULT_SHUTDOWN_GRACE_MS),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: "must be a redis:// or rediss:// URL" })
    .optional(),
  DJANGO_REVIEW_QUEUE_PREFIX: text,
  DJANGO_REVIEW_QUEUE_LOCK_MS: integer(100).optional(),
  DJANGO_REVIEW_QUEUE_STALLED_MS: integer(100).optional(),
});

export const OperatorEnv = z.preprocess(withoutEmpty, Settings);

export type OperatorEnv = z.infer<typeof Settings>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** The settings from `env`; throws an EnvError naming every bad variable and what it must be. */
export function parseOperatorEnv(env: NodeJS.ProcessEnv): OperatorEnv {
  const result = OperatorEnv.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${String(issue.path[0])}=${JSON.stringify(env[String(issue.path[0])] ?? "")}: ${issue.message}`,
  );
  throw new EnvError(`bad environment: ${problems.join("; ")}`);
}
