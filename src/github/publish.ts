import type { ReviewComment, Severity } from "../vocabulary.js";
import type { Logger } from "probot";
import { diffLineTexts, fingerprint } from "../comments/fingerprint.js";
import { findingKey } from "./pr-state.js";
import type { DiffFile } from "../diff/types.js";
import { type AppThread, fetchPullRequestHead, fingerprintMarker, resolveThreads } from "./fetch-review-context.js";
import type { CheckItem } from "../render/check-items.js";
import { completeCheckRun, type RunTarget } from "./check-run.js";
import { type PostRetry, postReview } from "./post-review.js";
import type { GitHubClient, PullRequestRef } from "./types.js";
import { renderSummary, type SummaryInput, withDemoted } from "../render/summary.js";

export interface Publication {
  comments: ReviewComment[];
  /** Threads this app opened earlier whose finding is gone and whose code changed. */
  resolvable: string[];
  /** Findings already raised on an earlier push, not repeated. */
  repeated: number;
}

/**
 * Drops comments the app already posted on an earlier push (same file, code and issue), marks the
 * rest with their fingerprint, and finds the app's own threads whose code has since been fixed.
 */
export function prepareComments(
  comments: ReviewComment[],
  files: DiffFile[],
  threads: AppThread[],
  ignoredFindings: ReadonlySet<string> = new Set(),
): Publication {
  const texts = diffLineTexts(files);
  const earlier = new Set(threads.map((t) => t.fingerprint));
  const now = new Set<string>();
  const fresh: ReviewComment[] = [];
  let repeated = 0;
  for (const comment of comments) {
    // Dismissed in its thread (`/django-review ignore`): not raised again on this PR, edited or not.
    if (ignoredFindings.has(findingKey(comment.path, comment.source ?? "model"))) continue;
    const fp = fingerprint(
      comment.path,
      comment.source ?? "model",
      texts.get(`${comment.path}:${comment.side}:${comment.line}`) ?? "",
    );
    now.add(fp);
    if (earlier.has(fp)) {
      repeated++;
      continue;
    }
    fresh.push({ ...comment, body: `${comment.body}\n\n${fingerprintMarker(fp)}` });
  }
  // Threads read over REST (the state query failed) have no id and cannot be resolved this time.
  const resolvable = threads
    .filter((t) => t.id !== "" && !t.isResolved && t.isOutdated && !now.has(t.fingerprint))
    .map((t) => t.id);
  return { comments: fresh, resolvable, repeated };
}

export interface PublishRequest {
  ref: PullRequestRef;
  headSha: string;
  startedAt: number;
  /** Past this long, check the PR's head and state again before posting (a push may have landed elsewhere). */
  staleCheckAfterMs: number;
  publication: Publication;
  /** The summary as data; comments GitHub refuses inline are moved into it when it is posted. */
  summary: SummaryInput;
  isSafe: (comment: ReviewComment) => boolean;
  marker: string;
  /** Nothing new to say (an incremental review that found nothing): resolve threads, post nothing. */
  quiet: boolean;
  postRetry?: PostRetry;
  /** The check run to complete for this head, if enabled: everything the review says, rules and model. */
  checkRun?: { run: RunTarget; items: CheckItem[]; failOn: Severity | "never" };
}

export type PublishResult =
  | { status: "posted"; reviewId: number; demoted: number }
  | { status: "stale"; reason: string }
  | { status: "nothing-new" };

/** Posts the review (unless the PR moved on while it was being made), then resolves fixed threads. */
export async function publish(octokit: GitHubClient, log: Logger, request: PublishRequest): Promise<PublishResult> {
  if (request.staleCheckAfterMs >= 0 && Date.now() - request.startedAt > request.staleCheckAfterMs) {
    const now = await fetchPullRequestHead(octokit, request.ref);
    if (now.state !== "OPEN") return { status: "stale", reason: `the pull request is ${now.state.toLowerCase()}` };
    if (now.headSha !== request.headSha)
      return { status: "stale", reason: `the pull request moved on to ${now.headSha.slice(0, 7)}` };
  }
  const posted = request.quiet
    ? undefined
    : await postReview(
        octokit,
        request.ref,
        {
          headSha: request.headSha,
          comments: request.publication.comments,
          bodyFor: (demoted) => renderSummary(withDemoted(request.summary, demoted)),
          isSafe: request.isSafe,
          marker: request.marker,
        },
        log,
        request.postRetry,
      );
  if (request.checkRun) {
    try {
      await completeCheckRun(
        octokit,
        request.ref,
        request.checkRun.run,
        request.checkRun.items,
        request.checkRun.failOn,
      );
    } catch (error) {
      // The review is what users read; a missing `checks: write` permission must not cost it.
      log.warn(
        { err: error },
        "django-review: could not report the Django review check run (does the app have checks: write?)",
      );
    }
  }
  if (request.publication.resolvable.length > 0) {
    try {
      await resolveThreads(octokit, request.publication.resolvable);
    } catch (error) {
      // An unresolved thread is a nuisance, not a failure.
      log.warn({ err: error }, "django-review: could not resolve the app's fixed threads");
    }
  }
  return posted ? { status: "posted", reviewId: posted.id, demoted: posted.demoted.length } : { status: "nothing-new" };
}
