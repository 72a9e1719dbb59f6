/**
 * Lets the event loop serve pending I/O (webhook deliveries waiting for their answer) before more
 * CPU-bound review work runs: a promise chain alone never gives it the chance.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
