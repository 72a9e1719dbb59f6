/**
 * `npm run eval:recall -- MIRROR_ROOT [--fixes FILE] [--json]`
 *
 * Recall of the Django checks on real bug fixes of public Django projects: every commit of
 * `test/recall/fixes.tsv` (a fix, with the category of bug it fixes) is replayed backwards with
 * `django-review review --revert SHA` — the change that brings the bug back, files as they were before
 * the fix — and counts as caught when a finding of that category lands in it. Findings go to
 * `.noise/recall.json` (git-ignored: they quote the projects' code).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../src/cli/main.js";
import { RULES } from "../src/checks/index.js";
import { discoverRepos } from "../src/eval/mirrors.js";
import { parseFixes, type RecallFinding, summariseRecall } from "../src/eval/recall.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { fixes: { type: "string", default: "test/recall/fixes.tsv" }, json: { type: "boolean", default: false } },
});
const mirrorRoot = positionals[0];
if (!mirrorRoot) {
  process.stderr.write("usage: npm run eval:recall -- MIRROR_ROOT [--fixes FILE] [--json]\n");
  process.exit(2);
}

const categoryOf = new Map(RULES.map((r) => [r.id, r.category as string]));
const repos = discoverRepos(resolve(mirrorRoot));
const fixes = parseFixes(readFileSync(values.fixes, "utf8"));
const findings: RecallFinding[] = [];
const errors: string[] = [];
const started = Date.now();
for (const fix of fixes) {
  const dir = repos.get(fix.repo);
  if (!dir) {
    errors.push(`${fix.repo}: no mirror under ${mirrorRoot}`);
    continue;
  }
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    ["review", "--root", dir, "--revert", fix.commit, "--format", "json", "--fail-on", "never"],
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTTY: false,
      env: { PATH: process.env.PATH ?? "" },
      cwd: dir,
    },
  );
  if (code !== 0) {
    errors.push(`${fix.repo}@${fix.commit}: ${stderr.trim().split("\n")[0] ?? `exit ${code}`}`);
    continue;
  }
  const report = JSON.parse(stdout) as { findings: Array<{ file: string; line: number; rule: string }> };
  for (const f of report.findings)
    findings.push({
      repo: fix.repo,
      commit: fix.commit,
      path: f.file,
      line: f.line,
      rule: f.rule,
      category: categoryOf.get(f.rule) ?? "?",
    });
}
mkdirSync(".noise", { recursive: true });
writeFileSync(".noise/recall.json", `${JSON.stringify({ fixes: fixes.length, findings }, null, 1)}\n`);
const summary = summariseRecall(fixes, findings);
if (values.json)
  process.stdout.write(`${JSON.stringify({ ...summary, errors, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`);
else {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  process.stdout.write(
    `${summary.fixes} fixes replayed backwards: ${summary.caught} caught (recall ${pct(summary.recall)}), ` +
      `precision ${pct(summary.precision)} of ${findings.length} findings\n\n`,
  );
  process.stdout.write("| category | fixes | caught |\n|---|---:|---:|\n");
  for (const [category, c] of Object.entries(summary.byCategory))
    process.stdout.write(`| ${category} | ${c.fixes} | ${c.caught} |\n`);
  for (const m of summary.missed) process.stdout.write(`missed\t${m.repo}\t${m.commit}\t${m.category}\t${m.why}\n`);
  for (const o of summary.other)
    process.stdout.write(`other\t${o.repo}\t${o.commit}\t${o.path}\t${o.line}\t${o.rule}\n`);
  for (const e of errors) process.stdout.write(`error\t${e}\n`);
  process.stdout.write(`${Math.round((Date.now() - started) / 1000)} s\n`);
}
