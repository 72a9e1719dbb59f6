import { errorMessage } from "../util/error-message.js";
import type { PersonaRegistry } from "./load.js";
import { parsePersonaFile } from "./load.js";
import type { Persona } from "./schema.js";

/** Where a repository keeps its own persona files, on its default branch. */
export const REPOSITORY_AGENTS_DIR = ".github/django-review/agents";

export interface AgentFile {
  name: string;
  text: string;
}

const MAX_FILES = 10;
const MAX_FILE_CHARS = 50_000;

/**
 * The built-in personas with the repository's own files applied: each `*.md` in
 * `.github/django-review/agents/` (same front matter as `agents/`) extends or replaces the persona it
 * names. A bad file is skipped with a problem naming it, and the built-in persona is used. Routing
 * signals from a repository are not used: they are regular expressions that would run on every PR's
 * lines; its `routing.paths` are.
 */
export function withRepositoryPersonas(
  builtIn: PersonaRegistry,
  files: AgentFile[],
): { registry: PersonaRegistry; problems: string[]; applied: string[] } {
  const registry: PersonaRegistry = new Map(builtIn);
  const problems: string[] = [];
  const applied: string[] = [];
  const seen = new Set<string>();
  const markdown = files.filter((f) => f.name.endsWith(".md")).sort((a, b) => a.name.localeCompare(b.name));
  for (const [index, file] of markdown.entries()) {
    const where = `\`${REPOSITORY_AGENTS_DIR}/${file.name}\``;
    if (index >= MAX_FILES) {
      problems.push(`${where} was not read: at most ${MAX_FILES} persona files are used.`);
      continue;
    }
    if (file.text.length > MAX_FILE_CHARS) {
      problems.push(
        `${where} is over ${MAX_FILE_CHARS.toLocaleString("en-US")} characters; the built-in persona was used.`,
      );
      continue;
    }
    let persona: Persona;
    try {
      persona = parsePersonaFile(`${REPOSITORY_AGENTS_DIR}/${file.name}`, file.text);
    } catch (error) {
      problems.push(`${errorMessage(error).replace(/^django-review: /, "")}; the built-in persona was used.`);
      continue;
    }
    if (seen.has(persona.persona)) {
      problems.push(`${where} names \`persona: ${persona.persona}\` again; only the first file for it is used.`);
      continue;
    }
    seen.add(persona.persona);
    if (persona.routing.signals.length > 0)
      problems.push(
        `${where}: \`routing.signals\` are not used from a repository (regular expressions would run on every ` +
          "pull request's lines); `routing.paths` are.",
      );
    const base = builtIn.get(persona.persona);
    if (!base) continue;
    registry.set(persona.persona, merge(base, persona));
    applied.push(`${persona.persona} (${persona.mode === "replace" ? "replaced" : "extended"} by ${where})`);
  }
  return { registry, problems, applied };
}

function merge(base: Persona, own: Persona): Persona {
  // A replacing file without paths keeps the built-in's; an extending one adds its own to them.
  const paths =
    own.mode === "extend" || own.routing.paths.length === 0
      ? [...own.routing.paths, ...base.routing.paths]
      : own.routing.paths;
  const routing = { paths, signals: base.routing.signals };
  if (own.mode === "replace") return { ...own, model: own.model === "inherit" ? base.model : own.model, routing };
  return {
    ...base,
    routing,
    model: own.model === "inherit" ? base.model : own.model,
    prompt: `${base.prompt}\n\n# This repository's additions (${own.name})\n\n${own.prompt}`,
  };
}
