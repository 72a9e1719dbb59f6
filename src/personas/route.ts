import { PERSONA_IDS, type PersonaId } from "../vocabulary.js";
import picomatch from "picomatch";
import type { DiffFile } from "../diff/types.js";
import type { Persona } from "./schema.js";
import { code } from "../comments/markdown.js";

export interface PersonaChoice {
  persona: PersonaId;
  /** One line a human can read in the review summary. */
  reason: string;
  scores: Record<PersonaId, number>;
}

export type PersonaOverride = { persona: PersonaId; source: "command" | "config" };

const PATH_WEIGHT = 3;
/** A signal counts at most this many times, so one repetitive file cannot decide alone. */
const MAX_HITS_PER_SIGNAL = 3;

interface Evidence {
  score: number;
  paths: string[];
  signals: Map<string, number>;
}

/** Picks the persona for a set of changed files; an override (command, then config) wins. */
export function choosePersona(
  personas: Map<PersonaId, Persona>,
  files: DiffFile[],
  override?: PersonaOverride,
): PersonaChoice {
  const evidence = new Map(PERSONA_IDS.map((id) => [id, scorePersona(personas.get(id), files)] as const));
  const scores = Object.fromEntries(PERSONA_IDS.map((id) => [id, evidence.get(id)?.score ?? 0])) as Record<
    PersonaId,
    number
  >;
  if (override) {
    const by = override.source === "command" ? "requested with `/django-review`" : "set by `persona:` in the config";
    return { persona: override.persona, reason: `${override.persona} ${by}`, scores };
  }
  const architect = scores.architect;
  const engineer = scores.engineer;
  if (architect === 0 && engineer === 0) {
    return {
      persona: "engineer",
      reason: "engineer by default: no architect or engineer signals in the changed files",
      scores,
    };
  }
  // Ties go to the engineer: the generalist for everyday Django code.
  const persona: PersonaId = architect > engineer ? "architect" : "engineer";
  const other: PersonaId = persona === "architect" ? "engineer" : "architect";
  const mine = evidence.get(persona) as Evidence;
  return {
    persona,
    reason: `${persona} (${scores[persona]} vs ${scores[other]}): ${describeEvidence(mine)}`,
    scores,
  };
}

interface CompiledRouting {
  matchesPath: (path: string) => boolean;
  signals: Array<{ label: string; regex: RegExp }>;
}

const compiledRoutings = new WeakMap<Persona, CompiledRouting>();

/** A persona's globs and signal regexes, compiled once. */
function compiledRouting(persona: Persona): CompiledRouting {
  let compiled = compiledRoutings.get(persona);
  if (!compiled) {
    compiled = {
      matchesPath: persona.routing.paths.length > 0 ? picomatch(persona.routing.paths, { dot: true }) : () => false,
      signals: persona.routing.signals.map((signal) => ({ label: signal.label, regex: new RegExp(signal.pattern) })),
    };
    compiledRoutings.set(persona, compiled);
  }
  return compiled;
}

function scorePersona(persona: Persona | undefined, files: DiffFile[]): Evidence {
  const evidence: Evidence = { score: 0, paths: [], signals: new Map() };
  if (!persona) return evidence;
  const { matchesPath, signals } = compiledRouting(persona);
  for (const file of files) {
    if (matchesPath(file.path)) {
      evidence.score += PATH_WEIGHT;
      evidence.paths.push(file.path);
    }
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.kind !== "add") continue;
        for (const signal of signals) {
          const hits = evidence.signals.get(signal.label) ?? 0;
          if (hits < MAX_HITS_PER_SIGNAL && signal.regex.test(line.text)) evidence.signals.set(signal.label, hits + 1);
        }
      }
    }
  }
  for (const hits of evidence.signals.values()) evidence.score += hits;
  return evidence;
}

/** "2 changed files of its kind (`shop/models.py`, `shop/admin.py`); added lines with model fields and relations". */
function describeEvidence(evidence: Evidence): string {
  const parts: string[] = [];
  if (evidence.paths.length > 0) {
    const shown = evidence.paths
      .slice(0, 3)
      .map((p) => code(p))
      .join(", ");
    const more = evidence.paths.length > 3 ? ` and ${evidence.paths.length - 3} more` : "";
    parts.push(
      `${evidence.paths.length} changed file${evidence.paths.length > 1 ? "s" : ""} of its kind (${shown}${more})`,
    );
  }
  const top = [...evidence.signals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([label]) => label);
  if (top.length > 0)
    parts.push(`added lines with ${top.length > 1 ? `${top.slice(0, -1).join(", ")} and ${top.at(-1)}` : top[0]}`);
  return parts.join("; ");
}
