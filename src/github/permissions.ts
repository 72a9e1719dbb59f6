/**
 * What a 403 or 404 from GitHub means for this app: which permission the token lacks, in words an
 * operator can act on (Probot's style: say what was refused and what to grant). Rate limits are not
 * permission problems and get no hint.
 */
export interface PermissionProblem {
  /** "POST /repos/o/r/pulls/2/reviews" */
  request: string;
  status: number;
  /** GitHub's name, e.g. "pull_requests: write". */
  permission: string;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | undefined> };
}

/** What each endpoint the app calls needs, for when GitHub does not say (X-Accepted-GitHub-Permissions). */
const NEEDS: Array<[method: string, path: RegExp, permission: string]> = [
  ["POST", /\/pulls\/\d+\/reviews(\/\d+\/events)?$/, "pull_requests: write"],
  ["DELETE", /\/pulls\/\d+\/reviews\/\d+$/, "pull_requests: write"],
  ["GET", /\/pulls(\/\d+(\/(files|reviews))?)?$/, "pull_requests: read"],
  ["POST", /\/check-runs$/, "checks: write"],
  ["PATCH", /\/check-runs\/\d+$/, "checks: write"],
  ["GET", /\/commits\/[^/]+\/check-runs$/, "checks: read"],
  ["POST", /\/issues\/comments\/\d+\/reactions$/, "issues: write"],
  ["POST", /\/issues\/\d+\/comments$/, "issues: write"],
  ["GET", /\/collaborators\/[^/]+\/permission$/, "metadata: read"],
  ["GET", /\/(contents|git\/(blobs|trees))\//, "contents: read"],
  ["GET", /\/compare\//, "contents: read"],
  ["POST", /\/graphql$/, "contents: read and pull_requests: read"],
];

export function permissionProblem(error: unknown): PermissionProblem | undefined {
  const e = error as RequestErrorLike;
  if (e?.status !== 403 && e?.status !== 404) return undefined;
  const headers = e.response?.headers ?? {};
  if (
    headers["x-ratelimit-remaining"] === "0" ||
    headers["retry-after"] !== undefined ||
    /rate limit/i.test(e.message ?? "")
  )
    return undefined;
  const method = (e.request?.method ?? "GET").toUpperCase();
  const path = new URL(e.request?.url ?? "https://api.github.com/", "https://api.github.com").pathname;
  const accepted = headers["x-accepted-github-permissions"];
  const permission = accepted
    ? accepted
        .split(/[;,]\s*/)
        .filter(Boolean)
        .join(" or ")
        .replace(/=/g, ": ")
    : NEEDS.find(([m, p]) => m === method && p.test(path))?.[2];
  if (!permission) return undefined;
  return { request: `${method} ${path}`, status: e.status, permission };
}

/** "GitHub refused X (403)"; a 404 may also mean the thing is gone, so it is said more carefully. */
function refused(problem: PermissionProblem): string {
  return problem.status === 404
    ? `GitHub answered 404 for ${problem.request}: it is gone, or the token cannot see it`
    : `GitHub refused ${problem.request} (403)`;
}

/** One sentence for the GitHub App's log. */
export function appPermissionHint(problem: PermissionProblem): string {
  return (
    `${refused(problem)}: the GitHub App needs the "${problem.permission}" permission (the app's settings ` +
    `→ Permissions & events; each installation must then accept it)`
  );
}

/** One sentence for a workflow run, where a fork's pull request gets a read-only token. */
export function workflowPermissionHint(problem: PermissionProblem): string {
  return (
    `${refused(problem)}: the workflow's token ${problem.status === 404 ? "may lack" : "lacks"} ` +
    `"${problem.permission}". On a pull request from a fork the token is read-only whatever the workflow ` +
    `asks: the findings are in this run's annotations and job summary instead. ` +
    `To post reviews: give the job "permissions: { contents: read, pull-requests: write, checks: write }", and for ` +
    `forks run it on "pull_request_target" (see the README's GitHub Action section).`
  );
}
