import { estimateCost } from "../model/pricing.js";
import type { Answer } from "../model/types.js";

/**
 * The last line of an answer (`ask`, a reply in a thread), like a review's model line: who answered,
 * with which model, and — unless `summary.cost` is off — its tokens and estimated cost.
 */
export function answerLine(answer: Answer, persona: string, showCost: boolean): string {
  const usage = answer.usage;
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheCreationTokens;
  const cost = estimateCost(answer.model, usage);
  const tokens = showCost ? ` · tokens: ${input} input · ${usage.outputTokens} output` : "";
  const money = showCost && cost !== undefined ? ` · ≈ $${cost.toFixed(3)}` : "";
  return `<sub>Answered as ${persona} · model \`${answer.model}\`${tokens}${money}</sub>`;
}
