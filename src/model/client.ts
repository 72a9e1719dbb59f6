import type { OperatorEnv } from "../config/env.js";
import Anthropic from "@anthropic-ai/sdk";
import { LOOKUP_TOOL_NAMES, LOOKUP_TOOLS, type LookupTurn } from "../lookup/tools.js";
import { REVIEW_TOOL, REVIEW_TOOL_NAME } from "./review-tool.js";
import type { AnswerModel, ModelRequest, ModelUsage, ReviewModel } from "./types.js";

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

/**
 * The review model on Anthropic's Messages API. It answers through `submit_review`; with lookups on, it
 * may first call the lookup tools (tool choice "any"), and is held to `submit_review` once they are spent.
 */
export function anthropicReviewModel(settings: ModelSettings): ReviewModel {
  const client = anthropicClient(settings);
  return async (request) => {
    const message = await client.messages.create(
      requestBody(request),
      request.signal ? { signal: request.signal } : undefined,
    );
    const toolUses = message.content.filter((block) => block.type === "tool_use");
    const submitted = toolUses.find((block) => block.name === REVIEW_TOOL_NAME);
    return {
      toolInput: submitted?.input,
      lookups: submitted
        ? []
        : toolUses
            .filter((block) => LOOKUP_TOOL_NAMES.includes(block.name))
            .map((block) => ({ id: block.id, name: block.name, input: block.input })),
      model: message.model,
      stopReason: message.stop_reason,
      usage: usageOf(message.usage),
    };
  };
}

/** Questions answered in prose on the same API (`/django-review ask`). */
export function anthropicAnswerModel(settings: ModelSettings): AnswerModel {
  const client = anthropicClient(settings);
  return async (request) => {
    const message = await client.messages.create(
      {
        model: request.model,
        max_tokens: request.maxOutputTokens,
        system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: request.user }],
      },
      request.signal ? { signal: request.signal } : undefined,
    );
    return {
      text: message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n\n"),
      model: message.model,
      stopReason: message.stop_reason,
      usage: usageOf(message.usage),
    };
  };
}

/** The API's usage block in our words (cache fields may be absent). */
function usageOf(usage: Anthropic.Usage): ModelUsage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheCreationTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

function anthropicClient(settings: ModelSettings): Anthropic {
  return new Anthropic({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? null,
    maxRetries: settings.maxRetries ?? 2,
    timeout: settings.timeoutMs ?? 300_000,
  });
}

/** The Messages API request of one model call: what leaves the machine (`--dry-run` prints it). */
export function requestBody(request: ModelRequest): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens,
    system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
    // The same tools on every turn, so the cached prefix (tools, then system) holds; only the choice changes.
    tools: request.lookups ? [...LOOKUP_TOOLS, REVIEW_TOOL] : [REVIEW_TOOL],
    tool_choice: request.lookups && !request.mustSubmit ? { type: "any" } : { type: "tool", name: REVIEW_TOOL_NAME },
    messages: request.lookups
      ? conversation(request.user, request.turns ?? [])
      : [{ role: "user", content: request.user }],
  };
}

/**
 * The prompt, then each round of lookups: the model's calls and their answers. The prompt and the
 * latest answers are cache breakpoints, so each turn reads what came before from the prompt cache
 * instead of paying for it again.
 */
function conversation(user: string, turns: LookupTurn[]): Anthropic.MessageParam[] {
  const messages: Anthropic.MessageParam[] = [
    { role: "user", content: [{ type: "text", text: user, cache_control: { type: "ephemeral" } }] },
  ];
  for (const [index, turn] of turns.entries()) {
    messages.push({
      role: "assistant",
      content: turn.calls.map((call) => ({ type: "tool_use", id: call.id, name: call.name, input: call.input })),
    });
    const last = index === turns.length - 1;
    messages.push({
      role: "user",
      content: turn.results.map((result, i) => ({
        type: "tool_result",
        tool_use_id: result.id,
        content: result.text,
        ...(last && i === turn.results.length - 1 ? { cache_control: { type: "ephemeral" as const } } : {}),
      })),
    });
  }
  return messages;
}
