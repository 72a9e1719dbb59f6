import { ProbotOctokit } from "probot";

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
 * review instead of losing it.
 */
/** A GitHub request that has not answered in this long is abandoned (and retried if it was a read). */
export const GITHUB_REQUEST_TIMEOUT_MS = 60_000;

/**
 * `fetch` with a deadline: a hung connection to GitHub must not hold a review's slot forever. The
 * caller's own signal (if any) still aborts it sooner.
 */
export function timedFetch(timeoutMs: number, base: typeof fetch = fetch): typeof fetch {
  return (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return base(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

export const AppOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => {
  const throttle = (options.throttle ?? {}) as Record<string, unknown>;
  const request = (options.request ?? {}) as Record<string, unknown>;
  return {
    ...options,
    request: {
      ...request,
      fetch: timedFetch(GITHUB_REQUEST_TIMEOUT_MS, (request.fetch as typeof fetch | undefined) ?? fetch),
    },
    throttle: {
      ...throttle,
      onRateLimit: (retryAfter: number, request: ThrottledRequest, octokit: { log: { warn: (m: string) => void } }) => {
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
