// The burst's load generator, in its own thread so that it does not share the server's event loop.
// Sends the prepared deliveries with bounded concurrency (as GitHub does) and reports each latency.
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";

const { url, deliveries, concurrency } = workerData;
const latencies = [];
let next = 0;
let failed = 0;

async function worker() {
  while (next < deliveries.length) {
    const delivery = deliveries[next++];
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      body: delivery.body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": delivery.id,
        "x-hub-signature-256": delivery.signature,
      },
    });
    await response.text();
    if (response.status !== 200) failed++;
    latencies.push(performance.now() - started);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
parentPort.postMessage({ latencies, failed });
