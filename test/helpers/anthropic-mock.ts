import nock from "nock";

export const ANTHROPIC_API = "https://api.anthropic.com";

export interface ModelCall {
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** Fakes the Messages API: answers with a `submit_review` tool call and records each request. */
export function mockModel(
  input: unknown,
  options: {
    baseUrl?: string;
    status?: number;
    usage?: Record<string, number>;
    stopReason?: string;
    delayMs?: number;
  } = {},
): { scope: nock.Scope; calls: ModelCall[] } {
  const calls: ModelCall[] = [];
  const base = new URL(options.baseUrl ?? ANTHROPIC_API);
  const interceptor = nock(base.origin).post(`${base.pathname.replace(/\/$/, "")}/v1/messages`, (body) => {
    calls.push({ body, headers: {} });
    return true;
  });
  const scope = (options.delayMs ? interceptor.delay(options.delayMs) : interceptor).reply(function reply() {
    const call = calls.at(-1);
    if (call) call.headers = this.req.headers as Record<string, string>;
    if (options.status && options.status !== 200) {
      return [options.status, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }];
    }
    return [200, modelAnswer(input, options)];
  });
  return { scope, calls };
}

/** The text of a call's first user message (the prompt), whether sent as a string or as content blocks. */
export function promptOf(call: ModelCall): string {
  const content = call.body.messages[0].content;
  return typeof content === "string" ? content : content.map((block: { text?: string }) => block.text ?? "").join("");
}

/**
 * Fakes one Messages API call answered with lookup tool calls instead of a review (the model reading the
 * repository first); records the request like mockModel.
 */
export function mockModelLookups(
  lookups: Array<{ name: string; input: unknown }>,
  options: { calls?: ModelCall[]; times?: number } = {},
): { scope: nock.Scope; calls: ModelCall[] } {
  const calls = options.calls ?? [];
  const scope = nock(ANTHROPIC_API)
    .post("/v1/messages", (body) => {
      calls.push({ body, headers: {} });
      return true;
    })
    .times(options.times ?? 1)
    .reply(200, () => ({
      id: "msg_lookup",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: lookups.map((l, i) => ({
        type: "tool_use",
        id: `toolu_l${calls.length}_${i}`,
        name: l.name,
        input: l.input,
      })),
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 900, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    }));
  return { scope, calls };
}

/** Fakes one Messages API call answered in prose (`/django-review ask`); records the request. */
export function mockModelText(
  text: string,
  options: { stopReason?: string } = {},
): { scope: nock.Scope; calls: ModelCall[] } {
  const calls: ModelCall[] = [];
  const scope = nock(ANTHROPIC_API)
    .post("/v1/messages", (body) => {
      calls.push({ body, headers: {} });
      return true;
    })
    .reply(200, {
      id: "msg_text",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: [{ type: "text", text }],
      stop_reason: options.stopReason ?? "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 2000, output_tokens: 120, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  return { scope, calls };
}

/** The Messages API's answer: one `submit_review` tool call with `input`. */
export function modelAnswer(input: unknown, options: { usage?: Record<string, number>; stopReason?: string } = {}) {
  return {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-5-5",
    content: [{ type: "tool_use", id: "toolu_01", name: "submit_review", input }],
    stop_reason: options.stopReason ?? "tool_use",
    stop_sequence: null,
    usage: {
      input_tokens: 1200,
      output_tokens: 300,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...options.usage,
    },
  };
}

/** The Messages API answering one call with an error (529 overloaded, 429 rate limited, 500, …). */
export function mockModelError(
  status: number,
  error: { type: string; message: string },
  headers: Record<string, string> = {},
): nock.Scope {
  return nock(ANTHROPIC_API).post("/v1/messages").reply(status, { type: "error", error }, headers);
}

/** A Messages API call that hangs for `delayMs` before answering; `onStart` is told when it arrives. */
export function mockModelHang(delayMs: number, options: { onStart?: () => void } = {}): nock.Scope {
  return nock(ANTHROPIC_API)
    .post("/v1/messages", () => {
      options.onStart?.();
      return true;
    })
    .delay(delayMs)
    .reply(200, {});
}
