import { describe, expect, it } from "vitest";
import { AppMetrics } from "../../src/metrics.js";

describe("feedback metrics", () => {
  it("count 👍/👎 by rule, only what grew since the thread was last read", async () => {
    const metrics = new AppMetrics(async () => 0);
    const thread = (id: string, source: string, up: number, down: number) => ({
      id,
      fingerprint: id,
      isResolved: false,
      isOutdated: false,
      source,
      thumbsUp: up,
      thumbsDown: down,
    });
    expect(
      metrics.recordFeedback([thread("t1", "DJ502", 0, 2), thread("t2", "model", 1, 0), thread("t3", "DJ1", 0, 0)]),
    ).toEqual({
      DJ502: { up: 0, down: 2 },
      model: { up: 1, down: 0 },
    });
    // The next review reads the same reactions plus one more 👎: only the new one counts.
    metrics.recordFeedback([thread("t1", "DJ502", 0, 3), thread("t2", "model", 1, 0)]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('django_review_feedback_total{rule="DJ502",reaction="-1"} 3');
    expect(text).toContain('django_review_feedback_total{rule="model",reaction="+1"} 1');
    expect(text).not.toContain('rule="DJ1"');
  });
});
