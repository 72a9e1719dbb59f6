import type { Severity } from "../vocabulary.js";
import { longestBacktickRun } from "./markdown.js";

const SEVERITY_LABEL: Record<Severity, string> = {
  critical: "🔴 critical",
  major: "🟠 major",
  minor: "🟡 minor",
  nit: "⚪ nit",
};

export function severityLabel(severity: Severity): string {
  return SEVERITY_LABEL[severity];
}

/** An inline comment body: severity, the (sanitised) text, and a suggestion block when given. */
export function renderCommentBody(input: {
  severity: Severity;
  body: string;
  suggestion?: string;
  note?: string;
}): string {
  const parts = [`**${severityLabel(input.severity)}** ${input.body.trim()}`];
  if (input.suggestion !== undefined) parts.push(renderSuggestion(input.suggestion));
  if (input.note) parts.push(`<sub>${input.note}</sub>`);
  return parts.join("\n\n");
}

/**
 * A suggestion block as `renderSuggestion` writes it (the closing fence is the opening one), with
 * the blank lines around it: the proposed code is group 2.
 */
export const SUGGESTION_BLOCK = /\n*(`{3,})suggestion\n([\s\S]*?)\n?\1\s*/;

/** A ```suggestion block whose fence is longer than any backtick run in the code. */
export function renderSuggestion(code: string): string {
  const fence = "`".repeat(Math.max(2, longestBacktickRun(code)) + 1);
  const body = code.replace(/\r\n/g, "\n").replace(/\n$/, "");
  return `${fence}suggestion\n${body}\n${fence}`;
}
