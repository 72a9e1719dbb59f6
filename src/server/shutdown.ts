import type { ReviewQueue } from "../queue/types.js";

export interface ShutdownDeps {
  /** Stops accepting connections (Probot's `server.stop()`). */
  stopServer: () => Promise<void>;
  queue: ReviewQueue;
  log: { info: (meta: object, message: string) => void; warn: (meta: object, message: string) => void };
  /** How long running reviews may take to finish (DJANGO_REVIEW_SHUTDOWN_GRACE_MS). */
  graceMs: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

/**
 * A graceful stop: no new webhooks, running reviews given the grace period to post, what will not
 * run logged by id. Resolves with the exit code: 0, a stop asked for is not a failure.
 */
export async function shutdown(deps: ShutdownDeps, signal: string): Promise<number> {
  deps.log.info(
    { signal, graceMs: deps.graceMs },
    "django-review: stopping: no new webhooks; running reviews may finish",
  );
  // The listener closes first, so nothing new is queued while running work drains. A keep-alive
  // connection can hold close() open: it is not waited for past the grace period.
  const stopped = deps
    .stopServer()
    .catch((error: unknown) => deps.log.warn({ err: error }, "django-review: the server did not close cleanly"));
  const { dropped, aborted } = await deps.queue.drain(deps.graceMs);
  if (dropped.length > 0)
    deps.log.warn(
      { dropped, count: dropped.length },
      "django-review: queued reviews dropped at shutdown (in-memory queue); a new push or /django-review runs them",
    );
  if (aborted > 0)
    deps.log.warn(
      { aborted },
      "django-review: reviews still running when the grace period ended were stopped without posting",
    );
  await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  deps.log.info({ signal, dropped: dropped.length, aborted }, "django-review: stopped");
  return 0;
}

/** Runs `stop` on the first SIGTERM or SIGINT (a second one exits at once), then exits with its code. */
export function onStopSignals(stop: (signal: string) => Promise<number>): void {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      void stop(signal).then(
        (code) => process.exit(code),
        () => process.exit(1),
      );
    });
  }
}
