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
