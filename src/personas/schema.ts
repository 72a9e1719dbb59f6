import { z } from "zod";
import { PersonaId } from "../vocabulary.js";

const Pattern = z.string().refine(isValidRegExp, { message: "is not a valid regular expression" });

/** A routing signal: `{ label, pattern }`, or a bare pattern. */
const Signal = z
  .union([Pattern, z.object({ label: z.string().min(1).max(60), pattern: Pattern }).strict()])
  .transform((signal) => (typeof signal === "string" ? { label: readablePattern(signal), pattern: signal } : signal));

/** `\basync\s+def\b` -> `async def`: enough to tell a human what matched when no label is given. */
function readablePattern(source: string): string {
  return source
    .replace(/\\b/g, "")
    .replace(/\\s[+*]?/g, " ")
    .replace(/\\(.)/g, "$1");
}

/** Front matter of an `agents/*.md` persona file. */
export const PersonaFrontMatter = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  /** `sonnet` | `opus` | `haiku` | `inherit`, or a full model id. */
  model: z.string().min(1).default("inherit"),
  color: z.string().optional(),
  /** The short id used by `/django-review <persona>` and the `persona:` config key. */
  persona: PersonaId,
  /**
   * Repository files only (`.github/django-review/agents/`): `extend` (default) adds this body to the
   * built-in persona's; `replace` puts it in the built-in's place.
   */
  mode: z.enum(["extend", "replace"]).default("extend"),
  routing: z
    .object({
      /** Globs of changed paths that point to this persona. */
      paths: z.array(z.string().min(1)).default([]),
      /**
       * Regular expressions matched against added lines, each with the words the review uses for it
       * ("async views"); a bare pattern is shown as a readable form of itself.
       */
      signals: z.array(Signal).default([]),
    })
    .strict()
    .default({ paths: [], signals: [] }),
});
export type PersonaFrontMatter = z.infer<typeof PersonaFrontMatter>;

export interface Persona extends PersonaFrontMatter {
  /** The Markdown body: the persona's instructions. */
  prompt: string;
  file: string;
}

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
