/** US dollars per million tokens. Estimates for the summary; the invoice is the authority. */
interface Price {
  input: number;
  output: number;
}

const PRICES: Array<{ match: RegExp; price: Price }> = [
  { match: /opus/, price: { input: 5, output: 25 } },
  { match: /sonnet/, price: { input: 3, output: 15 } },
  { match: /haiku/, price: { input: 1, output: 5 } },
];

/** Cache writes cost 1.25x input (5-minute cache), cache reads 0.1x input. */
const CACHE_WRITE = 1.25;
const CACHE_READ = 0.1;

export interface TokenUsage {
  inputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  outputTokens: number;
}

/** Estimated cost in dollars, or undefined for a model whose price is not known. */
export function estimateCost(model: string, usage: TokenUsage): number | undefined {
  const price = PRICES.find((p) => p.match.test(model))?.price;
  if (!price) return undefined;
  const input = usage.inputTokens + usage.cacheCreationTokens * CACHE_WRITE + usage.cacheReadTokens * CACHE_READ;
  return (input * price.input + usage.outputTokens * price.output) / 1_000_000;
}
