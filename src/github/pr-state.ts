/**
 * What people asked of the app on one pull request, kept in GitHub itself as hidden markers at the end
 * of the app's own comments, so it holds across restarts and replicas: paused or not, the rules
 * switched off for this PR. Only the app's comments count (a marker pasted by anyone else is text).
 */
import { createHash } from "node:crypto";

export interface PullRequestState {
  paused: boolean;
  /** Rule ids switched off on this PR with `/django-review ignore DJ101`. */
  ignoredRules: string[];
  /** Findings dismissed in their thread (`/django-review ignore`), by `findingKey`. */
  ignoredFindings: string[];
}

const STATE_MARKER =
  /<!-- django-review state=(paused|resumed|ignore-rule:DJ\d{3}|ignore-finding:[0-9a-f]{16}) -->\s*$/;

export function stateMarker(
  state: "paused" | "resumed" | `ignore-rule:${string}` | `ignore-finding:${string}`,
): string {
  return `<!-- django-review state=${state} -->`;
}

/**
 * A dismissed finding, as later reviews recognise it: its file and what raised it (a rule id, or
 * `model`), not its line's text, so it stays dismissed when the line is edited. Hashed, so no path
 * text ever sits inside the marker.
 */
export function findingKey(path: string, source: string): string {
  return createHash("sha256").update(`${path}\u0000${source}`).digest("hex").slice(0, 16);
}

/** The state from the app's comments, oldest first: the latest pause or resume wins; ignored rules add up. */
export function readState(appComments: string[]): PullRequestState {
  let paused = false;
  const ignoredRules = new Set<string>();
  const ignoredFindings = new Set<string>();
  for (const body of appComments) {
    const state = STATE_MARKER.exec(body)?.[1];
    if (state === "paused") paused = true;
    else if (state === "resumed") paused = false;
    else if (state?.startsWith("ignore-rule:")) ignoredRules.add(state.slice("ignore-rule:".length));
    else if (state?.startsWith("ignore-finding:")) ignoredFindings.add(state.slice("ignore-finding:".length));
  }
  return { paused, ignoredRules: [...ignoredRules], ignoredFindings: [...ignoredFindings] };
}
