import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { changesFromDiffFiles, sourceFiles } from "./checks/diff-files.js";
import { RULES, runChecks } from "./checks/index.js";
import { detectProjectFacts } from "./checks/project-facts.js";
import { parseUnifiedDiff } from "./diff/parse.js";
import { loadCorpus } from "./eval/corpus.js";
import { type CaseScore, scoreCase, scoreCorpus } from "./eval/score.js";

const USAGE = "usage: npm run eval:checks -- DIR [--json] [--min-precision 0.8] [--min-recall 0.6] [--verbose]";

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      "min-precision": { type: "string" },
      "min-recall": { type: "string" },
    },
  });
  const dir = positionals[0];
  if (!dir) {
    console.error(USAGE);
    return 2;
  }
  const cases = loadCorpus(dir);
  const started = performance.now();
  const scores: CaseScore[] = [];
  const findings: Array<{ case: string; file: string; line: number; rule: string; category: string }> = [];
  for (const corpusCase of cases) {
    const { changed, context } = sourceFiles(corpusCase.head, changesFromDiffFiles(parseUnifiedDiff(corpusCase.diff)));
    // The case's own files say what the project runs on, as the app reads them from the repository.
    const result = runChecks(changed, context, { facts: detectProjectFacts(corpusCase.head) });
    for (const failure of result.failures)
      console.error(`eval:checks: rule ${failure.rule} failed on ${corpusCase.id}/${failure.file}: ${failure.error}`);
    // Held-back findings count: they are the rule's answer, handed to the model with their condition.
    const all = [...result.findings, ...result.conditional];
    scores.push(scoreCase(corpusCase, all));
    for (const f of all)
      findings.push({ case: corpusCase.id, file: f.file, line: f.line, rule: f.rule, category: f.category });
  }
  const elapsed = performance.now() - started;
  const total = scoreCorpus(
    scores,
    cases,
    RULES.map((r) => ({ id: r.id, category: r.category })),
  );

  if (values.json) {
    console.log(
      JSON.stringify({
        precision: round(total.precision),
        recall: round(total.recall),
        rules: total.rules,
        categories: total.categories,
        cases: cases.length,
        findings,
      }),
    );
  } else {
    printReport(cases.length, total, scores, elapsed, values.verbose ?? false);
  }
  const minPrecision = values["min-precision"] ? Number(values["min-precision"]) : undefined;
  const minRecall = values["min-recall"] ? Number(values["min-recall"]) : undefined;
  let code = 0;
  if (minPrecision !== undefined && total.precision < minPrecision) {
    console.error(`eval:checks: precision ${round(total.precision)} is below --min-precision ${minPrecision}`);
    code = 1;
  }
  if (minRecall !== undefined && total.recall < minRecall) {
    console.error(`eval:checks: recall ${round(total.recall)} is below --min-recall ${minRecall}`);
    code = 1;
  }
  return code;
}

function printReport(
  caseCount: number,
  total: ReturnType<typeof scoreCorpus>,
  scores: CaseScore[],
  elapsedMs: number,
  verbose: boolean,
): void {
  console.log(`Corpus: ${caseCount} cases, engine time ${elapsedMs.toFixed(0)} ms\n`);
  console.log("rule    tp  fp  precision");
  for (const [id, t] of Object.entries(total.rules).sort()) {
    if (t.tp + t.fp === 0) continue;
    console.log(
      `${id.padEnd(7)} ${String(t.tp).padStart(3)} ${String(t.fp).padStart(3)}  ${pct(t.tp / (t.tp + t.fp))}`,
    );
  }
  console.log("\ncategory     tp  fp  fn  precision  recall");
  for (const [category, t] of Object.entries(total.categories).sort()) {
    const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
    const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
    console.log(
      `${category.padEnd(12)} ${String(t.tp).padStart(3)} ${String(t.fp).padStart(3)} ${String(t.fn).padStart(3)}  ` +
        `${pct(precision).padStart(9)}  ${pct(recall).padStart(6)}`,
    );
  }
  console.log(`\noverall precision ${pct(total.precision)}  recall ${pct(total.recall)}`);
  if (!verbose) return;
  for (const s of scores) {
    for (const f of s.falsePositives) console.log(`FP ${s.case} ${f.file}:${f.line} ${f.rule} ${f.message}`);
    for (const m of s.missed)
      console.log(`FN ${s.case} ${m.file}:${m.lines.join(",")} ${m.category} ${m.reason ?? ""}`);
  }
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const round = (n: number) => Math.round(n * 1000) / 1000;

process.exitCode = main();
