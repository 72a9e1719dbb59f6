import { describe, expect, it } from "vitest";
import { EnvError, parseOperatorEnv } from "../../src/config/env.js";

describe("the operator's environment", () => {
  it("has a default for every setting, and reads numbers and flags as such", () => {
    const none = parseOperatorEnv({});
    expect(none).toMatchObject({
      DJANGO_REVIEW_CONCURRENCY: 4,
      DJANGO_REVIEW_STALE_CHECK_MS: 5_000,
      DJANGO_REVIEW_CHECKS_INLINE: false,
      DJANGO_REVIEW_SHUTDOWN_GRACE_MS: 25_000,
      DJANGO_REVIEW_MODEL_RETRIES: 2,
    });
    expect(none.ANTHROPIC_API_KEY).toBeUndefined();
    const set = parseOperatorEnv({
      DJANGO_REVIEW_CONCURRENCY: "8",
      DJANGO_REVIEW_CHECKS_INLINE: "1",
      ANTHROPIC_API_KEY: " sk-ant-x ",
      DJANGO_REVIEW_STALE_CHECK_MS: "-1",
      REDIS_URL: "rediss://cache:6380",
    });
    expect(set).toMatchObject({
      DJANGO_REVIEW_CONCURRENCY: 8,
      DJANGO_REVIEW_CHECKS_INLINE: true,
      ANTHROPIC_API_KEY: "sk-ant-x",
      DJANGO_REVIEW_STALE_CHECK_MS: -1,
      REDIS_URL: "rediss://cache:6380",
    });
  });

  it("takes an empty value (VAR= in a compose file) as unset", () => {
    const env = parseOperatorEnv({ DJANGO_REVIEW_CONCURRENCY: "", REDIS_URL: " ", ANTHROPIC_API_KEY: "" });
    expect(env.DJANGO_REVIEW_CONCURRENCY).toBe(4);
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
  });

  it("refuses bad values with one message naming each variable, its value and what it must be", () => {
    const bad = () =>
      parseOperatorEnv({
        DJANGO_REVIEW_CONCURRENCY: "four",
        DJANGO_REVIEW_STALE_CHECK_MS: "-5",
        REDIS_URL: "localhost:6379",
        DJANGO_REVIEW_CHECKS_INLINE: "yes",
        ANTHROPIC_BASE_URL: "gateway",
      });
    expect(bad).toThrow(EnvError);
    expect(bad).toThrow(
      'bad environment: ANTHROPIC_BASE_URL="gateway": must be a URL (https://…); DJANGO_REVIEW_CONCURRENCY="four": must be a whole number; ' +
        'DJANGO_REVIEW_STALE_CHECK_MS="-5": must be at least -1; DJANGO_REVIEW_CHECKS_INLINE="yes": must be 1, 0, true or false; REDIS_URL="localhost:6379": must be a redis:// or rediss:// URL',
    );
    expect(() => parseOperatorEnv({ DJANGO_REVIEW_CONCURRENCY: "0" })).toThrow(
      'DJANGO_REVIEW_CONCURRENCY="0": must be at least 1',
    );
    expect(() => parseOperatorEnv({ DJANGO_REVIEW_MODEL_RETRIES: "2.5" })).toThrow("must be a whole number");
  });
});
