import type { ReviewComment, UnplacedComment } from "../vocabulary.js";
import type { CheckResult } from "../checks/index.js";
import { dedupeAgainstFindings, placeFindings } from "../comments/findings.js";
import { capComments, placeComments } from "../comments/validate.js";
import type { RepoConfig } from "../config/schema.js";
import { LineMap } from "../diff/line-map.js";
import type { DiffFile } from "../diff/types.js";
import type { ReviewModel } from "../model/types.js";
import { resolveModel } from "../model/models.js";
import type { PersonaRegistry } from "../personas/load.js";
import { choosePersona, configPersonaOverride, type PersonaChoice, type PersonaOverride } from "../personas/route.js";
import type { Persona } from "../personas/schema.js";
import type { PullRequestText } from "../prompt/build.js";
import {
  lookupTokenBudget,
  type PromptRequest,
  type PromptRequests,
  type PromptRequestsInput,
} from "../prompt/requests.js";
import { Lookups, type ProjectFiles } from "../lookup/answer.js";
import type { LookupRecord } from "../lookup/tools.js";
import { yieldToEventLoop } from "../util/yield.js";
import { type ModelStageResult, reviewWithModel } from "./model-review.js";
import { type Offload, runInline } from "./pure-tasks.js";
import type { SkippedFile } from "../render/summary.js";
import { errorMessage } from "../util/error-message.js";

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
  /** Where the pure, CPU-bound steps run: a worker thread in the server (see off-thread.ts); inline by default. */
  offload?: Offload;
  /** The repository at the head, for the model's lookups (none: the model reads only the prompt). */
  projectFiles?: ProjectFiles;
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
  /** What the model looked up, in order. */
  lookups: LookupRecord[];
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

  const choice = choosePersona(input.personas, files, input.personaOverride ?? configPersonaOverride(config), heads);
  const persona = input.personas.get(choice.persona);
  if (!persona) throw new Error(`django-review: persona ${choice.persona} is not loaded`);

  const hints = [...checks.findings, ...checks.conditional].map((f) => ({
    path: f.file,
    line: f.line,
    text: `${f.rule} ${f.title}: ${f.condition ? `only if ${f.condition}: ` : ""}${f.message}`,
  }));
  const model = resolveModel({ env: input.modelOverride, config: config.model, persona: persona.model });
  const prompts = await promptsSafely(input, {
    files,
    heads,
    related: input.related,
    config,
    persona,
    pr: input.pr,
    hints,
    model,
    lookupTokens: lookupsOn(input) ? lookupTokenBudget(config) : 0,
  });
  const sentPaths = new Set(prompts.sentPaths);
  const skipped = [
    ...input.skipped,
    ...prompts.notSent.map((n) => ({ path: n.path, reason: `not sent to the model: ${n.reason}` })),
  ];

  if (input.signal?.aborted) return undefined;
  const { requests, redactedSecrets } = prompts;
  const lookups =
    lookupsOn(input) && input.projectFiles
      ? new Lookups(input.projectFiles, config, {
          maxLookups: config.max_lookups,
          maxTokens: lookupTokenBudget(config),
        })
      : undefined;
  const modelResult = prompts.failed
    ? { comments: [], notice: prompts.failed }
    : await modelStage(input, requests, lookups);
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
    lookups: lookups?.records ?? [],
  };
}

/** Lookups need a model, the repository to read and a budget for them. */
function lookupsOn(input: AnalysisInput): boolean {
  return input.model !== undefined && input.projectFiles !== undefined && input.config.max_lookups > 0;
}

function offload(input: Pick<AnalysisInput, "offload">): Offload {
  return input.offload ?? runInline;
}

/** The checks, off the event loop when a runner is given; checks that fail or time out cost the checks only. */
async function runChecksSafely(input: AnalysisInput): Promise<CheckResult> {
  try {
    const skippedPaths = input.skipped.map((s) => s.path);
    return await offload(input)("checks", input.files, input.heads, input.related, input.config, skippedPaths);
  } catch (error) {
    const message = errorMessage(error);
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

/**
 * The model calls; when building them fails or is stopped (a hostile file), the review goes on with
 * the checks alone and says why. Nothing was paid for yet.
 */
async function promptsSafely(
  input: AnalysisInput,
  prompts: PromptRequestsInput,
): Promise<PromptRequests & { failed?: string }> {
  try {
    return await offload(input)("prompts", prompts);
  } catch (error) {
    input.log.warn(
      { err: error },
      "django-review: the prompts could not be built; the review goes on with the checks alone",
    );
    const why = errorMessage(error);
    const none = { requests: [], sentPaths: [], notSent: [], redactedSecrets: 0 };
    return input.model ? { ...none, failed: `The model was not asked: ${why}.` } : none;
  }
}

async function modelStage(
  input: AnalysisInput,
  requests: PromptRequest[],
  lookups: Lookups | undefined,
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
    ...(lookups ? { lookups } : {}),
  });
}
