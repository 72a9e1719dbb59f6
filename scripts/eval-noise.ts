/**
 * `npm run eval:noise -- MIRROR_ROOT [--choose N] [--commits FILE] [--judgements FILE] [--out FILE] [--json]`
 *
 * Measures the Django checks on real, shipped commits of public Django projects: every git repository
 * under MIRROR_ROOT (bare mirrors as `fetch` brings them, `owner+name/repo`, or ordinary clones) is
 * walked for its most recent non-merge commits that touch Django code, and the CLI reviews each one
 * (`django-review review --commit SHA`: the commit against its parent, files as they are at the
 * commit). Findings are joined with the committed judgements (TRUE / DEBATABLE / FALSE, one line of
 * why each) and the noise figures are printed per rule. Findings nobody has judged yet are listed, so
 * a rule change that moves or adds findings shows up as work to do, not as a silent change of figures.
 *
 * By default the pinned list `test/noise/commits.tsv` (`repo<TAB>commit` lines) is replayed, so anyone
 * with the same mirrors reruns the same measurement; `--choose N` picks the N most recent qualifying
 * commits of each mirror instead and writes that list next to the findings. The findings quote code
 * from those projects, so they go to `.noise/` (git-ignored), never into the repository.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../src/cli/main.js";
import { discoverRepos } from "../src/eval/mirrors.js";
import { type Judgement, type NoiseFinding, parseJudgements, summariseNoise } from "../src/eval/noise.js";

const DJANGO_MODULES = [
  ...["views?", "models?", "migrations", "serializers?", "templates", "settings", "tasks", "admin", "forms"],
  ...["urls", "api", "managers", "querysets", "signals", "consumers"],
];
const DJANGO_CODE = new RegExp(String.raw`(^|\/)(${DJANGO_MODULES.join("|")})(\/|\.py$|_[^/]*\.py$)|\.html$`);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    choose: { type: "string" },
    commits: { type: "string", default: "test/noise/commits.tsv" },
    judgements: { type: "string", default: "test/noise/judgements.tsv" },
    out: { type: "string", default: ".noise/findings.json" },
    json: { type: "boolean", default: false },
  },
});
const mirrorRoot = positionals[0];
if (!mirrorRoot) {
  process.stderr.write(
    "usage: npm run eval:noise -- MIRROR_ROOT [--choose N] [--commits FILE] [--judgements FILE] [--out FILE]" +
      " [--json]\n",
  );
  process.exit(2);
}

function git(dir: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "ignore"],
  });
}

/** The most recent non-merge commits (with a parent) whose change touches Django code. */
function chooseCommits(dir: string, count: number): string[] {
  const chosen: string[] = [];
  const args = ["log", "--no-merges", "--format=%x00%H %P", "--name-only", "-n", String(count * 8), "HEAD"];
  let log: string;
  try {
    log = git(dir, args);
  } catch (error) {
    // A shallow mirror ends its history early (git fails at the boundary): use the commits it did list.
    log = String((error as { stdout?: unknown }).stdout ?? "");
    process.stderr.write(`${dir}: git log stopped early (a shallow mirror?); choosing from what it listed\n`);
  }
  for (const block of log.split("\0").slice(1)) {
    const [header, ...files] = block.trim().split("\n");
    const [sha, parent] = (header ?? "").split(" ");
    if (!sha || !parent) continue;
    if (files.some((f) => DJANGO_CODE.test(f))) chosen.push(sha);
    if (chosen.length >= count) break;
  }
  return chosen;
}

async function review(
  dir: string,
  commit: string,
): Promise<{ findings: Array<Omit<NoiseFinding, "repo" | "commit">>; error?: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["review", "--root", dir, "--commit", commit, "--format", "json", "--fail-on", "never"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
    env: { PATH: process.env.PATH ?? "" },
    cwd: dir,
  });
  if (code !== 0) return { findings: [], error: stderr.trim().split("\n")[0] ?? `exit ${code}` };
  const report = JSON.parse(stdout) as {
    findings: Array<{ file: string; line: number; rule: string; severity: string; message: string }>;
  };
  return {
    findings: report.findings.map((f) => ({
      path: f.file,
      line: f.line,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
    })),
  };
}

const repos = discoverRepos(resolve(mirrorRoot));
const plan: Array<{ repo: string; commit: string }> = [];
if (!values.choose) {
  for (const line of readFileSync(values.commits, "utf8").split("\n")) {
    const [repo, commit] = line.trim().split("\t");
    if (repo && commit && !repo.startsWith("#")) plan.push({ repo, commit });
  }
} else {
  const perRepo = Number(values.choose);
  for (const [repo, dir] of [...repos].sort(([a], [b]) => a.localeCompare(b))) {
    for (const commit of chooseCommits(dir, perRepo)) plan.push({ repo, commit });
  }
}

const findings: NoiseFinding[] = [];
const errors: string[] = [];
const started = Date.now();
for (const [index, { repo, commit }] of plan.entries()) {
  const dir = repos.get(repo);
  if (!dir) {
    errors.push(`${repo}: no mirror under ${mirrorRoot}`);
    continue;
  }
  const result = await review(dir, commit);
  if (result.error) errors.push(`${repo}@${commit.slice(0, 10)}: ${result.error}`);
  for (const f of result.findings) findings.push({ repo, commit, ...f });
  if (process.stderr.isTTY) process.stderr.write(`\r${index + 1}/${plan.length} commits, ${findings.length} findings`);
}
if (process.stderr.isTTY) process.stderr.write("\n");

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ commits: plan.length, findings }, null, 1)}\n`);
if (values.choose)
  writeFileSync(join(dirname(values.out), "commits.tsv"), `${plan.map((p) => `${p.repo}\t${p.commit}`).join("\n")}\n`);

const judgements: Judgement[] = existsSync(values.judgements)
  ? parseJudgements(readFileSync(values.judgements, "utf8"))
  : [];
const summary = summariseNoise(plan.length, findings, judgements);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ ...summary, errors, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`);
} else {
  process.stdout.write(`${summary.table}\n`);
  for (const f of summary.unjudged)
    process.stdout.write(`unjudged\t${f.repo}\t${f.commit}\t${f.path}\t${f.line}\t${f.rule}\t${f.message}\n`);
  for (const e of errors) process.stdout.write(`error\t${e}\n`);
  process.stdout.write(
    `${plan.length} commits of ${new Set(plan.map((p) => p.repo)).size} repositories in ` +
      `${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}
