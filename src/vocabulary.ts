import { z } from "zod";

/**
 * The words the whole app shares: how bad a finding is, which reviewer, what a finding and a comment
 * are. Pure; every other module (the model's answer schema included) imports them from here.
 */

/** How much a finding matters, worst first. */
export const SEVERITIES = ["critical", "major", "minor", "nit"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** The two reviewer personas. */
export const PERSONA_IDS = ["architect", "engineer"] as const;
export const PersonaId = z.enum(PERSONA_IDS);
export type PersonaId = z.infer<typeof PersonaId>;

/** Which side of a diff a line is on: the old file (LEFT) or the new one (RIGHT). */
export type Side = "LEFT" | "RIGHT";

export const CATEGORIES = ["queries", "async", "migrations", "security", "models", "tasks"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Finding {
  rule: string;
  title: string;
  severity: Severity;
  category: Category;
  persona: PersonaId;
  file: string;
  line: number;
  /** Every line, when findings of this rule in one function, loop or migration were folded into this one. */
  lines?: number[];
  message: string;
  explanation: string;
  /** Set on conditional findings (see `RuleHit.condition`): hints for the model, not comments. */
  condition?: string;
}

/** A comment ready for `pulls.createReview`: its anchor is known to be in the diff. */
export interface ReviewComment {
  path: string;
  line: number;
  side: Side;
  start_line?: number;
  start_side?: Side;
  body: string;
  severity: Severity;
  /** What raised it: a rule id, or "model". */
  source?: string;
}

/** A comment that could not be anchored in the diff; it is listed in the summary instead. */
export interface UnplacedComment {
  path: string;
  line: number;
  severity: Severity;
  body: string;
  reason: string;
}
