/**
 * What people asked of the app on one pull request, kept in GitHub itself as hidden markers at the end
 * of the app's own comments, so it holds across restarts and replicas: paused or not, the rules
 * switched off for this PR. Only the app's comments count (a marker pasted by anyone else is text).
 */
export interface PullRequestState {
  paused: boolean;
  /** Rule ids switched off on this PR with `/django-review ignore DJ101`. */
  ignoredRules: string[];
}

const STATE_MARKER = /<!-- django-review state=(paused|resumed|ignore-rule:DJ\d{3}) -->\s*$/;

export function stateMarker(state: "paused" | "resumed" | `ignore-rule:${string}`): string {
  return `<!-- django-review state=${state} -->`;
}

/** The state from the app's comments, oldest first: the latest pause or resume wins; ignored rules add up. */
export function readState(appComments: string[]): PullRequestState {
  let paused = false;
  const ignoredRules = new Set<string>();
  for (const body of appComments) {
    const state = STATE_MARKER.exec(body)?.[1];
    if (state === "paused") paused = true;
    else if (state === "resumed") paused = false;
    else if (state?.startsWith("ignore-rule:")) ignoredRules.add(state.slice("ignore-rule:".length));
  }
  return { paused, ignoredRules: [...ignoredRules] };
}
