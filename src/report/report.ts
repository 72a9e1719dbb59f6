import { type Finding, type ReviewComment, SEVERITIES, type Severity, type UnplacedComment } from "../vocabulary.js";
import { SUGGESTION_BLOCK } from "../comments/render.js";
import { describeFacts } from "../checks/project-facts.js";
import { diffLineTexts, fingerprint } from "../comments/fingerprint.js";
import { plainText } from "../comments/plain-text.js";
import type { Analysis } from "../decide/analyse.js";

/** One entry of the CLI's output: a rule finding or a model comment, on a line of a file. */
export interface ReportItem {
  file: string;
  line: number;
  severity: Severity;
  message: string;
  rule?: string;
  category?: string;
  title?: string;
  /** Why it matters and how to fix it (rule findings). */
  explanation?: string;
  /** The same finding on a later push has the same fingerprint (as the app's review comments do). */
  fingerprint: string;
  /** A model's concrete fix: the lines it replaces (as they are now) and the lines it proposes. */
  suggestion?: { from: string[]; to: string[] };
  /** A held-back finding: what must hold for it to apply (`checks/conditions.ts`). */
  condition?: string;
}

export interface Report {
  /** What was reviewed against what, in words. */
  compared?: string;
  persona: string;
  personaReason: string;
  summary?: string;
  notices: string[];
  findings: ReportItem[];
  /** Findings silenced by suppression comments or `checks.ignore`. */
  suppressed: number;
  /** Findings held back because they hold only under a condition (`checks/conditions.ts`): hints for the model only. */
  conditional: ReportItem[];
  /** What the checks took the project to run on. */
  project: string;
  comments: ReportItem[];
  skipped: Array<{ file: string; reason: string }>;
  configProblems: string[];
  model?: { name: string; calls: number; inputTokens: number; outputTokens: number; costUsd?: number };
}

/** The analysis as plain data: rule findings, model comments (inline or not), what was skipped. */
export function buildReport(
  analysis: Analysis,
  configProblems: string[],
  local: { compared?: string; heads?: Map<string, string> } = {},
): Report {
  const report = analysis.modelResult.report;
  const modelComments = [...analysis.comments, ...analysis.unplaced.map(asComment)].filter((c) => c.source === "model");
  const texts = diffLineTexts(analysis.files);
  const fingerprintOf = (file: string, line: number, issue: string) =>
    fingerprint(file, issue, texts.get(`${file}:RIGHT:${line}`) ?? "");
  return {
    ...(local.compared ? { compared: local.compared } : {}),
    persona: analysis.persona.name,
    personaReason: analysis.choice.reason,
    ...(analysis.modelResult.summary ? { summary: analysis.modelResult.summary } : {}),
    notices: analysis.modelResult.notice ? [analysis.modelResult.notice] : [],
    findings: analysis.checks.findings.map((f) => fromFinding(f, fingerprintOf)),
    suppressed: analysis.checks.suppressed,
    conditional: analysis.checks.conditional.map((f) => fromFinding(f, fingerprintOf)),
    project: describeFacts(analysis.checks.facts),
    comments: modelComments.map((c) =>
      fromComment(c, local.heads?.get(c.path), fingerprintOf(c.path, c.line, "model")),
    ),
    skipped: analysis.skipped.map((s) => ({ file: s.path, reason: s.reason })),
    configProblems,
    ...(report
      ? {
          model: {
            name: report.model,
            calls: report.calls,
            inputTokens: report.inputTokens + report.cacheReadTokens + report.cacheCreationTokens,
            outputTokens: report.outputTokens,
            ...(report.costUsd !== undefined ? { costUsd: report.costUsd } : {}),
          },
        }
      : {}),
  };
}

function asComment(u: UnplacedComment): ReviewComment & { source?: string } {
  return {
    path: u.path,
    line: u.line,
    side: "RIGHT",
    severity: u.severity,
    body: u.body,
    source: /^`DJ\d+`/.test(u.body) ? "rule" : "model",
  };
}

type FingerprintOf = (file: string, line: number, issue: string) => string;

function fromFinding(f: Finding, fingerprintOf: FingerprintOf): ReportItem {
  return {
    file: f.file,
    line: f.line,
    severity: f.severity,
    message: f.message,
    rule: f.rule,
    category: f.category,
    title: f.title,
    explanation: f.explanation,
    fingerprint: fingerprintOf(f.file, f.line, f.rule),
    ...(f.condition ? { condition: f.condition } : {}),
  };
}

/** A model comment; its suggestion block, if any, as the lines it replaces and the lines it proposes. */
function fromComment(c: ReviewComment, head: string | undefined, fingerprint: string): ReportItem {
  const item: ReportItem = {
    file: c.path,
    line: c.line,
    severity: c.severity,
    message: plain(c.body.replace(SUGGESTION_BLOCK, "\n")),
    fingerprint,
  };
  const proposed = SUGGESTION_BLOCK.exec(c.body)?.[2];
  if (proposed === undefined || head === undefined)
    return proposed === undefined ? item : { ...item, message: plain(c.body) };
  const lines = head.split("\n");
  const from = lines.slice((c.start_line ?? c.line) - 1, c.line);
  return { ...item, suggestion: { from, to: proposed === "" ? [] : proposed.split("\n") } };
}

/** A comment body as plain text, without its severity badge. */
function plain(body: string): string {
  return plainText(body.replace(/^\*\*[^*]+\*\*\s*/, ""));
}

/** The exit code for a severity threshold: 1 when anything is at or above it. */
export function exitCodeFor(report: Report, failOn: Severity | "never"): number {
  if (failOn === "never") return 0;
  const limit = SEVERITIES.indexOf(failOn);
  return [...report.findings, ...report.comments].some((i) => SEVERITIES.indexOf(i.severity) <= limit) ? 1 : 0;
}
