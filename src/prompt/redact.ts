/** Secrets with a recognisable shape. Matches are replaced before anything reaches the model. */
const SECRET_PATTERNS: Array<{ name: string; pattern: RegExp }> = [
  { name: "private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { name: "AWS access key", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/g },
  { name: "Anthropic key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { name: "OpenAI key", pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/g },
  { name: "Stripe key", pattern: /\b[rs]k_live_[A-Za-z0-9]{16,}\b/g },
  { name: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: "JWT", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g },
  { name: "password in a URL", pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]{3,}(@)/gi },
  { name: "Django SECRET_KEY", pattern: /\b(SECRET_KEY\s*=\s*)(["'])(?!\2)[^"'\n]{8,}\2/g },
];

export interface Redaction {
  text: string;
  count: number;
}

/** Replaces every recognisable secret with `[REDACTED <kind>]`, keeping the code around it readable. */
export function redactSecrets(text: string): Redaction {
  let count = 0;
  let result = text;
  for (const { name, pattern } of SECRET_PATTERNS) {
    result = result.replace(pattern, (...match: string[]) => {
      count++;
      if (name === "password in a URL") return `${match[1]}[REDACTED password]${match[2]}`;
      if (name === "Django SECRET_KEY") return `${match[1]}${match[2]}[REDACTED secret]${match[2]}`;
      return `[REDACTED ${name}]`;
    });
  }
  return { text: result, count };
}
