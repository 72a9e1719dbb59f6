import type { Logger } from "probot";
import { placeComments } from "../comments/validate.js";
import type { RepoConfig } from "../config/schema.js";
import { renderFileWithContext } from "../diff/context.js";
import { LineMap } from "../diff/line-map.js";
import { parseChangedFiles } from "../diff/parse.js";
import { fetchChangedFiles, fetchFileContents, type PullRequestInfo } from "../github/fetch-pull-request.js";
import { postReview } from "../github/post-review.js";
import type { GitHubClient, PullRequestRef } from "../github/types.js";
import type { ReviewModel } from "../model/client.js";
import { resolveModel } from "../model/models.js";
import type { PersonaRegistry } from "../personas/load.js";
import { choosePersona, type PersonaOverride } from "../personas/route.js";
import { buildPrompt, type PromptFile } from "../prompt/build.js";
import { reviewWithModel } from "./model-review.js";
import { selectFiles } from "./select-files.js";
import { renderSummary } from "./summary.js";

export interface ReviewDeps {
  octokit: GitHubClient;
  log: Logger;
  personas: PersonaRegistry;
  /** Absent when no ANTHROPIC_API_KEY is configured. */
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
}

export interface ReviewOutcome {
  reviewId: number;
  persona: string;
  files: number;
  comments: number;
  unplaced: number;
  inputTokens: number;
  outputTokens: number;
  modelNotice?: string;
}

/** One review of one PR head: fetch, parse, route, prompt, call, validate, post once. */
export async function runReview(deps: ReviewDeps, request: ReviewRequest): Promise<ReviewOutcome> {
  const started = Date.now();
  const { config, pr, ref } = request;

  const diffFiles = parseChangedFiles(await fetchChangedFiles(deps.octokit, ref));
  const selection = selectFiles(diffFiles, config);
  const contents = await fetchFileContents(deps.octokit, ref, pr.headSha, selection.reviewable.map((f) => f.path));
  const choice = choosePersona(deps.personas, selection.reviewable, request.personaOverride ?? configOverride(config));
  const persona = deps.personas.get(choice.persona);
  if (!persona) throw new Error(`django-review: persona ${choice.persona} is not loaded`);

  const promptFiles: PromptFile[] = selection.reviewable.map((file) => {
    const content = contents.get(file.path);
    return {
      path: file.path,
      status: file.status,
      ...(file.previousPath ? { previousPath: file.previousPath } : {}),
      rendered: renderFileWithContext(file, content?.ok ? content.text : undefined, config.context_lines),
    };
  });
  const prompt = buildPrompt({
    persona,
    pr: { title: pr.title, body: pr.body, baseRef: pr.baseRef, headRef: pr.headRef },
    files: promptFiles,
    hints: [],
    maxPromptTokens: config.max_prompt_tokens,
  });
  const skipped = [
    ...selection.skipped,
    ...prompt.overBudgetPaths.map((path) => ({
      path,
      reason: `not sent: the prompt budget (\`max_prompt_tokens: ${config.max_prompt_tokens}\`) was spent`,
    })),
  ];

  const modelId = resolveModel({ env: deps.modelOverride, config: config.model, persona: persona.model });
  const modelResult =
    deps.model && prompt.includedPaths.length > 0
      ? await reviewWithModel(deps.model, { model: modelId, system: prompt.system, user: prompt.user })
      : {
          comments: [],
          notice: deps.model
            ? "No file in this pull request could be sent to the model."
            : "No `ANTHROPIC_API_KEY` is configured, so there is no model review.",
        };

  const sentFiles = new Set(prompt.includedPaths);
  const lineMap = new LineMap(selection.reviewable.filter((f) => sentFiles.has(f.path)));
  const placement = placeComments(modelResult.comments, lineMap, config.max_comments);
  const unplaced = [...placement.unplaced, ...placement.overflow];
  const body = renderSummary({
    personaName: persona.name,
    choice,
    headSha: pr.headSha,
    modelSummary: modelResult.summary,
    modelNotice: modelResult.notice,
    configProblems: request.configProblems,
    notices: request.notices ?? [],
    reviewedFiles: prompt.includedPaths,
    skippedFiles: skipped,
    comments: placement.placed,
    unplaced,
    model: modelResult.report,
  });

  const reviewId = await postReview(deps.octokit, ref, { headSha: pr.headSha, body, comments: placement.placed });
  const outcome: ReviewOutcome = {
    reviewId,
    persona: choice.persona,
    files: prompt.includedPaths.length,
    comments: placement.placed.length,
    unplaced: unplaced.length,
    inputTokens: modelResult.report?.inputTokens ?? 0,
    outputTokens: modelResult.report?.outputTokens ?? 0,
    ...(modelResult.notice ? { modelNotice: modelResult.notice } : {}),
  };
  deps.log.info(
    { ...ref, sha: pr.headSha, ...outcome, durationMs: Date.now() - started, outcome: "posted" },
    "django-review: review posted",
  );
  return outcome;
}

function configOverride(config: RepoConfig): PersonaOverride | undefined {
  return config.persona === "auto" ? undefined : { persona: config.persona, source: "config" };
}
