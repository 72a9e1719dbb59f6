import type { PersonaId } from "../vocabulary.js";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import matter from "gray-matter";
import YAML from "yaml";
import { type Persona, PersonaFrontMatter } from "./schema.js";

export class PersonaFileError extends Error {
  constructor(file: string, detail: string) {
    super(`django-review: persona file ${file} is invalid: ${detail}`);
    this.name = "PersonaFileError";
  }
}

export type PersonaRegistry = Map<PersonaId, Persona>;

/** Loads and validates every `*.md` in `dir`; any bad file is an error naming the file and key. */
export function loadPersonas(dir: string): PersonaRegistry {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort();
  const registry: PersonaRegistry = new Map();
  for (const file of files) {
    const persona = parsePersonaFile(basename(file), readFileSync(join(dir, file), "utf8"));
    const existing = registry.get(persona.persona);
    if (existing) {
      throw new PersonaFileError(file, `\`persona: ${persona.persona}\` is already defined by ${existing.file}`);
    }
    registry.set(persona.persona, persona);
  }
  for (const id of ["architect", "engineer"] as const) {
    if (!registry.has(id)) throw new Error(`django-review: no persona file in ${dir} declares \`persona: ${id}\``);
  }
  return registry;
}

export function parsePersonaFile(file: string, source: string): Persona {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // An options object disables gray-matter's content cache, which shares `data` between calls.
    parsed = matter(source, { engines: { yaml: { parse: parseFrontMatterYaml, stringify: YAML.stringify } } });
  } catch (error) {
    throw new PersonaFileError(file, `front matter is not YAML (${(error as Error).message})`);
  }
  const result = PersonaFrontMatter.safeParse(parsed.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join(".") || "(front matter)";
    throw new PersonaFileError(file, `key \`${key}\`: ${issue?.message ?? "invalid"}`);
  }
  const prompt = parsed.content.trim();
  if (prompt === "") throw new PersonaFileError(file, "the body (the persona's instructions) is empty");
  return { ...result.data, description: result.data.description.replace(/\\n/g, "\n"), prompt, file };
}

/**
 * Claude Code agent files often carry an unquoted `description:` full of `: ` (`Context: ...`),
 * which is not valid YAML. When strict parsing fails, quote that one line and try again.
 */
export function parseFrontMatterYaml(source: string): Record<string, unknown> {
  try {
    return asObject(YAML.parse(source));
  } catch (strictError) {
    const repaired = source.replace(/^(description):[ \t]*(?!["'|>])(.+)$/m, (_m, key: string, value: string) => {
      return `${key}: ${JSON.stringify(value.trim())}`;
    });
    if (repaired === source) throw strictError;
    return asObject(YAML.parse(repaired));
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new Error("front matter must be a mapping of keys");
  return value as Record<string, unknown>;
}
