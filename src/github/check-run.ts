import type { Finding } from "../checks/types.js";
import { SEVERITIES, type Severity } from "../model/review-tool.js";
import { severityLabel } from "../comments/render.js";
import { reviewedShaOf } from "./fetch-review-context.js";
import type { GitHubClient, PullRequestRef } from "./types.js";

export const CHECK_RUN_NAME = "Django review";
/** GitHub takes at most 50 annotations per request. */
const MAX_ANNOTATIONS = 50;

const LEVEL: Record<Severity, "failure" | "warning" | "notice"> = { critical: "failure", major: "failure", minor: "warning", nit: "notice" };

export interface CheckRunOutcome {
  conclusion: "neutral" | "failure";
  title: string;
}

/** The conclusion and title for a set of findings: failure at or above `failOn`, neutral otherwise. */
export function checkRunOutcome(findings: Finding[], failOn: Severity | "never"): CheckRunOutcome {
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const title = counts.length === 0 ? "No Django check findings" : counts.map(([s, n]) => `${n} ${s}`).join(", ");
  const failing = failOn !== "never" && findings.some((f) => SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(failOn));
  return { conclusion: failing ? "failure" : "neutral", title };
}

/** Reports the `Django review` check run for a head: counts by severity, the rule findings as annotations. */
export async function createCheckRun(octokit: GitHubClient, ref: PullRequestRef, headSha: string, findings: Finding[], failOn: Severity | "never"): Promise<void> {
  const outcome = checkRunOutcome(findings, failOn);
  const shown = findings.slice(0, MAX_ANNOTATIONS);
  const more = findings.length > shown.length ? `\n\n${findings.length - shown.length} more findings are in the review.` : "";
  await postCompletedRun(octokit, ref, headSha, outcome.conclusion, {
    title: outcome.title,
    summary: `${outcome.title}.${failOn === "never" ? "" : ` Fails on ${failOn} or worse (\`check_run.fail_on\`).`}${more}`,
    annotations: shown.map((f) => ({
      path: f.file,
      start_line: f.line,
      end_line: f.line,
      annotation_level: LEVEL[f.severity],
      title: `${f.rule} ${f.title}`.slice(0, 255),
      message: `${f.message}\n\n${f.explanation}`.slice(0, 64_000),
    })),
  });
}

type RunOutput = NonNullable<Parameters<GitHubClient["rest"]["checks"]["create"]>[0]>["output"];

/** The one way the app reports its check run: completed at once, under its fixed name. */
async function postCompletedRun(octokit: GitHubClient, ref: PullRequestRef, headSha: string, conclusion: "neutral" | "failure", output: RunOutput): Promise<void> {
  await octokit.rest.checks.create({ owner: ref.owner, repo: ref.repo, name: CHECK_RUN_NAME, head_sha: headSha, status: "completed", conclusion, ...(output ? { output } : {}) });
}

/**
 * A head whose review is posted but whose check run never completed (the process stopped between
 * the two) would leave a required check pending forever. Completes it from the posted review's own
 * counts (its "Findings" line), so a redelivery or the next event repairs it without a model call.
 */
export async function completeMissingCheckRun(octokit: GitHubClient, ref: PullRequestRef, headSha: string, failOn: Severity | "never"): Promise<"present" | "completed" | "no-review"> {
  const { data } = await octokit.rest.checks.listForRef({ owner: ref.owner, repo: ref.repo, ref: headSha, check_name: CHECK_RUN_NAME, per_page: 100 });
  if (data.check_runs.some((run) => run.status === "completed")) return "present";
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber, per_page: 100 });
  const ours = reviews.find((r) => r.commit_id === headSha && r.user?.type === "Bot" && reviewedShaOf(r.body) === headSha);
  if (!ours) return "no-review";
  const findingsLine = /\*\*Findings:\*\*([^\n]*)/.exec(ours.body ?? "")?.[1] ?? "";
  const counts = SEVERITIES.map((s) => [s, Number(new RegExp(`(\\d+) ${severityLabel(s)}`).exec(findingsLine)?.[1] ?? 0)] as const).filter(([, n]) => n > 0);
  const failing = failOn !== "never" && counts.some(([s]) => SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(failOn));
  const title = counts.length === 0 ? "No findings" : counts.map(([s, n]) => `${n} ${s}`).join(", ");
  await postCompletedRun(octokit, ref, headSha, failing ? "failure" : "neutral", {
    title,
    summary: `${title}. Completed from the review already posted for this commit (its check run had not been reported).`,
  });
  return "completed";
}
