import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ReviewOutcome } from "./review/run-review.js";

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

  recordFailure(): void {
    this.failures.inc();
  }
}
