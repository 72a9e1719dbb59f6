import type { Finding } from "../checks/types.js";
import { SEVERITIES, type Severity } from "../model/review-tool.js";
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
  await octokit.rest.checks.create({
    owner: ref.owner,
    repo: ref.repo,
    name: CHECK_RUN_NAME,
    head_sha: headSha,
    status: "completed",
    conclusion: outcome.conclusion,
    output: {
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
    },
  });
}
