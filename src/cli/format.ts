import type { Severity } from "../vocabulary.js";
import type { Report } from "../report/report.js";
import { heldBackNotes } from "../checks/conditions.js";
import { toSarif } from "../report/sarif.js";

export const FORMATS = ["text", "json", "sarif", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

export function formatReport(report: Report, format: Format, options: { color: boolean }): string {
  switch (format) {
    case "json":
      return JSON.stringify(report, null, 2);
    case "sarif":
      return JSON.stringify(toSarif(report), null, 2);
    case "markdown":
      return toMarkdown(report);
    default:
      return toText(report, options.color);
  }
}

const COLORS: Record<Severity, string> = {
  critical: "\x1b[31m",
  major: "\x1b[33m",
  minor: "\x1b[36m",
  nit: "\x1b[90m",
};
const RESET = "\x1b[0m";
const BOLD = "\x1b[1m";
const RED = "\x1b[31m";
const GREEN = "\x1b[32m";

function toText(report: Report, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `${code}${text}${RESET}` : text);
  const out: string[] = [
    paint(BOLD, `django-review · ${report.persona}`),
    ...(report.compared ? [`compared: ${report.compared}`] : []),
    `persona: ${report.personaReason}`,
  ];
  out.push(`project: ${report.project}`);
  for (const problem of report.configProblems) out.push(`config: ${problem}`);
  for (const notice of report.notices) out.push(`note: ${notice}`);
  const items = [...report.findings, ...report.comments].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
  );
  let file = "";
  for (const item of items) {
    if (item.file !== file) {
      file = item.file;
      out.push("", paint(BOLD, file));
    }
    const tag = item.rule ? `${item.rule} ` : "model ";
    out.push(
      `  ${String(item.line).padStart(5)}  ${paint(COLORS[item.severity], item.severity.padEnd(8))} ` +
        `${tag}${item.message}`,
    );
    // A suggestion reads as the diff it would make.
    if (item.suggestion)
      for (const [sign, lines, code] of [
        ["-", item.suggestion.from, RED],
        ["+", item.suggestion.to, GREEN],
      ] as const)
        for (const line of lines) out.push(`         ${paint(code, `${sign} ${line}`)}`);
  }
  if (items.length === 0) out.push("", "No findings.");
  if (report.summary) out.push("", report.summary);
  if (report.skipped.length > 0)
    out.push("", `Not reviewed: ${report.skipped.map((s) => `${s.file} (${s.reason})`).join("; ")}`);
  const aside = [
    ...(report.suppressed > 0 ? [`${report.suppressed} suppressed`] : []),
    ...heldBackNotes(report.conditional.map((f) => f.condition ?? "")).map((note) => note.replace(/\.$/, "")),
  ];
  const suppressed = aside.length > 0 ? ` (${aside.join("; ")})` : "";
  out.push(
    "",
    `${report.findings.length} check finding${report.findings.length === 1 ? "" : "s"}${suppressed}, ` +
      `${report.comments.length} model comment${report.comments.length === 1 ? "" : "s"}.`,
  );
  return out.join("\n");
}

function toMarkdown(report: Report): string {
  const out = [
    `### django-review · ${report.persona}`,
    "",
    ...(report.compared ? [`**Compared:** ${report.compared}`, ""] : []),
    `**Persona:** ${report.personaReason}`,
  ];
  for (const problem of report.configProblems) out.push("", `> ⚠️ config: ${problem}`);
  for (const notice of report.notices) out.push("", `> ${notice}`);
  if (report.summary) out.push("", report.summary);
  const items = [...report.findings, ...report.comments];
  if (items.length > 0) {
    out.push("", "| file | line | severity | source | finding |", "| --- | ---: | --- | --- | --- |");
    for (const i of items)
      out.push(
        `| \`${i.file}\` | ${i.line} | ${i.severity} | ${i.rule ?? "model"} | ` +
          `${i.message.replace(/\|/g, "\\|").replace(/\n+/g, " ")} |`,
      );
  } else out.push("", "No findings.");
  if (report.skipped.length > 0)
    out.push("", "**Not reviewed:**", ...report.skipped.map((s) => `- \`${s.file}\`: ${s.reason}`));
  return out.join("\n");
}
