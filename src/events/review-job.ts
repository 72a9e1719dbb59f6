import type { Context } from "probot";
import type { ReviewJob } from "../queue/types.js";

/**
 * The queued job for an event about pull request `pullNumber`: keyed by the PR (one review at a time
 * per PR), shared out by installation, carrying the event for whichever replica runs it. `request`
 * names this request within the PR (`@<sha>`, `/command:<id>`, `/rerun:<delivery>`).
 */
export function reviewJob(
  context: Context,
  pullNumber: number,
  job: { headSha: string; request: string; supersedes: boolean },
): ReviewJob {
  const { owner, repo } = context.repo();
  const key = `${owner}/${repo}#${pullNumber}`;
  const installation = (context.payload as { installation?: { id?: number } }).installation?.id;
  return {
    key,
    headSha: job.headSha,
    id: `${key}${job.request}`,
    supersedes: job.supersedes,
    tenant: String(installation ?? ""),
    event: { id: context.id, name: context.name, payload: context.payload },
  };
}
