import { PERSONA_IDS, type PersonaId } from "../vocabulary.js";
import picomatch from "picomatch";
import type { DiffFile } from "../diff/types.js";
import type { Persona } from "./schema.js";
import { code } from "../comments/markdown.js";
import { type ChangedKind, changedKinds } from "./code-kinds.js";

export interface PersonaChoice {
  persona: PersonaId;
  /** One line a human can read in the review summary. */
  reason: string;
  scores: Record<PersonaId, number>;
}

export type PersonaOverride = { persona: PersonaId; source: "command" | "config" };

/** The config's `persona:` as an override; `auto` leaves the choice to routing. */
export function configPersonaOverride(config: { persona: "auto" | PersonaId }): PersonaOverride | undefined {
  return config.persona === "auto" ? undefined : { persona: config.persona, source: "config" };
}

const PATH_WEIGHT = 3;
/** A signal counts at most this many times, so one repetitive file cannot decide alone. */
const MAX_HITS_PER_SIGNAL = 3;

/** What one changed definition of a recognised kind adds, plus up to 5 for the lines changed in it. */
const KIND_WEIGHT = 4;
const MAX_KIND_LINES_BONUS = 5;
/** The losing persona within this share of the winner's score: the summary says it was close. */
const CLOSE_SHARE = 0.75;

interface Evidence {
  score: number;
  kinds: ChangedKind[];
  paths: string[];
  signals: Map<string, number>;
}

/**
 * Picks the persona for a set of changed files; an override (command, then config) wins. The score
 * comes first from what the changed code is (`code-kinds.ts`: a changed DRF viewset, a model, a
 * migration), weighted by how much of it changed; a persona's path globs count only for files whose
 * code is of no recognised kind, and its signals over added lines add a little.
 */
export function choosePersona(
  personas: Map<PersonaId, Persona>,
  files: DiffFile[],
  override?: PersonaOverride,
  heads: Map<string, string> = new Map(),
): PersonaChoice {
  const kinds = changedKinds(files, heads);
  const recognised = new Set(kinds.map((k) => k.path));
  const evidence = new Map(
    PERSONA_IDS.map((id) => [id, scorePersona(id, personas.get(id), files, kinds, recognised)] as const),
  );
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
  const close =
    scores[other] > 0 && scores[other] >= scores[persona] * CLOSE_SHARE
      ? ` — a close call: \`/django-review ${other}\` asks for the ${other}'s view`
      : "";
  return {
    persona,
    reason: `${persona} (${scores[persona]} vs ${scores[other]}): ${describeEvidence(mine)}${close}`,
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

function scorePersona(
  id: PersonaId,
  persona: Persona | undefined,
  files: DiffFile[],
  kinds: ChangedKind[],
  recognised: Set<string>,
): Evidence {
  const evidence: Evidence = { score: 0, kinds: [], paths: [], signals: new Map() };
  if (!persona) return evidence;
  for (const changed of kinds) {
    if (changed.kind.persona !== id) continue;
    evidence.kinds.push(changed);
    evidence.score +=
      KIND_WEIGHT * changed.count + Math.min(MAX_KIND_LINES_BONUS, Math.floor(changed.changedLines / 4));
  }
  const { matchesPath, signals } = compiledRouting(persona);
  for (const file of files) {
    if (!recognised.has(file.path) && matchesPath(file.path)) {
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

/**
 * "3 DRF viewsets changed in `dcim/api/views.py`; 2 changed files of its kind (`shop/urls.py`); added
 * lines with async views": plain words, the strongest evidence first.
 */
function describeEvidence(evidence: Evidence): string {
  const parts: string[] = describeKinds(evidence.kinds);
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

/** "3 DRF viewsets changed in `a/views.py` and `b/views.py`", one phrase per kind, the biggest first. */
function describeKinds(kinds: ChangedKind[]): string[] {
  const byKind = new Map<string, { kind: ChangedKind["kind"]; count: number; paths: string[] }>();
  for (const k of kinds) {
    const entry = byKind.get(k.kind.one) ?? { kind: k.kind, count: 0, paths: [] };
    entry.count += k.count;
    entry.paths.push(k.path);
    byKind.set(k.kind.one, entry);
  }
  return [...byKind.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
    .map(({ kind, count, paths }) => {
      const what =
        count === 1 ? `${/^([aeiou]|htmx|ASGI)/i.test(kind.one) ? "an" : "a"} ${kind.one}` : `${count} ${kind.many}`;
      const shown = paths.slice(0, 2).map((p) => code(p));
      const more = paths.length > 2 ? ` and ${paths.length - 2} more files` : "";
      return `${what} changed in ${shown.join(" and ")}${more}`;
    });
}
