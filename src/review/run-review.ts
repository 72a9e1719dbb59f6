import type { Logger } from "probot";
import { dedupeAgainstFindings, placeFindings } from "../comments/findings.js";
import { capComments, placeComments } from "../comments/validate.js";
import type { RepoConfig } from "../config/schema.js";
import { renderFileWithContext } from "../diff/context.js";
import { LineMap } from "../diff/line-map.js";
import { parseChangedFiles } from "../diff/parse.js";
import { fetchChangedFiles, type FileContent, fetchFileContents, type PullRequestInfo } from "../github/fetch-pull-request.js";
import { postReview } from "../github/post-review.js";
import type { GitHubClient, PullRequestRef } from "../github/types.js";
import type { ReviewModel } from "../model/client.js";
import { resolveModel } from "../model/models.js";
import type { PersonaRegistry } from "../personas/load.js";
import { choosePersona, type PersonaOverride } from "../personas/route.js";
import { buildSystemPrompt, buildUserPrompt, fixedPromptTokens, type PromptFile } from "../prompt/build.js";
import { planChunks } from "../prompt/chunk.js";
import { relatedDefinitions } from "../prompt/related-definitions.js";
import { yieldToEventLoop } from "../util/yield.js";
import { checkPullRequest } from "./check-pull-request.js";
import { type ModelStageResult, reviewWithModel } from "./model-review.js";
import { relatedPaths } from "./related-files.js";
import { selectFiles } from "./select-files.js";
import { renderSummary } from "./summary.js";

export interface ReviewDeps {
  octokit: GitHubClient;
  log: Logger;
  personas: PersonaRegistry;
  /** Absent when no ANTHROPIC_API_KEY is configured: the review is the Django checks alone. */
  model?: ReviewModel;
  /** The operator's model override (DJANGO_REVIEW_MODEL). */
  modelOverride?: string;
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
}

export interface ReviewOutcome {
  status: "posted" | "superseded";
  reviewId?: number;
  persona: string;
  files: number;
  comments: number;
  findings: number;
  unplaced: number;
  modelCalls: number;
  /** All prompt tokens, cached or not. */
  inputTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  modelNotice?: string;
}

/** One review of one PR head: fetch, parse, check, route, prompt, call, validate, post once. */
export async function runReview(deps: ReviewDeps, request: ReviewRequest): Promise<ReviewOutcome> {
  const started = Date.now();
  const { config, pr, ref } = request;

  if (request.signal?.aborted) return superseded(deps, request);
  const diffFiles = parseChangedFiles(await fetchChangedFiles(deps.octokit, ref));
  if (request.signal?.aborted) return superseded(deps, request);
  const selection = selectFiles(diffFiles, config);
  const reviewablePaths = selection.reviewable.map((f) => f.path);
  // The changed files and the project files the checks read, in one batched read.
  const relatedToRead = config.checks.enabled ? relatedPaths(reviewablePaths) : [];
  const contents = texts(await fetchFileContents(deps.octokit, ref, pr.headSha, [...reviewablePaths, ...relatedToRead], deps.log));
  const heads = new Map(reviewablePaths.flatMap((p) => (contents.has(p) ? [[p, contents.get(p) as string] as const] : [])));
  const related = new Map(relatedToRead.flatMap((p) => (contents.has(p) ? [[p, contents.get(p) as string] as const] : [])));

  await yieldToEventLoop();
  const checks = checkPullRequest(selection.reviewable, heads, related, config);
  await yieldToEventLoop();
  for (const failure of checks.failures) deps.log.warn({ ...failure }, "django-review: a Django check failed on a file and was skipped");

  const choice = choosePersona(deps.personas, selection.reviewable, request.personaOverride ?? configOverride(config));
  const persona = deps.personas.get(choice.persona);
  if (!persona) throw new Error(`django-review: persona ${choice.persona} is not loaded`);

  const system = buildSystemPrompt(persona);
  const prText = { title: pr.title, body: pr.body, baseRef: pr.baseRef, headRef: pr.headRef };
  const hints = checks.findings.map((f) => ({ path: f.file, line: f.line, text: `${f.rule} ${f.title}: ${f.message}` }));
  const promptFiles = selection.reviewable.map((file): PromptFile => ({
    path: file.path,
    status: file.status,
    ...(file.previousPath ? { previousPath: file.previousPath } : {}),
    rendered: renderFileWithContext(file, heads.get(file.path), config.context_lines),
  }));
  // Room kept in every call for the definitions its files depend on.
  const definitionTokens = Math.min(8_000, Math.floor(config.max_prompt_tokens * 0.15));
  const plan = planChunks(promptFiles, {
    perCallTokens: config.max_prompt_tokens,
    fixedTokens: fixedPromptTokens({ system, pr: prText, hints }) + definitionTokens,
    maxCalls: config.max_model_calls,
    maxTotalTokens: config.max_total_tokens,
  });
  const sentPaths = plan.chunks.flat().map((f) => f.path);
  const skipped = [...selection.skipped, ...plan.notSent.map((n) => ({ path: n.path, reason: `not sent to the model: ${n.reason}` }))];

  if (request.signal?.aborted) return superseded(deps, request);
  const modelId = resolveModel({ env: deps.modelOverride, config: config.model, persona: persona.model });
  const prPaths = new Set(reviewablePaths);
  const requests = plan.chunks.map((files, index) => ({
    model: modelId,
    system,
    user: buildUserPrompt({
      pr: prText,
      files,
      hints: hints.filter((h) => files.some((f) => f.path === h.path)),
      part: { index, count: plan.chunks.length },
      definitions: relatedDefinitions(files.map((f) => f.path), contents, prPaths, definitionTokens),
    }),
  }));
  const modelResult = await modelStage(deps.model, requests, request.signal);

  await yieldToEventLoop();
  // Rule findings cover every reviewable file; model comments only the files it was shown.
  const lineMap = new LineMap(selection.reviewable);
  const sentMap = new LineMap(selection.reviewable.filter((f) => sentPaths.includes(f.path)));
  const deduped = dedupeAgainstFindings(modelResult.comments, checks.findings);
  const fromRules = placeFindings(checks.findings, lineMap, deduped.suggestions);
  const fromModel = placeComments(deduped.comments, sentMap);
  const capped = capComments([...fromRules.comments, ...fromModel.placed], config.max_comments);
  const unplaced = [...fromRules.unplaced, ...fromModel.unplaced, ...capped.overflow];

  const body = renderSummary({
    personaName: persona.name,
    choice,
    headSha: pr.headSha,
    modelSummary: modelResult.summary,
    modelNotice: modelResult.notice,
    configProblems: request.configProblems,
    notices: request.notices ?? [],
    reviewedFiles: reviewablePaths,
    skippedFiles: skipped,
    comments: capped.kept,
    unplaced,
    findings: checks.findings,
    model: modelResult.report,
  });

  if (request.signal?.aborted) return superseded(deps, request);
  const reviewId = await postReview(deps.octokit, ref, { headSha: pr.headSha, body, comments: capped.kept });
  const outcome: ReviewOutcome = {
    status: "posted",
    reviewId,
    persona: choice.persona,
    files: reviewablePaths.length,
    comments: capped.kept.length,
    findings: checks.findings.length,
    unplaced: unplaced.length,
    modelCalls: modelResult.report?.calls ?? 0,
    inputTokens: (modelResult.report?.inputTokens ?? 0) + (modelResult.report?.cacheReadTokens ?? 0) + (modelResult.report?.cacheCreationTokens ?? 0),
    cacheReadTokens: modelResult.report?.cacheReadTokens ?? 0,
    outputTokens: modelResult.report?.outputTokens ?? 0,
    ...(modelResult.notice ? { modelNotice: modelResult.notice } : {}),
  };
  deps.log.info({ ...ref, sha: pr.headSha, ...outcome, durationMs: Date.now() - started, outcome: "posted" }, "django-review: review posted");
  return outcome;
}

function superseded(deps: ReviewDeps, request: ReviewRequest): ReviewOutcome {
  deps.log.info({ ...request.ref, sha: request.pr.headSha, outcome: "superseded" }, "django-review: a newer push superseded this review; nothing posted");
  return { status: "superseded", persona: "", files: 0, comments: 0, findings: 0, unplaced: 0, modelCalls: 0, inputTokens: 0, cacheReadTokens: 0, outputTokens: 0 };
}

async function modelStage(model: ReviewModel | undefined, requests: Array<{ model: string; system: string; user: string }>, signal?: AbortSignal): Promise<ModelStageResult> {
  if (!model) return { comments: [], notice: "No `ANTHROPIC_API_KEY` is configured: this review has only the deterministic Django checks." };
  if (requests.length === 0) return { comments: [], notice: "No file in this pull request could be sent to the model." };
  return reviewWithModel(model, requests, signal);
}

function texts(contents: Map<string, FileContent>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [path, content] of contents) if (content.ok) result.set(path, content.text);
  return result;
}

function configOverride(config: RepoConfig): PersonaOverride | undefined {
  return config.persona === "auto" ? undefined : { persona: config.persona, source: "config" };
}
