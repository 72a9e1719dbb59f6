import { code } from "../comments/markdown.js";

/** What the summary must say beyond the findings, given as counts and names. */
export interface NoticeFacts {
  /** Lines the caller adds (a command's unknown argument, a re-run). */
  requested: string[];
  /** Changed files reviewed from the diff alone. */
  unread: string[];
  /** Why the Django checks did not finish, if they did not. */
  checksFailed: string[];
  /** Secrets redacted from what the model was sent. */
  redacted: number;
  /** Incremental or full, and why. */
  scope?: string;
  /** Findings raised on an earlier push, not repeated. */
  repeated: number;
  /** Earlier threads marked resolved. */
  resolved: number;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** The summary's notice lines, in the order a reader needs them: warnings first, then bookkeeping. */
export function reviewNotices(facts: NoticeFacts): string[] {
  const { unread, redacted, repeated, resolved } = facts;
  return [
    ...facts.requested,
    ...(unread.length > 0
      ? [
          `⚠️ ${unread.length} changed ${plural(unread.length, "file", "files")} could not be read from GitHub ` +
            `and ${plural(unread.length, "was", "were")} reviewed from the diff alone, without ` +
            `${plural(unread.length, "its", "their")} surrounding code: ` +
            `${unread
              .slice(0, 10)
              .map((p) => code(p))
              .join(", ")}${unread.length > 10 ? ", …" : ""}.`,
        ]
      : []),
    ...facts.checksFailed.map(
      (error) => `⚠️ The Django checks did not finish (${error}); this review has no rule findings.`,
    ),
    ...(redacted > 0
      ? [
          `🔒 ${redacted} ${plural(redacted, "secret", "secrets")} (keys, tokens, passwords) ` +
            `${plural(redacted, "was", "were")} redacted before the code was sent to the model.`,
        ]
      : []),
    ...(facts.scope ? [facts.scope] : []),
    ...(repeated > 0
      ? [
          `${repeated} ${plural(repeated, "finding", "findings")} already raised on an earlier push ` +
            `${plural(repeated, "is", "are")} not repeated.`,
        ]
      : []),
    ...(resolved > 0
      ? [
          `${resolved} earlier ${plural(resolved, "thread", "threads")} whose code changed and whose finding is ` +
            `gone ${plural(resolved, "is", "are")} marked resolved.`,
        ]
      : []),
  ];
}
