import type { Category, PersonaId, Severity } from "../vocabulary.js";
import type { ProjectIndex } from "./project.js";
import type { SourceFile } from "./source.js";

/** What a rule reports about one place in one file. */
export interface RuleHit {
  line: number;
  /** Last line of the construct the hit is about (a multi-line call): a change anywhere in it counts. */
  endLine?: number;
  /** Other lines whose change makes this finding new (the loop, the queryset, the import...). */
  causeLines?: number[];
  /**
   * The hit's own lines repeat what the change deleted (a read rewritten from `"%s" % row.fk.name` into an
   * f-string, re-indented, moved): only a change of its `causeLines` makes it new.
   */
  restated?: boolean;
  /** The finding is about code deleted just before `line` (loading a change removed): that deletion makes it new. */
  deletionBefore?: boolean;
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
