import type { Severity } from "../vocabulary.js";
import { code } from "../comments/markdown.js";
import { plainText } from "../comments/plain-text.js";
import { sanitizeModelText } from "../comments/sanitize.js";
import type { Report, ReportItem } from "./report.js";

/**
 * GitHub Actions' own channels for a review: workflow annotations (shown on the run and on the PR's
 * "Files changed" tab, with any token) and the job summary. Pure: returns the text to print or append.
 */

const COMMAND: Record<Severity, "error" | "warning" | "notice"> = {
  critical: "error",
  major: "error",
  minor: "warning",
  nit: "notice",
};

/** Escaping of a workflow command's message (actions/toolkit's rules): no newline can start a new command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escaping of a workflow command's property (file, title): also its separators. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One `::error file=…,line=…,title=…::message` line per finding and model comment, in plain text. */
export function workflowAnnotations(report: Report): string[] {
  return [...report.findings, ...report.comments].map((item) => {
    const title = item.rule ? `${item.rule} ${plainText(item.title ?? "")}` : "django-review (model)";
    const props = [`file=${escapeProperty(item.file)}`, `line=${item.line}`, `title=${escapeProperty(title)}`].join(
      ",",
    );
    return `::${COMMAND[item.severity]} ${props}::${escapeData(plainText(item.message))}`;
  });
}

/** The job summary: the review as it would be posted, then every finding in a table. */
export function jobSummary(body: string, report: Report, note?: string): string {
  const items = [...report.findings, ...report.comments];
  const rows = items.map(
    (i) => `| ${code(`${i.file}:${i.line}`)} | ${i.severity} | ${i.rule ?? "model"} | ${cell(i)} |`,
  );
  return [
    ...(note ? [`> [!WARNING]\n> ${note}`, ""] : []),
    body,
    "",
    ...(items.length > 0 ? ["| where | severity | source | finding |", "| --- | --- | --- | --- |", ...rows] : []),
    "",
  ].join("\n");
}

/**
 * A message in a table cell: PR code stays in code spans, anything else from the PR or the model is defused as in
 * reviews.
 */
function cell(item: ReportItem): string {
  return sanitizeModelText(item.message)
    .replace(/\|/g, "\\|")
    .replace(/\s*\n+\s*/g, " ");
}
