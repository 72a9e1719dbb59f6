import type { RepoConfig } from "../config/schema.js";
import { renderFileWithContext } from "../diff/context.js";
import type { DiffFile } from "../diff/types.js";
import type { Persona } from "../personas/schema.js";
import {
  buildSystemPrompt,
  buildUserPrompt,
  fixedPromptTokens,
  type PromptFile,
  type PromptHint,
  type PullRequestText,
} from "./build.js";
import { type ChunkPlan, planChunks } from "./chunk.js";
import { estimateTokens } from "./estimate.js";
import { teamGuidance } from "./team-guidance.js";
import { LOOKUP_TOOLS } from "../lookup/tools.js";
import { REVIEW_TOOL } from "../model/review-tool.js";
import { DefinitionIndex, relatedDefinitions } from "./related-definitions.js";

export interface PromptRequestsInput {
  files: DiffFile[];
  heads: Map<string, string>;
  related: Map<string, string>;
  config: Pick<
    RepoConfig,
    | "context_lines"
    | "max_prompt_tokens"
    | "max_model_calls"
    | "max_total_tokens"
    | "instructions"
    | "path_instructions"
  >;
  persona: Persona;
  pr: PullRequestText;
  hints: PromptHint[];
  model: string;
  /** Prompt tokens kept free in every call and in the review's total for the answers of lookups. */
  lookupTokens?: number;
}

/** What one model call is sent (the model client adds its limits and signal). */
export interface PromptRequest {
  model: string;
  system: string;
  user: string;
}

export interface PromptRequests {
  /** One request per model call, in order. */
  requests: PromptRequest[];
  /** Files the model is shown (the others were left out for the budget). */
  sentPaths: string[];
  notSent: ChunkPlan["notSent"];
  /** Secrets replaced in what the model is sent (counted, never shown). */
  redactedSecrets: number;
}

/** Prompt tokens the lookups of one review may add: a quarter of one call, at most 24,000. */
export function lookupTokenBudget(config: Pick<RepoConfig, "max_prompt_tokens" | "max_lookups">): number {
  return config.max_lookups === 0 ? 0 : Math.min(24_000, Math.floor(config.max_prompt_tokens / 4));
}

/**
 * The model calls of a review within its budget: files rendered with context, grouped into calls,
 * each with the definitions its files depend on, redacted. Pure and CPU-bound on big files, so the
 * server runs it off the event loop (see review/off-thread.ts).
 */
export function promptRequests(input: PromptRequestsInput): PromptRequests {
  const { config, files, heads } = input;
  const system = buildSystemPrompt(
    input.persona,
    teamGuidance(
      config,
      files.map((f) => f.path),
    ),
  );
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
  const lookupTokens = input.lookupTokens ?? 0;
  const plan = planChunks(promptFiles, {
    perCallTokens: config.max_prompt_tokens - lookupTokens,
    fixedTokens:
      fixedPromptTokens({ system, pr: input.pr, hints: input.hints }) +
      definitionTokens +
      // the tool schemas are sent with every call
      estimateTokens(JSON.stringify(lookupTokens > 0 ? [...LOOKUP_TOOLS, REVIEW_TOOL] : [REVIEW_TOOL])),
    maxCalls: config.max_model_calls,
    maxTotalTokens: config.max_total_tokens - lookupTokens,
  });
  const definitions = new DefinitionIndex(new Map([...input.related, ...heads]));
  const prPaths = new Set(files.map((f) => f.path));
  let redactedSecrets = 0;
  const requests = plan.chunks.map((chunk, index) => {
    const user = buildUserPrompt({
      pr: input.pr,
      files: chunk,
      hints: input.hints.filter((h) => chunk.some((f) => f.path === h.path)),
      part: { index, count: plan.chunks.length },
      definitions: relatedDefinitions(
        chunk.map((f) => f.path),
        definitions,
        prPaths,
        definitionTokens,
      ),
    });
    redactedSecrets += user.redacted;
    return { model: input.model, system, user: user.text };
  });
  return {
    requests,
    sentPaths: plan.chunks.flat().map((f) => f.path),
    notSent: plan.notSent,
    redactedSecrets,
  };
}
