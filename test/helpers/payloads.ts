// Webhook payloads start from GitHub's recorded examples (@octokit/webhooks-examples) and change only
// what a scenario needs, so every other field keeps GitHub's real shape.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as Array<{ name: string; examples: Array<Record<string, any>> }>;

export const INSTALLATION_ID = 2;
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const PR_NUMBER = 2;

function example(event: string, action: string, withInstallation = true): Record<string, any> {
  const found = examples
    .find((e) => e.name === event)
    ?.examples.find((e) => e.action === action && (!withInstallation || e.installation));
  if (!found) throw new Error(`no recorded ${event}.${action} example`);
  return structuredClone(found);
}

export type PullRequestAction = "opened" | "reopened" | "ready_for_review" | "synchronize";

export function pullRequestPayload(
  action: PullRequestAction = "opened",
  changes: {
    draft?: boolean;
    userType?: "User" | "Bot";
    login?: string;
    title?: string;
    body?: string;
    headSha?: string;
  } = {},
): Record<string, any> {
  const payload = example("pull_request", action);
  payload.installation = { ...payload.installation, id: INSTALLATION_ID };
  const pr = payload.pull_request;
  if (changes.draft !== undefined) pr.draft = changes.draft;
  if (changes.userType) pr.user.type = changes.userType;
  if (changes.login) pr.user.login = changes.login;
  if (changes.title) pr.title = changes.title;
  if (changes.body !== undefined) pr.body = changes.body;
  if (changes.headSha) pr.head.sha = changes.headSha;
  return payload;
}

/** A comment on a pull request's conversation: GitHub sends it as an issue comment whose issue has `pull_request`. */
export function commentPayload(
  body: string,
  changes: { login?: string; userType?: "User" | "Bot" } = {},
): Record<string, any> {
  const payload = example("issue_comment", "created");
  payload.installation = { ...payload.installation, id: INSTALLATION_ID };
  payload.issue.number = PR_NUMBER;
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}`,
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER}`,
    diff_url: `https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER}.diff`,
    patch_url: `https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER}.patch`,
    merged_at: null,
  };
  payload.comment.body = body;
  if (changes.login) {
    payload.comment.user.login = changes.login;
    payload.sender.login = changes.login;
  }
  if (changes.userType) {
    payload.comment.user.type = changes.userType;
    payload.sender.type = changes.userType;
  }
  return payload;
}

/** The PR object `pulls.get` returns, taken from the recorded pull_request payload. */
export function pullRequestObject(): Record<string, any> {
  return example("pull_request", "opened").pull_request;
}

/** "Re-run" on the app's check run of the PR's head (GitHub's recorded example, pointed at this PR). */
export function checkRunRerequestedPayload(name = "Django review"): Record<string, any> {
  const payload = example("check_run", "rerequested");
  payload.installation = { ...payload.installation, id: INSTALLATION_ID };
  payload.repository = example("pull_request", "opened").repository;
  payload.check_run.name = name;
  payload.check_run.head_sha = HEAD_SHA;
  payload.check_run.pull_requests = [
    {
      number: PR_NUMBER,
      head: { ref: "changes", sha: HEAD_SHA },
      base: { ref: "master", sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" },
    },
  ];
  return payload;
}

/** A reply in a review thread (`pull_request_review_comment.created`, GitHub's recorded example), on this PR. */
export function reviewCommentPayload(
  body: string,
  changes: { login?: string; userType?: "User" | "Bot"; inReplyTo?: number } = {},
): Record<string, any> {
  const payload = example("pull_request_review_comment", "created", false);
  payload.installation = { id: INSTALLATION_ID };
  payload.repository = example("pull_request", "opened").repository;
  payload.pull_request = example("pull_request", "opened").pull_request;
  payload.comment.body = body;
  payload.comment.id = 7_000_001;
  if (changes.inReplyTo !== undefined) payload.comment.in_reply_to_id = changes.inReplyTo;
  if (changes.login) {
    payload.comment.user.login = changes.login;
    payload.sender.login = changes.login;
  }
  if (changes.userType) payload.comment.user.type = changes.userType;
  return payload;
}
