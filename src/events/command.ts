import type { PersonaId } from "../vocabulary.js";
import { MAX_QUESTION_CHARS } from "../prompt/ask.js";

export const COMMAND = "/django-review";

/** What a `/django-review …` comment asks for. */
export type ParsedCommand =
  | { kind: "review"; persona?: PersonaId }
  | { kind: "full" }
  | { kind: "ask"; question: string }
  | { kind: "ignore"; rule?: string; reason?: string }
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "help"; unknown?: string };

const PERSONA_ALIASES: Record<string, PersonaId> = {
  architect: "architect",
  "django-backend-architect": "architect",
  engineer: "engineer",
  "django-backend-engineer": "engineer",
};

const RULE_ID = /^DJ\d{3}$/i;

/**
 * `/django-review [architect|engineer|full|ask …|ignore …|pause|resume|help]` at the start of a
 * comment; null when it is not a command. Anything else after `/django-review` is a request for help.
 */
export function parseCommand(body: string): ParsedCommand | null {
  const text = body.trimStart();
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const match = /^\/django-review(?:[ \t]+(\S+))?(?:\s|$)/i.exec(firstLine);
  if (!match) return null;
  const word = match[1]?.toLowerCase();
  if (!word) return { kind: "review" };
  const persona = PERSONA_ALIASES[word];
  if (persona) return { kind: "review", persona };
  // Everything after the word, the following lines included (a question may run over several).
  const rest = text.slice(text.indexOf(match[1] as string) + (match[1] as string).length).trim();
  switch (word) {
    case "full":
    case "pause":
    case "resume":
    case "help":
      return { kind: word };
    case "ask":
      return rest ? { kind: "ask", question: rest.slice(0, MAX_QUESTION_CHARS) } : { kind: "help", unknown: "ask" };
    case "ignore": {
      const [first, ...others] = rest.split(/\s+/);
      if (first && RULE_ID.test(first))
        return { kind: "ignore", rule: first.toUpperCase(), ...(others.length ? { reason: others.join(" ") } : {}) };
      return { kind: "ignore", ...(rest ? { reason: rest.slice(0, 500) } : {}) };
    }
    default:
      return { kind: "help", unknown: (match[1] as string).slice(0, 40) };
  }
}

/** Permissions that may spend the installation's model budget. */
export function canTriggerReview(permission: string, roleName?: string): boolean {
  return permission === "admin" || permission === "write" || roleName === "maintain";
}
