import type { PersonaId } from "../vocabulary.js";

export const COMMAND = "/django-review";

export type ParsedCommand = { persona?: PersonaId; unknownArgument?: string };

const PERSONA_ALIASES: Record<string, PersonaId> = {
  architect: "architect",
  "django-backend-architect": "architect",
  engineer: "engineer",
  "django-backend-engineer": "engineer",
};

/** `/django-review [architect|engineer]` at the start of a comment; null when it is not a command. */
export function parseCommand(body: string): ParsedCommand | null {
  const firstLine = body.trimStart().split(/\r?\n/, 1)[0] ?? "";
  const match = /^\/django-review(?:[ \t]+(\S+))?(?:\s|$)/i.exec(firstLine);
  if (!match) return null;
  const argument = match[1]?.toLowerCase();
  if (!argument) return {};
  const persona = PERSONA_ALIASES[argument];
  return persona ? { persona } : { unknownArgument: argument };
}

/** Permissions that may spend the installation's model budget. */
export function canTriggerReview(permission: string, roleName?: string): boolean {
  return permission === "admin" || permission === "write" || roleName === "maintain";
}
