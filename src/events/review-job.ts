import { Context, type Logger, type ProbotOctokit } from "probot";
import type { ReviewEvent, ReviewJob } from "../queue/types.js";
import type { RerunContext } from "./handle-check-run.js";
import type { CommentContext } from "./handle-command.js";
import type { PullRequestContext } from "./handle-pull-request.js";
import type { ThreadContext } from "./handle-thread-reply.js";

/** The installation an event came from (every event the app queues has one). */
export function installationOf(payload: unknown): number | undefined {
  return (payload as { installation?: { id?: number } } | undefined)?.installation?.id;
}

/**
 * The queued job for an event about pull request `pullNumber`: keyed by the PR (one review at a time
 * per PR), shared out by installation, carrying the event for whichever replica runs it. `request`
 * names this request within the PR (`@<sha>`, `/command:<id>`, `/rerun:<delivery>`, `/reply:<id>`).
 */
export function reviewJob(
  context: Context,
  pullNumber: number,
  job: { headSha: string; request: string; supersedes: boolean },
): ReviewJob {
  const { owner, repo } = context.repo();
  const key = `${owner}/${repo}#${pullNumber}`;
  return {
    key,
    headSha: job.headSha,
    id: `${key}${job.request}`,
    supersedes: job.supersedes,
    tenant: String(installationOf(context.payload) ?? ""),
    event: { id: context.id, name: context.name, payload: context.payload },
  };
}

/** A queued event's context again, typed by the kind of event it carries. */
export type QueuedContext =
  | { name: "pull_request"; context: PullRequestContext }
  | { name: "issue_comment"; context: CommentContext }
  | { name: "check_run"; context: RerunContext }
  | { name: "pull_request_review_comment"; context: ThreadContext };

/**
 * The inverse of `reviewJob`, on whichever replica runs the job: the event's Probot context with an
 * installation client. The event is one this app queued from a verified delivery (the queue only
 * carries it, as JSON in Redis), so its payload is trusted to be the event its name says: the one
 * place that is asserted.
 */
export function restoreContext(event: ReviewEvent, octokit: ProbotOctokit, log: Logger): QueuedContext {
  switch (event.name) {
    case "pull_request":
      return { name: event.name, context: contextOf<PullRequestContext>(event, octokit, log) };
    case "issue_comment":
      return { name: event.name, context: contextOf<CommentContext>(event, octokit, log) };
    case "check_run":
      return { name: event.name, context: contextOf<RerunContext>(event, octokit, log) };
    case "pull_request_review_comment":
      return { name: event.name, context: contextOf<ThreadContext>(event, octokit, log) };
    default:
      throw new Error(`django-review: a queued job carries an event this app does not queue: ${event.name}`);
  }
}

type EventOf<C> = C extends Context<infer E> ? ConstructorParameters<typeof Context<E>>[0] : never;

function contextOf<C extends Context>(event: ReviewEvent, octokit: ProbotOctokit, log: Logger): C {
  return new Context(event as EventOf<C>, octokit, log) as C;
}
