import YAML from "yaml";
import { code } from "../comments/markdown.js";
import { type ConfigResult, parseRepoConfig } from "./schema.js";

/** A config is a few hundred bytes; anything near these limits is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 64 * 1024;
export const MAX_CONFIG_KEYS = 2_000;

/**
 * YAML text of `.github/django-review.yml` to a validated config: size, YAML, key count, then the
 * schema. Every failure is a clear problem for the summary, with the defaults used; never a hang.
 */
export function parseConfigText(text: string, name: string): ConfigResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CONFIG_BYTES)
    return problem(`${code(name)} is ${Math.ceil(bytes / 1024)} KB; the limit is ${MAX_CONFIG_BYTES / 1024} KB`);
  let raw: unknown;
  try {
    raw = YAML.parse(text, { logLevel: "error", maxAliasCount: 100 });
  } catch (error) {
    return problem(
      `could not be read: ${code(name)} is not valid YAML ` +
        `(${String((error as Error).message ?? error).split("\n")[0]})`,
    );
  }
  return parseConfigObject(raw ?? undefined);
}

/** An already parsed config (Probot's `context.config`): the key count, then the schema. */
export function parseConfigObject(raw: unknown): ConfigResult {
  if (countKeys(raw, MAX_CONFIG_KEYS + 1) > MAX_CONFIG_KEYS)
    return problem(`the config has more than ${MAX_CONFIG_KEYS} keys and values`);
  return parseRepoConfig(raw);
}

function problem(message: string): ConfigResult {
  return { ...parseRepoConfig(undefined), problems: [message] };
}

/** Keys and array items, counted with an explicit stack (a deep document cannot overflow it), up to `stopAt`. */
function countKeys(value: unknown, stopAt: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count < stopAt) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      count += item.length;
      for (const v of item) stack.push(v);
    } else if (item !== null && typeof item === "object") {
      const values = Object.values(item);
      count += values.length;
      for (const v of values) stack.push(v);
    }
  }
  return count;
}
