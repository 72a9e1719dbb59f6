import { requestBody } from "../model/client.js";
import type { ModelRequest, ReviewModel } from "../model/types.js";
import { estimateTokens } from "../prompt/estimate.js";

/**
 * A model that answers nothing and sends nothing: it keeps each request, so `--dry-run` can print
 * what the real client would send (the same body, built by the same function).
 */
export function capturingModel(): { model: ReviewModel; requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  const model: ReviewModel = async (request) => {
    const { signal: _signal, ...kept } = request;
    requests.push(kept);
    return {
      toolInput: { summary: "", comments: [] },
      lookups: [],
      model: request.model,
      stopReason: "end_turn",
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
    };
  };
  return { model, requests };
}

/** Each call's request body as JSON, headed by its token estimate. */
export function describeDryRun(requests: ModelRequest[], skipped: number): string {
  if (requests.length === 0)
    return "django-review --dry-run: nothing would be sent to the model (no reviewable file fits the budget).";
  const parts = requests.map((request, index) => {
    const body = requestBody(request);
    const tokens = estimateTokens(JSON.stringify([body.system, body.tools, body.messages]));
    return (
      `--- model call ${index + 1} of ${requests.length}: about ${tokens.toLocaleString("en-US")} prompt tokens ` +
      `(estimate), up to ${body.max_tokens.toLocaleString("en-US")} output tokens ---\n${JSON.stringify(body, null, 2)}`
    );
  });
  const left = skipped > 0 ? `; ${skipped} file${skipped > 1 ? "s were" : " was"} left out (see a normal run)` : "";
  const note =
    `django-review --dry-run: nothing was sent. ${requests.length} model call${requests.length > 1 ? "s" : ""} ` +
    `would be made${left}. ` +
    "Lookups the model asks for during a real review are answered from the same files, redacted the same way.";
  return `${parts.join("\n\n")}\n\n${note}`;
}
