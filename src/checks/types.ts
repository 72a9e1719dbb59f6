import type { Severity } from "../model/review-tool.js";
import type { PersonaId } from "../personas/schema.js";
import type { ProjectIndex } from "./project.js";
import type { SourceFile } from "./source.js";

export const CATEGORIES = ["queries", "async", "migrations", "security", "models", "tasks"] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a rule reports about one place in one file. */
export interface RuleHit {
  line: number;
  /** Last line of the construct the hit is about (a multi-line call): a change anywhere in it counts. */
  endLine?: number;
  /** Other lines whose change makes this finding new (the loop, the queryset, the import...). */
  causeLines?: number[];
  /** A sentence specific to this place; the rule's title is used when absent. */
  message?: string;
  /** Lower than the rule's when the evidence is weaker here. */
  severity?: Severity;
  /**
   * What must hold for the finding to apply and is not known about this project ("runs on PostgreSQL"
   * while the database is unknown): such a finding goes to the model as a hint, never onto the PR alone.
   */
  condition?: string;
}

export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  tags?: string[];
  persona: PersonaId;
  /** Why it matters and how to fix it, shown with every finding. */
  explanation: string;
  /** Which files the rule reads. */
  appliesTo: (file: SourceFile) => boolean;
  check: (file: SourceFile, project: ProjectIndex) => RuleHit[];
}

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
