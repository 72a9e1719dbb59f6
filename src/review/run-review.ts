import type { PostRetry } from "../github/post-review.js";
import type { ReadRetry } from "../util/retry.js";
import type { Offload } from "../decide/pure-tasks.js";
import type { Logger } from "probot";
import type { RepoConfig } from "../config/schema.js";
import type { PullRequestInfo } from "../github/fetch-pull-request.js";
import type { AppThread } from "../github/fetch-review-context.js";
import type { GitHubClient, PullRequestRef } from "../github/types.js";
import type { ReviewModel } from "../model/types.js";
import type { PersonaRegistry } from "../personas/load.js";
import type { PersonaOverride } from "../personas/route.js";
import { type Analysis, analyse, NO_MODEL_NOTICE } from "../decide/analyse.js";
import { type Conclusion, endCheckRun, type RunTarget, startCheckRun } from "../github/check-run.js";
import { checkItems } from "../render/check-items.js";
import { gatherPullRequest } from "../github/gather.js";
import { gitHubProjectFiles } from "../github/project-files.js";
import { type AgentFile, withRepositoryPersonas } from "../personas/repository.js";
import { reviewNotices } from "../render/notices.js";
import { prepareComments, publish } from "../github/publish.js";
import { renderSummary, reviewMarker, type SummaryInput } from "../render/summary.js";
import { errorMessage } from "../util/error-message.js";

export interface ReviewDeps {
  octokit: GitHubClient;
  log: Logger;
  personas: PersonaRegistry;
  /** Absent when no ANTHROPIC_API_KEY is configured: the review is the Django checks alone. */
  model?: ReviewModel;
  /** The operator's model override (DJANGO_REVIEW_MODEL). */
  modelOverride?: string;
  /** A review slower than this re-reads the PR's head and state before posting (-1: never). */
  staleCheckAfterMs?: number;
  /** Where the pure, CPU-bound steps run (a worker thread in the server); inline when absent. */
  offload?: Offload;
  /** How reads GitHub answers with a 5xx are tried again. */
  readRetry?: ReadRetry;
  /** How long and how patiently a rendered review is offered to GitHub (the model is not asked again). */
  postRetry?: PostRetry;
  /** Time allowed for all of a review's model calls. */
  modelDeadlineMs?: number;
  /** Told the outcome of every review that ran to an end (for metrics). */
  onOutcome?: (outcome: ReviewOutcome, durationMs: number) => void;
  /** Told each review as it is about to be posted (the Action also reports it as annotations and a job summary). */
  onRendered?: (review: RenderedReview) => void;
}

/** A review ready to post: its body as GitHub would show it, and the analysis behind it. */
export interface RenderedReview {
  ref: PullRequestRef;
  headSha: string;
  body: string;
  analysis: Analysis;
  configProblems: string[];
}

export interface ReviewRequest {
  ref: PullRequestRef;
  pr: PullRequestInfo;
  config: RepoConfig;
  configProblems: string[];
  personaOverride?: PersonaOverride;
  /** Extra lines for the summary (e.g. an ignored command argument). */
  notices?: string[];
  /** Aborted when a newer head of the PR arrives: nothing is posted for this one then. */
  signal?: AbortSignal;
  /** A push: review only what changed since the last reviewed head. */
  incremental?: boolean;
  /** The repository's own persona files, from its default branch (see personas/repository.ts). */
  agentFiles?: AgentFile[];
  /** What this app did on the PR before (from GitHub): reviewed heads and its threads. */
  previous?: { reviewedShas: string[]; threads: AppThread[]; ignoredFindings?: string[] };
}

export interface ReviewOutcome {
  status: "posted" | "superseded" | "stale" | "empty" | "nothing-new";
  reviewId?: number;
  persona: string;
  files: number;
  comments: number;
  findings: number;
  unplaced: number;
  modelCalls: number;
  /** All prompt tokens, cached or not. */
  /** Lookups the model made (files read, definitions found, listings). */
  lookups: number;
  inputTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  costUsd?: number;
  modelNotice?: string;
}

/**
 * One review of one PR head: fetch, parse, check, route, prompt, call, validate, post once. Its check
 * run opens `in_progress` as the review starts and always ends: with the review's counts, or saying
 * why nothing was posted for this head.
 */
export async function runReview(deps: ReviewDeps, request: ReviewRequest): Promise<ReviewOutcome> {
  const run = request.config.check_run.enabled ? await openCheckRun(deps, request) : undefined;
  try {
    const outcome = await reviewHead(deps, request, run);
    if (run && ENDINGS[outcome.status]) await closeCheckRun(deps, request, run, ...ENDINGS[outcome.status]!);
    return outcome;
  } catch (error) {
    if (run)
      await closeCheckRun(
        deps,
        request,
        run,
        "neutral",
        "The review could not finish",
        `django-review could not finish reviewing this commit: ` +
          `${errorMessage(error)}. Re-run this check to try again.`,
      );
    throw error;
  }
}

/** How a check run ends when its review posted nothing for the head. */
const ENDINGS: Partial<Record<ReviewOutcome["status"], [Conclusion, string, string]>> = {
  superseded: [
    "skipped",
    "Superseded by a newer push",
    "A newer commit of this pull request is being reviewed instead.",
  ],
  stale: [
    "skipped",
    "Superseded by a newer push",
    "The pull request moved on (or closed) while this commit was reviewed; nothing was posted for it.",
  ],
  empty: ["neutral", "Nothing to review", "This pull request changes no files."],
};

/** The run as the review starts; without `checks: write` the review goes on without one. */
async function openCheckRun(deps: ReviewDeps, request: ReviewRequest): Promise<RunTarget> {
  try {
    return { id: await startCheckRun(deps.octokit, request.ref, request.pr.headSha), headSha: request.pr.headSha };
  } catch (error) {
    deps.log.warn(
      { err: error },
      "django-review: could not open the Django review check run (does the app have checks: write?)",
    );
    return { headSha: request.pr.headSha };
  }
}

async function closeCheckRun(
  deps: ReviewDeps,
  request: ReviewRequest,
  run: RunTarget,
  conclusion: Conclusion,
  title: string,
  summary: string,
): Promise<void> {
  // Nothing was opened and nothing is worth reporting: no new run for a head that posted nothing.
  if (run.id === undefined) return;
  try {
    await endCheckRun(deps.octokit, request.ref, run, conclusion, title, summary);
  } catch (error) {
    deps.log.warn({ err: error }, "django-review: could not complete the Django review check run");
  }
}

async function reviewHead(
  deps: ReviewDeps,
  request: ReviewRequest,
  run: RunTarget | undefined,
): Promise<ReviewOutcome> {
  const started = Date.now();
  const { config, pr, ref } = request;

  // 1. Gather: the pull request's files and the project files the checks read (GitHub I/O; plain data back).
  if (request.signal?.aborted) return superseded(deps, request);
  const gathered = await gatherPullRequest(deps, request);
  if (!gathered) {
    deps.log.info(
      { ...ref, sha: pr.headSha, outcome: "empty" },
      "django-review: nothing to review: the pull request changes no files",
    );
    return emptyOutcome("empty");
  }
  const { files, skipped: skippedBefore, scope, heads, related, unread, tree, indexNotice } = gathered;
  const reviewablePaths = files.map((f) => f.path);
  if (request.signal?.aborted) return superseded(deps, request);

  // 2. Decide: Django checks, persona, prompts, the model, comments placed on the diff (no GitHub).
  const personas = withRepositoryPersonas(deps.personas, request.agentFiles ?? []);
  const analysis = await analyse({
    files,
    skipped: skippedBefore,
    heads,
    related,
    config,
    personas: personas.registry,
    pr: { title: pr.title, body: pr.body, baseRef: pr.baseRef, headRef: pr.headRef },
    log: deps.log,
    // The lookups start from what was read already: the tree and the files, asked of GitHub once.
    projectFiles: gitHubProjectFiles(deps.octokit, { owner: ref.owner, repo: ref.repo }, pr.headSha, deps.log, {
      ...(tree ? { tree } : {}),
      texts: new Map([...related, ...heads]),
    }),
    ...(request.personaOverride ? { personaOverride: request.personaOverride } : {}),
    ...(deps.model ? { model: deps.model } : {}),
    ...(deps.modelOverride ? { modelOverride: deps.modelOverride } : {}),
    ...(deps.modelDeadlineMs ? { modelDeadlineMs: deps.modelDeadlineMs } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(deps.offload ? { offload: deps.offload } : {}),
  });
  if (!analysis) return superseded(deps, request);
  const { checks, choice, persona, skipped, modelResult, lineMap, unplaced } = analysis;

  // 3. Render: what this push adds to earlier reviews, and the summary around it.
  const publication = prepareComments(
    analysis.comments,
    files,
    request.previous?.threads ?? [],
    new Set(request.previous?.ignoredFindings ?? []),
  );
  // Said (how many, never what) only when something was sent to the model.
  const redacted = modelResult.report ? analysis.redactedSecrets : 0;
  const notices = reviewNotices({
    requested: [
      ...(request.notices ?? []),
      ...personas.applied.map((a) => `Persona from the repository: ${a}.`),
      ...personas.problems.map((p) => `⚠️ ${p}`),
      ...(indexNotice ? [indexNotice] : []),
    ],
    unread,
    checksFailed: analysis.checks.failures.filter((f) => f.rule === "*").map((f) => f.error),
    redacted,
    ...(scope.notice ? { scope: scope.notice } : {}),
    repeated: publication.repeated,
    resolved: publication.resolvable.length,
  });
  // "No API key" is news once: not on every later push of the same pull request.
  const saidBefore = modelResult.notice === NO_MODEL_NOTICE && (request.previous?.reviewedShas.length ?? 0) > 0;
  const summary: SummaryInput = {
    personaName: persona.name,
    choice,
    headSha: pr.headSha,
    modelSummary: modelResult.summary,
    ...(modelResult.notice && !saidBefore ? { modelNotice: modelResult.notice } : {}),
    configProblems: request.configProblems,
    notices,
    reviewedFiles: reviewablePaths,
    skippedFiles: skipped,
    comments: publication.comments,
    unplaced,
    findings: checks.findings,
    suppressed: checks.suppressed,
    conditional: checks.conditional.map((f) => f.condition ?? ""),
    facts: checks.facts,
    ...(modelResult.report && config.summary.cost ? { model: modelResult.report } : {}),
    lookups: analysis.lookups,
  };

  // 4. Post: one review, then the check run and the threads whose finding is gone.
  if (request.signal?.aborted) return superseded(deps, request);
  deps.onRendered?.({
    ref,
    headSha: pr.headSha,
    body: renderSummary(summary),
    analysis,
    configProblems: request.configProblems,
  });
  const published = await publish(deps.octokit, deps.log, {
    ref,
    headSha: pr.headSha,
    startedAt: started,
    staleCheckAfterMs: deps.staleCheckAfterMs ?? -1,
    ...(deps.postRetry ? { postRetry: deps.postRetry } : {}),
    publication,
    summary,
    isSafe: (c) => c.side === "RIGHT" && c.start_line === undefined && lineMap.isAdded(c.path, c.line),
    marker: reviewMarker(pr.headSha),
    quiet: scope.paths !== undefined && publication.comments.length === 0 && unplaced.length === 0,
    // Everything on this head, findings repeated from an earlier push included: the check gates the head.
    ...(run
      ? {
          checkRun: {
            run,
            items: checkItems(analysis.comments, unplaced, checks.findings),
            failOn: config.check_run.fail_on,
          },
        }
      : {}),
  });
  // 5. Report: metrics and one log line.
  const outcome: ReviewOutcome = {
    status: published.status,
    ...(published.status === "posted" ? { reviewId: published.reviewId } : {}),
    persona: choice.persona,
    files: reviewablePaths.length,
    comments: publication.comments.length,
    findings: checks.findings.length,
    unplaced: unplaced.length,
    modelCalls: modelResult.report?.calls ?? 0,
    lookups: analysis.lookups.length,
    inputTokens:
      (modelResult.report?.inputTokens ?? 0) +
      (modelResult.report?.cacheReadTokens ?? 0) +
      (modelResult.report?.cacheCreationTokens ?? 0),
    cacheReadTokens: modelResult.report?.cacheReadTokens ?? 0,
    outputTokens: modelResult.report?.outputTokens ?? 0,
    ...(modelResult.report?.costUsd !== undefined ? { costUsd: modelResult.report.costUsd } : {}),
    ...(modelResult.notice ? { modelNotice: modelResult.notice } : {}),
  };
  deps.onOutcome?.(outcome, Date.now() - started);
  const line = {
    ...ref,
    sha: pr.headSha,
    ...outcome,
    redactedSecrets: redacted,
    durationMs: Date.now() - started,
    outcome: published.status,
  };
  if (published.status === "stale")
    deps.log.info(
      { ...line, reason: published.reason },
      "django-review: review not posted: the pull request changed while it was made",
    );
  else if (published.status === "nothing-new")
    deps.log.info(line, "django-review: nothing new since the last review; nothing posted");
  else deps.log.info(line, "django-review: review posted");
  return outcome;
}

function superseded(deps: ReviewDeps, request: ReviewRequest): ReviewOutcome {
  deps.log.info(
    { ...request.ref, sha: request.pr.headSha, outcome: "superseded" },
    "django-review: a newer push superseded this review; nothing posted",
  );
  return emptyOutcome("superseded");
}

/** The outcome of a review that stopped before it had anything to post. */
function emptyOutcome(status: "superseded" | "empty"): ReviewOutcome {
  return {
    status,
    persona: "",
    files: 0,
    comments: 0,
    findings: 0,
    unplaced: 0,
    modelCalls: 0,
    lookups: 0,
    inputTokens: 0,
    cacheReadTokens: 0,
    outputTokens: 0,
  };
}
