import { randomUUID } from "node:crypto";
import type { PullRequestRef } from "../github/types.js";

export interface LimitSettings {
  reviews_per_pr_per_hour: number;
  commands_per_pr_per_hour: number;
  replies_per_pr_per_hour: number;
}

const HOUR = 3_600_000;

/** What may spend model budget: `take` records an event if allowed, else says which limit was hit. */
export interface SpendingLimits {
  take(ref: PullRequestRef, kind: LimitKind, settings: LimitSettings): Promise<string | undefined>;
}

/** What spends model budget: automatic reviews, requested ones, and answers (`ask`, thread replies). */
export type LimitKind = "review" | "command" | "reply";

function perPrLimit(kind: LimitKind, settings: LimitSettings): number {
  if (kind === "review") return settings.reviews_per_pr_per_hour;
  return kind === "command" ? settings.commands_per_pr_per_hour : settings.replies_per_pr_per_hour;
}

function keysFor(ref: PullRequestRef, kind: LimitKind) {
  return { pr: `${kind}:${ref.owner}/${ref.repo}#${ref.pullNumber}`, installation: `installation:${ref.owner}` };
}

function prLimitMessage(limit: number, kind: string): string {
  const plural = kind === "reply" ? "replies" : `${kind}s`;
  return `the limit of ${limit} ${plural} per pull request per hour was reached (\`limits\` in the config)`;
}

function installationLimitMessage(limit: number): string {
  return `the limit of ${limit} reviews per installation per hour was reached (DJANGO_REVIEW_MAX_REVIEWS_PER_HOUR)`;
}

/**
 * Sliding one-hour windows of reviews and commands, per pull request and per installation (owner),
 * so a busy or hostile repository cannot run up the model bill. Kept in memory: per process.
 */
export class RateLimits implements SpendingLimits {
  private readonly events = new Map<string, number[]>();

  constructor(
    /** Reviews (of any kind) per installation per hour. */
    private readonly perInstallationPerHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  async take(ref: PullRequestRef, kind: LimitKind, settings: LimitSettings): Promise<string | undefined> {
    const keys = keysFor(ref, kind);
    const prLimit = perPrLimit(kind, settings);
    if (this.count(keys.pr) >= prLimit) return prLimitMessage(prLimit, kind);
    if (this.count(keys.installation) >= this.perInstallationPerHour)
      return installationLimitMessage(this.perInstallationPerHour);
    this.record(keys.pr);
    this.record(keys.installation);
    return undefined;
  }

  private count(key: string): number {
    const cutoff = this.now() - HOUR;
    const recent = (this.events.get(key) ?? []).filter((t) => t > cutoff);
    this.events.set(key, recent);
    return recent.length;
  }

  private record(key: string): void {
    this.events.set(key, [...(this.events.get(key) ?? []), this.now()]);
  }
}

/** Checks both windows and records in both, atomically, so replicas cannot overshoot together. */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, now - ${HOUR})
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[i + 1]) then return i end
end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], ${HOUR})
end
return 0`;

interface RedisEval {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** The same limits in Redis sorted sets, shared by every replica (used when REDIS_URL is set). */
export class RedisRateLimits implements SpendingLimits {
  constructor(
    private readonly redis: RedisEval,
    private readonly perInstallationPerHour: number,
    private readonly prefix = "django-review",
    private readonly now: () => number = Date.now,
  ) {}

  async take(ref: PullRequestRef, kind: LimitKind, settings: LimitSettings): Promise<string | undefined> {
    const keys = keysFor(ref, kind);
    const prLimit = perPrLimit(kind, settings);
    const member = randomUUID();
    const hit = await this.redis.eval(
      TAKE_SCRIPT,
      2,
      `${this.prefix}:limit:${keys.pr}`,
      `${this.prefix}:limit:${keys.installation}`,
      this.now(),
      prLimit,
      this.perInstallationPerHour,
      member,
    );
    if (hit === 1) return prLimitMessage(prLimit, kind);
    if (hit === 2) return installationLimitMessage(this.perInstallationPerHour);
    return undefined;
  }
}
