// `npm run bench`: the project's performance figures. Nothing here is a test; it prints numbers.
import { measureBurst, measureFairBurst } from "./burst.js";
import { measureChecksSpeed } from "./checks-speed.js";
import { measureFairness } from "./fairness.js";
import { benchReview } from "./review-bench.js";

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
// `npm run bench -- --json`: the same figures as one JSON object (tables go to stderr then).
const json = process.argv.includes("--json");
const figures: Record<string, unknown> = {};
if (json) console.log = (...args: unknown[]) => process.stderr.write(`${args.join(" ")}\n`);

console.log(
  "## Review overhead (real app; GitHub and a zero-latency model that makes two lookups, faked at the wire)\n",
);
console.log(
  "| files | changed lines | overhead ms (median) | GitHub requests | model calls | lookups " +
    "| prompt tokens / changed line | cache-read share | peak RSS MB |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
// 1 file; 20 files of ~48 lines (~800 changed lines); 300 files of ~67 lines (~20,000 changed lines)
figures.review = [];
for (const [size, runs, linesPerFile] of [
  [1, 9, undefined],
  [20, 9, 48],
  [300, 3, undefined],
] as const) {
  const r = await benchReview(size, runs, linesPerFile);
  (figures.review as unknown[]).push(r);
  const cells = [r.files, r.changedLines, r.overheadMs.toFixed(1), r.githubRequests, r.modelCalls, r.lookups];
  cells.push(r.promptTokensPerLine.toFixed(2), `${(r.cacheReadShare * 100).toFixed(0)}%`, peakRssMb().toFixed(0));
  console.log(`| ${cells.join(" | ")} |`);
}

console.log("\n## Webhook burst (signed deliveries over HTTP on loopback)\n");
await measureBurst(20); // warm-up: JIT, TLS-free loopback sockets, the first installation token
const burst = await measureBurst(200);
figures.burst = burst;
console.log("| deliveries | ack p50 ms | ack p99 ms | reviews completed |");
console.log("| ---: | ---: | ---: | ---: |");
console.log(`| ${burst.deliveries} | ${burst.p50.toFixed(1)} | ${burst.p99.toFixed(1)} | ${burst.completed} |`);

console.log("\n## Fair under load (real app: 500 signed pushes over 50 PRs of 5 installations, zero-latency model)\n");
const fairBurst = await measureFairBurst();
figures.fairBurst = fairBurst;
console.log("| installation | first review posted after ms |");
console.log("| --- | ---: |");
for (const [installation, ms] of Object.entries(fairBurst.firstReviewMs))
  console.log(`| ${installation} | ${ms.toFixed(0)} |`);
console.log(
  `\nDrained in ${fairBurst.drainMs.toFixed(0)} ms; ${fairBurst.reviewsPosted} reviews posted ` +
    "(newer pushes supersede older ones).",
);

console.log("\n## Fair queue alone (the same load, 20 ms reviews, concurrency 4)\n");
const fair = await measureFairness();
figures.fairness = fair;
console.log(
  `First reviews started after ${Object.entries(fair.firstStartMs)
    .map(([t, ms]) => `${t}: ${ms.toFixed(0)} ms`)
    .join(", ")}; drained in ${fair.drainMs.toFixed(0)} ms.`,
);

console.log("\n## Django checks engine (parse + all rules, every line changed, median of 5 runs)\n");
console.log("| files | lines | median ms | findings |");
console.log("| ---: | ---: | ---: | ---: |");
figures.checks = [];
for (const size of [1, 20, 300]) {
  const r = measureChecksSpeed(size);
  (figures.checks as unknown[]).push(r);
  console.log(`| ${r.files} | ${r.lines} | ${r.medianMs.toFixed(1)} | ${r.findings} |`);
}
console.log(`\nPeak RSS of the whole benchmark: ${peakRssMb().toFixed(0)} MB`);
figures.peakRssMb = Math.round(peakRssMb());
if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
