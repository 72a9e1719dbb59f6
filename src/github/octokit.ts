import { ProbotOctokit } from "probot";
import { GITHUB_REQUEST_TIMEOUT_MS, timedFetch } from "./timed-fetch.js";

/** Retries after a rate limit, at most this many times per request. */
const RATE_LIMIT_RETRIES = 2;

interface ThrottledRequest {
  method: string;
  url: string;
  request: { retryCount: number };
}

/**
 * Probot's Octokit with retries (5xx, with backoff: Probot's default) and throttling that also
 * retries after a secondary rate limit (Probot's default only logs it), so a busy hour delays a
 * review instead of losing it; every request abandoned after `timeoutMs`
 * (`DJANGO_REVIEW_GITHUB_TIMEOUT_MS`).
 */
export const appOctokit = (timeoutMs = GITHUB_REQUEST_TIMEOUT_MS) =>
  ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const throttle = (options.throttle ?? {}) as Record<string, unknown>;
    const request = (options.request ?? {}) as Record<string, unknown>;
    return {
      ...options,
      request: {
        ...request,
        fetch: timedFetch(timeoutMs, (request.fetch as typeof fetch | undefined) ?? fetch),
      },
      throttle: {
        ...throttle,
        onRateLimit: (
          retryAfter: number,
          request: ThrottledRequest,
          octokit: { log: { warn: (m: string) => void } },
        ) => {
          octokit.log.warn(`Rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
          return request.request.retryCount < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          request: ThrottledRequest,
          octokit: { log: { warn: (m: string) => void } },
        ) => {
          octokit.log.warn(`Secondary rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
          return request.request.retryCount < RATE_LIMIT_RETRIES;
        },
      },
    };
  });
