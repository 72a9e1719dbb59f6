import { SEVERITIES, type Severity } from "../vocabulary.js";
import type { CheckItem } from "../render/check-items.js";
import { plainText } from "../comments/plain-text.js";
import { severityLabel } from "../comments/render.js";
import { reviewedShaOf } from "./fetch-review-context.js";
import type { GitHubClient, PullRequestRef } from "./types.js";

export const CHECK_RUN_NAME = "Django review";
/** GitHub takes at most 50 annotations per request. */
const MAX_ANNOTATIONS = 50;

const LEVEL: Record<Severity, "failure" | "warning" | "notice"> = {
  critical: "failure",
  major: "failure",
  minor: "warning",
  nit: "notice",
};

export type Conclusion = "neutral" | "failure" | "skipped";

export interface CheckRunOutcome {
  conclusion: Conclusion;
  title: string;
}

/**
 * The conclusion and title for everything the review says, rule findings and model comments alike:
 * failure at or above `failOn`, neutral otherwise.
 */
export function checkRunOutcome(
  items: Array<Pick<CheckItem, "severity">>,
  failOn: Severity | "never",
): CheckRunOutcome {
  const counts = SEVERITIES.map((s) => [s, items.filter((f) => f.severity === s).length] as const).filter(
    ([, n]) => n > 0,
  );
  const title = counts.length === 0 ? "No findings" : counts.map(([s, n]) => `${n} ${s}`).join(", ");
  const failing = failOn !== "never" && items.some((f) => SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(failOn));
  return { conclusion: failing ? "failure" : "neutral", title };
}

/** Opens the head's check run as `in_progress` when the review starts; its id, to complete it later. */
export async function startCheckRun(octokit: GitHubClient, ref: PullRequestRef, headSha: string): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: ref.owner,
    repo: ref.repo,
    name: CHECK_RUN_NAME,
    head_sha: headSha,
    status: "in_progress",
    started_at: new Date().toISOString(),
    output: {
      title: "Reviewing…",
      summary: "django-review is reviewing this commit: the Django checks, then the model.",
    },
  });
  return data.id;
}

/** Completes the run with the review's counts by severity and every item as a plain-text annotation. */
export async function completeCheckRun(
  octokit: GitHubClient,
  ref: PullRequestRef,
  run: RunTarget,
  items: CheckItem[],
  failOn: Severity | "never",
): Promise<void> {
  const outcome = checkRunOutcome(items, failOn);
  const fromModel = items.filter((i) => i.source === "model").length;
  const shown = items.slice(0, MAX_ANNOTATIONS);
  const origin =
    items.length === 0 ? "" : ` (${items.length - fromModel} from the Django checks, ${fromModel} from the model)`;
  const more = items.length > shown.length ? `\n\n${items.length - shown.length} more findings are in the review.` : "";
  await finish(octokit, ref, run, outcome.conclusion, {
    title: outcome.title,
    summary: `${outcome.title}${origin}.${failureRule(failOn)}${more}`,
    annotations: shown.map((i) => ({
      path: i.file,
      start_line: i.line,
      end_line: i.line,
      annotation_level: LEVEL[i.severity],
      title: plainText(`${i.source === "model" ? "django-review (model)" : i.source} ${i.title}`).slice(0, 255),
      // GitHub refuses an empty annotation message (a model comment that was only a suggestion).
      message: plainText(i.message).slice(0, 64_000) || plainText(i.title) || "See the review comment on this line.",
    })),
  });
}

/** Ends a run whose review posted nothing for this head (superseded, empty, failed): never left in progress. */
export async function endCheckRun(
  octokit: GitHubClient,
  ref: PullRequestRef,
  run: RunTarget,
  conclusion: Conclusion,
  title: string,
  summary: string,
): Promise<void> {
  await finish(octokit, ref, run, conclusion, { title, summary });
}

/** The run opened for this review (its id), or only its head when none could be opened. */
export type RunTarget = { id: number; headSha: string } | { id?: undefined; headSha: string };

type RunOutput = NonNullable<Parameters<GitHubClient["rest"]["checks"]["create"]>[0]>["output"];

/** Completes the opened run, or reports a completed one under the fixed name when none was opened. */
async function finish(
  octokit: GitHubClient,
  ref: PullRequestRef,
  run: RunTarget,
  conclusion: Conclusion,
  output: RunOutput,
): Promise<void> {
  const done = {
    status: "completed" as const,
    conclusion,
    completed_at: new Date().toISOString(),
    ...(output ? { output } : {}),
  };
  if (run.id !== undefined)
    await octokit.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: run.id, ...done });
  else
    await octokit.rest.checks.create({
      owner: ref.owner,
      repo: ref.repo,
      name: CHECK_RUN_NAME,
      head_sha: run.headSha,
      ...done,
    });
}

/**
 * A head whose review is posted but whose check run never completed (the process stopped between
 * the two) would leave a required check pending forever. Completes it — the run left in progress, or
 * a new one — from the posted review's own counts (its "Findings" line), so a redelivery or the next
 * event repairs it without a model call.
 */
export async function completeMissingCheckRun(
  octokit: GitHubClient,
  ref: PullRequestRef,
  headSha: string,
  failOn: Severity | "never",
): Promise<"present" | "completed" | "no-review"> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: ref.owner,
    repo: ref.repo,
    ref: headSha,
    check_name: CHECK_RUN_NAME,
    per_page: 100,
  });
  if (data.check_runs.some((run) => run.status === "completed")) return "present";
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
    per_page: 100,
  });
  const ours = reviews.find(
    (r) => r.commit_id === headSha && r.user?.type === "Bot" && reviewedShaOf(r.body) === headSha,
  );
  if (!ours) return "no-review";
  const findingsLine = /\*\*Findings:\*\*([^\n]*)/.exec(ours.body ?? "")?.[1] ?? "";
  const counts = SEVERITIES.flatMap((s) =>
    Array.from({ length: Number(new RegExp(`(\\d+) ${severityLabel(s)}`).exec(findingsLine)?.[1] ?? 0) }, () => ({
      severity: s,
    })),
  );
  const outcome = checkRunOutcome(counts, failOn);
  const stuck = data.check_runs.find((run) => run.status !== "completed");
  await finish(octokit, ref, stuck ? { id: stuck.id, headSha } : { headSha }, outcome.conclusion, {
    title: outcome.title,
    summary:
      `${outcome.title}. Completed from the review already posted for this commit (its check run had not ` +
      `been completed).`,
  });
  return "completed";
}

function failureRule(failOn: Severity | "never"): string {
  return failOn === "never" ? "" : ` Fails on ${failOn} or worse (check_run.fail_on).`;
}
