/** Waits between tries of an idempotent read: long enough for a flaky proxy, short for a webhook. */
export interface ReadRetry {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_READ_RETRY: ReadRetry = { attempts: 4, backoffMs: 1_000 };

/**
 * Whether trying the same request again can help: the network, GitHub's 5xx, rate limits (429, or a
 * 403 that says so). A 403 for a missing permission is not transient: it would fail again.
 */
export function isTransientError(error: unknown): boolean {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  if (e.status === undefined || e.status >= 500 || e.status === 429) return true;
  if (e.status !== 403) return false;
  const headers = e.response?.headers ?? {};
  return (
    /rate limit/i.test(e.message ?? "") ||
    headers["retry-after"] !== undefined ||
    headers["x-ratelimit-remaining"] === "0"
  );
}

/**
 * Runs an idempotent read again after transient failures, with doubling waits. Only for reads:
 * a write retried blindly can happen twice (see `postReview`).
 */
export async function retryRead<T>(
  read: () => Promise<T>,
  retry: ReadRetry = DEFAULT_READ_RETRY,
  onRetry?: (error: unknown, attempt: number) => void,
): Promise<T> {
  let wait = retry.backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= retry.attempts || !isTransientError(error)) throw error;
      onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait *= 2;
    }
  }
}
