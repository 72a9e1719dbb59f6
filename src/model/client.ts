import type { OperatorEnv } from "../config/env.js";
import Anthropic from "@anthropic-ai/sdk";
import { REVIEW_TOOL, REVIEW_TOOL_NAME } from "./review-tool.js";
import type { ReviewModel } from "./types.js";

export type { ModelAnswer, ModelRequest, ModelUsage, ReviewModel } from "./types.js";

export interface ModelSettings {
  apiKey: string;
  /** An Anthropic-compatible endpoint (proxy, gateway); defaults to Anthropic's API. */
  baseURL?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

/** The model settings of the operator's environment; undefined when no API key is configured. */
export function modelSettings(env: OperatorEnv): ModelSettings | undefined {
  if (!env.ANTHROPIC_API_KEY) return undefined;
  return {
    apiKey: env.ANTHROPIC_API_KEY,
    baseURL: env.ANTHROPIC_BASE_URL,
    maxRetries: env.DJANGO_REVIEW_MODEL_RETRIES,
    timeoutMs: env.DJANGO_REVIEW_MODEL_TIMEOUT_MS,
  };
}

/** The review model on Anthropic's Messages API, answering through the forced `submit_review` tool. */
export function anthropicReviewModel(settings: ModelSettings): ReviewModel {
  const client = new Anthropic({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? null,
    maxRetries: settings.maxRetries ?? 2,
    timeout: settings.timeoutMs ?? 300_000,
  });
  return async (request) => {
    const message = await client.messages.create(
      {
        model: request.model,
        max_tokens: request.maxOutputTokens,
        system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
        tools: [REVIEW_TOOL],
        tool_choice: { type: "tool", name: REVIEW_TOOL_NAME },
        messages: [{ role: "user", content: request.user }],
      },
      request.signal ? { signal: request.signal } : undefined,
    );
    const toolUse = message.content.find((block) => block.type === "tool_use" && block.name === REVIEW_TOOL_NAME);
    return {
      toolInput: toolUse && toolUse.type === "tool_use" ? toolUse.input : undefined,
      model: message.model,
      stopReason: message.stop_reason,
      usage: {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheCreationTokens: message.usage.cache_creation_input_tokens ?? 0,
      },
    };
  };
}
