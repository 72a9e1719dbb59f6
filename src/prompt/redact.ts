/**
 * Secrets are replaced before anything reaches the model. Work is per line and every pattern's
 * quantifiers are bounded, so a hostile 200 KB line costs linear time; a line is never hidden beyond
 * the secret in it (an unterminated key marker redacts its own line only).
 */

/** Tokens with a recognisable shape: `[REDACTED <kind>]` replaces the whole match. */
export const TOKEN_KINDS: Array<{ name: string; pattern: RegExp }> = [
  { name: "AWS access key", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g },
  { name: "Anthropic key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,255}/g },
  { name: "OpenAI key", pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,255}/g },
  { name: "Stripe key", pattern: /\b[rs]k_live_[A-Za-z0-9]{16,255}\b/g },
  { name: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,255}\b/g },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: "npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: "PyPI token", pattern: /\bpypi-[A-Za-z0-9_-]{50,255}/g },
  { name: "SendGrid key", pattern: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}\b/g },
  { name: "Twilio key", pattern: /\b(?:SK|AC)[0-9a-f]{32}\b/g },
  { name: "Azure storage key", pattern: /\bAccountKey=[A-Za-z0-9+/]{40,120}={0,2}/g },
  { name: "JWT", pattern: /\beyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{10,2000}\b/g },
];

/** Where a line of the prompt's files starts: `R12 + `, `R12   `, `L7 - ` (see diff/context.ts). */
const PREFIX = String.raw`(?:[RL]\d{1,7} [ +\-] )?`;

/** Names whose literal value is a secret, in any syntax (`DB_PASSWORD`, `api_key`, `SECRET_KEY`, `_authToken`). */
const SECRET_NAME = `(?:[A-Za-z_][A-Za-z0-9_.-]{0,60}?)?(?:${[
  "pass(?:word|wd|phrase)?|pwd|secret(?:[_-]?key)?|token",
  "api[_-]?key|apikey|access[_-]?key|private[_-]?key(?:[_-]?id)?",
  "client[_-]?secret|auth[_-]?key|credentials?|_authToken",
].join("|")})`;

/**
 * `name = "value"` in Python, TOML and INI; `name: value` in YAML; `"name": "value"` in JSON and
 * dicts; `NAME=value` in `.env` and compose lists; `name: str = "value"`; `os.environ.get("NAME",
 * "value")` fallbacks. Only literal values: `password = form.cleaned_data["password"]` is code.
 */
const UNQUOTED = new RegExp(
  // group 1: where the name may start (a line's start, after the prompt prefix, a list dash or
  // `export`; or after a separator), the name and `=`/`:`; group 2: a value that is not code
  String.raw`((?:^${PREFIX}\s{0,40}(?:-\s{1,4}|export\s{1,4})?|(?<=[\s,;(]))${SECRET_NAME}\s{0,10}[:=]\s{0,10})` +
    String.raw`(?!["'$%{]|None\b|null\b|[\w.]*[(\[])([^\s#"',;]{3,500})`,
  "gim",
);

const ASSIGNMENTS: RegExp[] = [
  // Python/TOML/INI/.env/YAML with a quoted value, optionally annotated (`SECRET_KEY: str = "..."`)
  new RegExp(
    String.raw`(\b${SECRET_NAME}["']?\s{0,10}(?::\s{0,10}[A-Za-z_][\w\[\], ]{0,40})?\s{0,10}[:=]\s{0,10})` +
      String.raw`(["'])([^"'\n]{3,500})\2`,
    "gi",
  ),
  // Unquoted values of .env, INI, YAML and compose (`POSTGRES_PASSWORD: x`, `- DB_PASSWORD=x`, `export TOKEN=x`)
  UNQUOTED,
  // An environment lookup's literal fallback: `os.environ.get("SECRET_KEY", "dev-...")`, `getenv("X_TOKEN", "...")`
  new RegExp(
    String.raw`(\b(?:get|getenv|env|environ\.get)\(\s{0,10}["']${SECRET_NAME}["']\s{0,10},\s{0,10}` +
      String.raw`(?:default\s{0,4}=\s{0,4})?)(["'])([^"'\n]{3,500})\2`,
    "gi",
  ),
];

/** `scheme://user:password@host` and `scheme://:password@host`, any scheme. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@]{0,200}:)([^\s@/]{1,200})(@)/gi;

const KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
const KEY_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
/** A line of key material (base64, maybe behind a diff or comment prefix, or quoted in a string). */
const keyBody = (min: number) =>
  new RegExp(String.raw`^${PREFIX}[\s+\-#>"'\`]{0,12}[A-Za-z0-9+/]{${min},100}={0,2}(?:\\n)?["',]{0,3}\s{0,4}$`);
const KEY_BODY = keyBody(40);
const KEY_BODY_AFTER_MARKER = keyBody(16);
const KEY_HEADER = new RegExp(String.raw`^${PREFIX}[\s+\-#]{0,12}(?:Proc-Type|DEK-Info):`);

export interface Redaction {
  text: string;
  count: number;
}

/**
 * Replaces every recognisable secret with `[REDACTED <kind>]`, keeping the code around it readable.
 * `unquoted` also takes bare values (`.env`, YAML, INI, a PR description): off for Python, where
 * `password = form_password` is code, not a secret.
 */
export function redactSecrets(text: string, options: { unquoted?: boolean } = {}): Redaction {
  const assignments = options.unquoted === false ? ASSIGNMENTS.filter((p) => p !== UNQUOTED) : ASSIGNMENTS;
  let count = 0;
  const lines = text.split("\n");
  const keyLines = keyMaterialLines(lines);
  count += keyLines.blocks;
  const out = lines.map((line, index) => {
    if (keyLines.lines.has(index)) return redactKeyLine(line);
    let result = line;
    for (const { name, pattern } of TOKEN_KINDS) {
      result = result.replace(pattern, () => {
        count++;
        return `[REDACTED ${name}]`;
      });
    }
    result = result.replace(URL_PASSWORD, (_m, before: string, _pw: string, at: string) => {
      count++;
      return `${before}[REDACTED password]${at}`;
    });
    for (const pattern of assignments) {
      result = result.replace(pattern, (whole: string, before: string, quote: string, value?: string) => {
        // Unquoted form: (before, value); quoted forms: (before, quote, value).
        const secret = value === undefined || typeof value !== "string" ? quote : value;
        if (/^\[REDACTED/.test(secret) || /^(true|false|none|null|yes|no)$/i.test(secret)) return whole;
        count++;
        return value === undefined || typeof value !== "string"
          ? `${before}[REDACTED secret]`
          : `${before}${quote}[REDACTED secret]${quote}`;
      });
    }
    return result;
  });
  return { text: out.join("\n"), count };
}

/**
 * Lines holding private-key material: a BEGIN line, the base64 lines after it, and its END line; base64
 * runs with an END (or nothing) around them, when the BEGIN fell outside the text; two or more
 * consecutive lines of key-shaped base64 anywhere. A BEGIN with no key lines after it is one line.
 */
function keyMaterialLines(lines: string[]): { lines: Set<number>; blocks: number } {
  const found = new Set<number>();
  let blocks = 0;
  const isBody = (line: string) => line.length <= 200 && (KEY_BODY_AFTER_MARKER.test(line) || KEY_HEADER.test(line));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length > 400) {
      // A whole key on one long line (a string with escaped newlines, a JSON value): its markers are
      // still found (linear patterns); only the line-shape checks below are skipped.
      if (KEY_BEGIN.test(line) || KEY_END.test(line)) {
        blocks++;
        found.add(i);
      }
      continue;
    }
    if (KEY_BEGIN.test(line) || KEY_END.test(line)) {
      blocks += KEY_BEGIN.test(line) ? 1 : found.has(i - 1) ? 0 : 1;
      found.add(i);
      // the key's lines after its BEGIN (and those before an END whose BEGIN is out of view)
      for (let j = i + 1; j < lines.length && isBody(lines[j] as string); j++) found.add(j);
      for (let j = i - 1; j >= 0 && isBody(lines[j] as string) && !found.has(j); j--) found.add(j);
      continue;
    }
    // A run of key-shaped lines with no marker in view: a key cut by the context window.
    if (!found.has(i) && KEY_BODY.test(line) && /[A-Za-z0-9+/]{60,}/.test(line) && KEY_BODY.test(lines[i + 1] ?? "")) {
      blocks++;
      for (let j = i; j < lines.length && KEY_BODY.test(lines[j] as string); j++) found.add(j);
    }
  }
  return { lines: found, blocks };
}

/** The key part of a line: from BEGIN on, up to END, or the whole text after the prompt's line prefix. */
function redactKeyLine(line: string): string {
  const begin = KEY_BEGIN.exec(line);
  const end = KEY_END.exec(line);
  if (begin && end && end.index > begin.index)
    return `${line.slice(0, begin.index)}[REDACTED private key]${line.slice(end.index + end[0].length)}`;
  if (begin) return `${line.slice(0, begin.index)}[REDACTED private key]`;
  const prefix = new RegExp(`^${PREFIX}\\s*`).exec(line)?.[0] ?? "";
  if (end) return `${prefix}[REDACTED private key]${line.slice(end.index + end[0].length)}`;
  return `${prefix}[REDACTED private key]`;
}
