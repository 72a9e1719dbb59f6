import { type Finding, type ReviewComment, SEVERITIES, type UnplacedComment } from "../vocabulary.js";
import { heldBackNotes } from "../checks/conditions.js";
import { describeFacts, type ProjectFacts } from "../checks/project-facts.js";
import { severityLabel } from "../comments/render.js";
import { sanitizeModelText } from "../comments/sanitize.js";
import type { PersonaChoice } from "../personas/route.js";
import type { ModelReport } from "../decide/model-review.js";
import { code } from "../comments/markdown.js";
import type { LookupRecord } from "../lookup/tools.js";

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface SummaryInput {
  personaName: string;
  choice: PersonaChoice;
  headSha: string;
  modelSummary?: string;
  /** Why the model part is missing or failed, said plainly. */
  modelNotice?: string;
  configProblems: string[];
  notices: string[];
  reviewedFiles: string[];
  skippedFiles: SkippedFile[];
  comments: ReviewComment[];
  unplaced: UnplacedComment[];
  /** Every finding of the deterministic checks (placed inline or not). */
  findings: Finding[];
  /** Findings silenced by suppression comments or `checks.ignore`. */
  suppressed?: number;
  /** The condition of each finding held back as a hint for the model (`checks/conditions.ts`). */
  conditional?: readonly string[];
  /** What the checks took the project to run on; absent when the checks did not run. */
  facts?: ProjectFacts;
  model?: ModelReport;
  /** What the model looked up during the review. */
  lookups?: LookupRecord[];
}

/** GitHub rejects bodies over 65,536 characters; stay well under it. */
const MAX_SUMMARY_CHARS = 60_000;

/** Marks the app's reviews; carries the reviewed head SHA. */
export function reviewMarker(headSha: string): string {
  return `<!-- django-review sha=${headSha} -->`;
}

/** The summary once GitHub refused some inline comments: they leave the inline list and are listed below. */
export function withDemoted(input: SummaryInput, demoted: ReviewComment[]): SummaryInput {
  if (demoted.length === 0) return input;
  return {
    ...input,
    comments: input.comments.filter((c) => !demoted.includes(c)),
    unplaced: [
      ...input.unplaced,
      ...demoted.map((c) => ({
        path: c.path,
        line: c.line,
        severity: c.severity,
        body: c.body,
        reason: "GitHub did not accept it inline",
      })),
    ],
  };
}

export function renderSummary(input: SummaryInput): string {
  const sections = [
    `### django-review · ${input.personaName}`,
    ...configSection(input.configProblems),
    `**Persona:** ${input.choice.reason}`,
    ...(input.modelSummary ? [sanitizeModelText(input.modelSummary.trim())] : []),
    ...(input.modelNotice ? [`> ⚠️ ${input.modelNotice}`] : []),
    ...input.notices.map((n) => `> ${n}`),
    countsLine(input.comments, input.unplaced),
    checksLine(input.findings, input.suppressed ?? 0, input.conditional ?? []),
    ...(input.facts ? [`**Project:** ${describeFacts(input.facts)}.`] : []),
    filesLine(input.reviewedFiles, input.skippedFiles),
    ...unplacedSection(input.unplaced),
    ...skippedSection(input.skippedFiles),
    ...lookupsLine(input.lookups ?? []),
    ...(input.model ? [modelLine(input.model)] : []),
  ];
  const marker = reviewMarker(input.headSha);
  const body = sections.join("\n\n");
  const room = MAX_SUMMARY_CHARS - marker.length - 2;
  const fitted =
    body.length > room ? `${body.slice(0, room - 60)}\n\n…(summary truncated to fit GitHub's limit)` : body;
  return `${fitted}\n\n${marker}`;
}

function configSection(problems: string[]): string[] {
  if (problems.length === 0) return [];
  const items = problems.map((p) => `> - ${p}`).join("\n");
  return [
    `> ⚠️ **\`.github/django-review.yml\` is invalid, so the defaults were used for this review.**\n${items}\n>\n> ` +
      `See the configuration reference in django-review's README.`,
  ];
}

function countsLine(comments: ReviewComment[], unplaced: UnplacedComment[]): string {
  const all = [...comments.map((c) => c.severity), ...unplaced.map((c) => c.severity)];
  if (all.length === 0) return "**Findings:** none.";
  const counts = SEVERITIES.filter((s) => all.includes(s)).map(
    (s) => `${all.filter((x) => x === s).length} ${severityLabel(s)}`,
  );
  const where = unplaced.length > 0 ? ` (${comments.length} inline, ${unplaced.length} below)` : "";
  return `**Findings:** ${counts.join(" · ")}${where}`;
}

function checksLine(findings: Finding[], suppressed: number, conditional: readonly string[]): string {
  const held = heldBackNotes(conditional)
    .map((note) => ` ${note}`)
    .join("");
  const hidden =
    suppressed > 0 ? ` ${suppressed} suppressed (\`django-review: ignore\`, \`noqa\` or \`checks.ignore\`).` : "";
  const quiet = `${hidden}${held}`;
  if (findings.length === 0) return `**Django checks:** no findings.${quiet}`;
  const byRule = new Map<string, number>();
  for (const f of findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const rules = [...byRule.entries()].map(([rule, n]) => (n > 1 ? `\`${rule}\`×${n}` : `\`${rule}\``)).join(", ");
  return `**Django checks:** ${findings.length} finding${findings.length > 1 ? "s" : ""} (${rules}).${quiet}`;
}

function filesLine(reviewed: string[], skipped: SkippedFile[]): string {
  const skippedNote = skipped.length > 0 ? `; ${skipped.length} not reviewed (listed below)` : "";
  return `**Files reviewed:** ${reviewed.length}${skippedNote}`;
}

function unplacedSection(unplaced: UnplacedComment[]): string[] {
  if (unplaced.length === 0) return [];
  const items = unplaced.map(
    (c) => `- **${severityLabel(c.severity)}** ${code(c.path)} line ${c.line} (${c.reason}): ${oneParagraph(c.body)}`,
  );
  return [`<details open><summary>Comments outside the diff</summary>\n\n${items.join("\n")}\n\n</details>`];
}

function skippedSection(skipped: SkippedFile[]): string[] {
  if (skipped.length === 0) return [];
  const items = skipped.map((f) => `- ${code(f.path)}: ${f.reason}`);
  return [`<details><summary>Files not reviewed</summary>\n\n${items.join("\n")}\n\n</details>`];
}

function modelLine(model: ModelReport): string {
  const input = model.inputTokens + model.cacheReadTokens + model.cacheCreationTokens;
  const calls = model.calls > 1 ? ` · ${model.calls} calls` : "";
  const cost = model.costUsd !== undefined ? ` · ≈ $${model.costUsd.toFixed(model.costUsd < 0.1 ? 3 : 2)}` : "";
  return (
    `<sub>Model \`${model.model}\`${calls} · tokens: ${input} input (${model.cacheReadTokens} from cache) ` +
    `· ${model.outputTokens} output${cost}</sub>`
  );
}

function oneParagraph(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
}

/** Lookups listed at most; the rest are counted. */
const MAX_LOOKUPS_LISTED = 12;

/**
 * What the model opened, so a reader can tell what the review rests on. The targets are the model's
 * words (it read the PR): shown only as code spans, each cut short.
 */
function lookupsLine(lookups: LookupRecord[]): string[] {
  if (lookups.length === 0) return [];
  const VERB: Record<string, string> = { read_file: "read", find_definition: "looked for", list_files: "listed" };
  const items = lookups.slice(0, MAX_LOOKUPS_LISTED).map((l) => {
    const how = l.outcome === "answered" ? "" : ` (${l.outcome})`;
    return `${VERB[l.tool] ?? "asked"} ${code(l.target || "?", 80)}${how}`;
  });
  const more = lookups.length > MAX_LOOKUPS_LISTED ? `, and ${lookups.length - MAX_LOOKUPS_LISTED} more` : "";
  return [`**The model looked up:** ${items.join("; ")}${more}.`];
}
