import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ReviewOutcome } from "./review/run-review.js";
import type { AppThread } from "./github/fetch-review-context.js";

/** Prometheus metrics of this process, served at /metrics. */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly reviews = new Counter({
    name: "django_review_reviews_total",
    help: "Reviews by outcome",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: "django_review_failures_total",
    help: "Reviews that failed with an error",
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: "django_review_model_tokens_total",
    help: "Model tokens by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: "django_review_model_cost_usd_total",
    help: "Estimated model cost in US dollars",
    registers: [this.registry],
  });
  private readonly lookups = new Counter({
    name: "django_review_model_lookups_total",
    help: "Files, definitions and listings the model looked up during reviews",
    registers: [this.registry],
  });
  private readonly feedback = new Counter({
    name: "django_review_feedback_total",
    help: "👍 and 👎 reactions on the app's findings, by rule (model findings: `model`), as reviews read them",
    labelNames: ["rule", "reaction"] as const,
    registers: [this.registry],
  });
  /** Reactions already counted, per thread: each review reads them all again, so only growth counts. */
  private readonly feedbackSeen = new Map<string, { up: number; down: number }>();
  private readonly duration = new Histogram({
    name: "django_review_review_duration_seconds",
    help: "Time from the start of a review to its outcome",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  constructor(queueDepth: () => Promise<number>) {
    new Gauge({
      name: "django_review_queue_depth",
      help: "Reviews waiting or running",
      registers: [this.registry],
      async collect() {
        this.set(await queueDepth());
      },
    });
  }

  recordReview(outcome: ReviewOutcome, durationMs: number): void {
    this.reviews.inc({ outcome: outcome.status });
    this.duration.observe(durationMs / 1000);
    this.tokens.inc({ kind: "input" }, outcome.inputTokens - outcome.cacheReadTokens);
    this.tokens.inc({ kind: "cache_read" }, outcome.cacheReadTokens);
    this.tokens.inc({ kind: "output" }, outcome.outputTokens);
    if (outcome.costUsd) this.cost.inc(outcome.costUsd);
    this.lookups.inc(outcome.lookups);
  }

  /**
   * The reactions on the app's threads as a review read them; counts only what grew since this process
   * last saw the thread (a restart counts them again). Returns the counts by rule, for the log line.
   */
  recordFeedback(threads: AppThread[]): Record<string, { up: number; down: number }> {
    const byRule: Record<string, { up: number; down: number }> = {};
    for (const t of threads) {
      const up = t.thumbsUp ?? 0;
      const down = t.thumbsDown ?? 0;
      if (up === 0 && down === 0) continue;
      const rule = t.source ?? "model";
      const seen = this.feedbackSeen.get(t.id || t.fingerprint) ?? { up: 0, down: 0 };
      if (up > seen.up) this.feedback.inc({ rule, reaction: "+1" }, up - seen.up);
      if (down > seen.down) this.feedback.inc({ rule, reaction: "-1" }, down - seen.down);
      this.feedbackSeen.set(t.id || t.fingerprint, { up: Math.max(up, seen.up), down: Math.max(down, seen.down) });
      const total = byRule[rule] ?? { up: 0, down: 0 };
      byRule[rule] = { up: total.up + up, down: total.down + down };
    }
    return byRule;
  }

  recordFailure(): void {
    this.failures.inc();
  }
}
