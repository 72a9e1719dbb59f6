import type { LookupCall, LookupTurn } from "../lookup/tools.js";

/** What a review asks of the model and gets back, whichever client answers (the SDK, a test, a loopback). */

export interface ModelRequest {
  model: string;
  system: string;
  user: string;
  maxOutputTokens: number;
  /** Aborts the call in flight: the review's deadline, or a newer push that superseded it. */
  signal?: AbortSignal;
  /** Offer the lookup tools (read_file, find_definition, list_files) beside submit_review. */
  lookups?: boolean;
  /** The lookups made so far in this conversation, each with its answers. */
  turns?: LookupTurn[];
  /** Only submit_review may be called now: the lookup budget is spent. */
  mustSubmit?: boolean;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

export interface ModelAnswer {
  /** The `submit_review` tool input, not yet validated; undefined when the model did not submit. */
  toolInput: unknown;
  /** Lookup tools the model called instead (answered, then the model is asked again). */
  lookups: LookupCall[];
  model: string;
  stopReason: string | null;
  usage: ModelUsage;
}

export type ReviewModel = (request: ModelRequest) => Promise<ModelAnswer>;

/** A question answered in prose (`/django-review ask`): no tools, a small output cap. */
export interface AnswerRequest {
  model: string;
  system: string;
  user: string;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

export interface Answer {
  text: string;
  model: string;
  stopReason: string | null;
  usage: ModelUsage;
}

export type AnswerModel = (request: AnswerRequest) => Promise<Answer>;
