import type { Side } from "../diff/line-map.js";
import type { Severity } from "../model/review-tool.js";

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
