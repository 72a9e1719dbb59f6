import type { ReviewComment, UnplacedComment } from "../vocabulary.js";
import type { CheckResult } from "../checks/index.js";
import { dedupeAgainstFindings, placeFindings } from "../comments/findings.js";
import { capComments, placeComments } from "../comments/validate.js";
import type { RepoConfig } from "../config/schema.js";
import { renderFileWithContext } from "../diff/context.js";
import { LineMap } from "../diff/line-map.js";
import type { DiffFile } from "../diff/types.js";
import type { ReviewModel } from "../model/client.js";
import { resolveModel } from "../model/models.js";
import type { PersonaRegistry } from "../personas/load.js";
import { choosePersona, type PersonaChoice, type PersonaOverride } from "../personas/route.js";
import type { Persona } from "../personas/schema.js";
import {
  buildSystemPrompt,
  buildUserPrompt,
  fixedPromptTokens,
  type PromptFile,
  type PullRequestText,
} from "../prompt/build.js";
import { planChunks } from "../prompt/chunk.js";
import { DefinitionIndex, relatedDefinitions } from "../prompt/related-definitions.js";
import { yieldToEventLoop } from "../util/yield.js";
import { checkPullRequest } from "./check-pull-request.js";
import type { RunChecks } from "./checks-off-thread.js";
import { type ModelStageResult, reviewWithModel } from "./model-review.js";
import type { SkippedFile } from "./summary.js";

/** Said when no API key is configured (the app says it once per pull request). */
export const NO_MODEL_NOTICE =
  "No `ANTHROPIC_API_KEY` is configured: this review has only the deterministic Django checks.";

export interface AnalysisInput {
  /** The files to review (already selected: no secrets, no skipped or unreviewable files). */
  files: DiffFile[];
  /** Files left out so far, with the reason. */
  skipped: SkippedFile[];
  /** Head contents of `files`. */
  heads: Map<string, string>;
  /** Project files read for context. */
  related: Map<string, string>;
  config: RepoConfig;
  personas: PersonaRegistry;
  pr: PullRequestText;
  log: { warn: (meta: object, message: string) => void };
  personaOverride?: PersonaOverride;
  /** Absent when no API key is configured: the Django checks alone. */
  model?: ReviewModel;
  modelOverride?: string;
  modelDeadlineMs?: number;
  signal?: AbortSignal;
  /** Where the Django checks run: a worker thread in the server (see checks-off-thread.ts); inline by default. */
  runChecks?: RunChecks;
  /** Told before each model call (the CLI shows progress). */
  onModelCall?: (index: number, count: number) => void;
}

export interface Analysis {
  /** The files reviewed (as given). */
  files: DiffFile[];
  checks: CheckResult;
  choice: PersonaChoice;
  persona: Persona;
  skipped: SkippedFile[];
  modelResult: ModelStageResult;
  /** Inline comments, rule findings first, within `max_comments`. */
  comments: ReviewComment[];
  unplaced: UnplacedComment[];
  lineMap: LineMap;
  /** Secrets replaced in what the model was sent (counted, never shown). */
  redactedSecrets: number;
}

/**
 * The review itself, with no GitHub in it (the app and the CLI share it): Django checks, persona,
 * prompts within the budget, the model, and comments validated against the diff. Undefined when
 * `signal` aborted it.
 */
export async function analyse(input: AnalysisInput): Promise<Analysis | undefined> {
  const { config, files, heads } = input;
  await yieldToEventLoop();
  const checks = await runChecksSafely(input);
  await yieldToEventLoop();
  for (const failure of checks.failures)
    input.log.warn({ ...failure }, "django-review: a Django check failed on a file and was skipped");

  const choice = choosePersona(input.personas, files, input.personaOverride ?? configOverride(config));
  const persona = input.personas.get(choice.persona);
  if (!persona) throw new Error(`django-review: persona ${choice.persona} is not loaded`);

  const system = buildSystemPrompt(persona);
  const hints = [...checks.findings, ...checks.conditional].map((f) => ({
    path: f.file,
    line: f.line,
    text: `${f.rule} ${f.title}: ${f.condition ? `only if ${f.condition}: ` : ""}${f.message}`,
  }));
  const promptFiles = files.map(
    (file): PromptFile => ({
      path: file.path,
      status: file.status,
      ...(file.previousPath ? { previousPath: file.previousPath } : {}),
      rendered: renderFileWithContext(file, heads.get(file.path), config.context_lines),
    }),
  );
  // Room kept in every call for the definitions its files depend on.
  const definitionTokens = Math.min(8_000, Math.floor(config.max_prompt_tokens * 0.15));
  const plan = planChunks(promptFiles, {
    perCallTokens: config.max_prompt_tokens,
    fixedTokens: fixedPromptTokens({ system, pr: input.pr, hints }) + definitionTokens,
    maxCalls: config.max_model_calls,
    maxTotalTokens: config.max_total_tokens,
  });
  const sentPaths = new Set(plan.chunks.flat().map((f) => f.path));
  const skipped = [
    ...input.skipped,
    ...plan.notSent.map((n) => ({ path: n.path, reason: `not sent to the model: ${n.reason}` })),
  ];

  if (input.signal?.aborted) return undefined;
  const modelId = resolveModel({ env: input.modelOverride, config: config.model, persona: persona.model });
  const definitions = new DefinitionIndex(new Map([...input.related, ...heads]));
  const prPaths = new Set(files.map((f) => f.path));
  let redactedSecrets = 0;
  const requests = plan.chunks.map((chunk, index) => {
    const user = buildUserPrompt({
      pr: input.pr,
      files: chunk,
      hints: hints.filter((h) => chunk.some((f) => f.path === h.path)),
      part: { index, count: plan.chunks.length },
      definitions: relatedDefinitions(
        chunk.map((f) => f.path),
        definitions,
        prPaths,
        definitionTokens,
      ),
    });
    redactedSecrets += user.redacted;
    return { model: modelId, system, user: user.text };
  });
  const modelResult = await modelStage(input, requests);
  if (input.signal?.aborted) return undefined;

  await yieldToEventLoop();
  // Rule findings cover every reviewable file; model comments only the files it was shown.
  const lineMap = new LineMap(files);
  const sentMap = new LineMap(files.filter((f) => sentPaths.has(f.path)));
  const deduped = dedupeAgainstFindings(modelResult.comments, checks.findings);
  const fromRules = placeFindings(checks.findings, lineMap, deduped.suggestions);
  const fromModel = placeComments(deduped.comments, sentMap);
  const capped = capComments([...fromRules.comments, ...fromModel.placed], config.max_comments);
  return {
    files,
    checks,
    choice,
    persona,
    skipped,
    modelResult,
    comments: capped.kept,
    unplaced: [...fromRules.unplaced, ...fromModel.unplaced, ...capped.overflow],
    lineMap,
    redactedSecrets,
  };
}

/** The checks, off the event loop when a runner is given; a runner that fails costs the checks only. */
async function runChecksSafely(input: AnalysisInput): Promise<CheckResult> {
  if (!input.runChecks) return checkPullRequest(input.files, input.heads, input.related, input.config);
  try {
    return await input.runChecks(input.files, input.heads, input.related, input.config);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    input.log.warn({ err: error }, "django-review: the Django checks did not finish; the review goes on without them");
    return {
      findings: [],
      failures: [{ rule: "*", file: "*", error: message }],
      suppressed: 0,
      facts: {},
      conditional: [],
    };
  }
}

async function modelStage(
  input: AnalysisInput,
  requests: Array<{ model: string; system: string; user: string }>,
): Promise<ModelStageResult> {
  if (!input.model) return { comments: [], notice: NO_MODEL_NOTICE };
  if (requests.length === 0)
    return { comments: [], notice: "No file in this pull request could be sent to the model." };
  const model = input.model;
  const withProgress: ReviewModel = input.onModelCall
    ? (() => {
        let call = 0;
        return (request) => {
          input.onModelCall?.(call++, requests.length);
          return model(request);
        };
      })()
    : model;
  return reviewWithModel(withProgress, requests, {
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.modelDeadlineMs ? { deadlineMs: input.modelDeadlineMs } : {}),
  });
}

function configOverride(config: RepoConfig): PersonaOverride | undefined {
  return config.persona === "auto" ? undefined : { persona: config.persona, source: "config" };
}
