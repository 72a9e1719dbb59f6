// How long the Django checks take on a large PR: parse + every rule over every file, all lines new.
import { performance } from "node:perf_hooks";
import { runChecks } from "../src/checks/index.js";
import { SourceFile } from "../src/checks/source.js";
import { generateDjangoPr } from "./generate-django-pr.js";

export interface ChecksSpeed {
  files: number;
  lines: number;
  medianMs: number;
  findings: number;
}

export function measureChecksSpeed(fileCount: number, runs = 5): ChecksSpeed {
  const generated = generateDjangoPr(fileCount);
  const lines = generated.reduce((n, f) => n + f.content.split("\n").length, 0);
  const times: number[] = [];
  let findings = 0;
  for (let run = 0; run < runs; run++) {
    // fresh SourceFiles each run, so parsing is measured every time
    const files = generated.map(
      (f) =>
        new SourceFile(
          f.path,
          f.content,
          new Set(Array.from({ length: f.content.split("\n").length }, (_, i) => i + 1)),
        ),
    );
    const started = performance.now();
    findings = runChecks(files).findings.length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { files: fileCount, lines, medianMs: times[Math.floor(times.length / 2)] as number, findings };
}
