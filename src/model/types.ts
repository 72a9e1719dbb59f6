/** What a review asks of the model and gets back, whichever client answers (the SDK, a test, a loopback). */

export interface ModelRequest {
  model: string;
  system: string;
  user: string;
  maxOutputTokens: number;
  /** Aborts the call in flight: the review's deadline, or a newer push that superseded it. */
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

export interface ModelAnswer {
  /** The `submit_review` tool input, not yet validated. */
  toolInput: unknown;
  model: string;
  stopReason: string | null;
  usage: ModelUsage;
}

export type ReviewModel = (request: ModelRequest) => Promise<ModelAnswer>;
