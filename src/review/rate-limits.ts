import type { PullRequestRef } from "../github/types.js";

export interface LimitSettings {
  reviews_per_pr_per_hour: number;
  commands_per_pr_per_hour: number;
}

const HOUR = 3_600_000;

/**
 * Sliding one-hour windows of reviews and commands, per pull request and per installation (owner),
 * so a busy or hostile repository cannot run up the model bill. Kept in memory: per process.
 */
export class RateLimits {
  private readonly events = new Map<string, number[]>();

  constructor(
    /** Reviews (of any kind) per installation per hour. */
    private readonly perInstallationPerHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the event if allowed; otherwise says which limit was hit. */
  take(ref: PullRequestRef, kind: "review" | "command", settings: LimitSettings): string | undefined {
    const prKey = `${kind}:${ref.owner}/${ref.repo}#${ref.pullNumber}`;
    const installationKey = `installation:${ref.owner}`;
    const prLimit = kind === "review" ? settings.reviews_per_pr_per_hour : settings.commands_per_pr_per_hour;
    if (this.count(prKey) >= prLimit) return `the limit of ${prLimit} ${kind}s per pull request per hour was reached (\`limits\` in the config)`;
    if (this.count(installationKey) >= this.perInstallationPerHour) {
      return `the limit of ${this.perInstallationPerHour} reviews per installation per hour was reached (DJANGO_REVIEW_MAX_REVIEWS_PER_HOUR)`;
    }
    this.record(prKey);
    this.record(installationKey);
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
