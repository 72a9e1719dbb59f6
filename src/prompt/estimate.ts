/** A conservative token estimate for code-heavy text (~3.5 characters a token), used for budgeting. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}
