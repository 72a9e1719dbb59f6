/** Persona `model:` aliases (Claude Code's vocabulary) mapped to current model ids. */
export const MODEL_ALIASES: Record<string, string> = {
  sonnet: "claude-sonnet-5-5",
  opus: "claude-opus-5-5",
  haiku: "claude-haiku-5-5",
};

export const DEFAULT_MODEL = "claude-sonnet-5-5";

/**
 * Precedence: the `DJANGO_REVIEW_MODEL` environment variable (the operator pays), then the repo
 * config's `model:`, then the persona's. Aliases resolve; anything else is passed through as an id.
 */
export function resolveModel(options: { env?: string; config?: string; persona?: string }): string {
  const chosen = [options.env, options.config, options.persona].find((m) => m && m !== "inherit");
  if (!chosen) return DEFAULT_MODEL;
  return MODEL_ALIASES[chosen.toLowerCase()] ?? chosen;
}
