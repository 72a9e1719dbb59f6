import { z } from "zod";

export const PERSONA_IDS = ["architect", "engineer"] as const;
export const PersonaId = z.enum(PERSONA_IDS);
export type PersonaId = z.infer<typeof PersonaId>;

/** Front matter of an `agents/*.md` persona file. */
export const PersonaFrontMatter = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  /** `sonnet` | `opus` | `haiku` | `inherit`, or a full model id. */
  model: z.string().min(1).default("inherit"),
  color: z.string().optional(),
  /** The short id used by `/django-review <persona>` and the `persona:` config key. */
  persona: PersonaId,
  routing: z
    .object({
      /** Globs of changed paths that point to this persona. */
      paths: z.array(z.string().min(1)).default([]),
      /** Regular expressions matched against added lines. */
      signals: z
        .array(
          z.string().refine(isValidRegExp, { message: "is not a valid regular expression" }),
        )
        .default([]),
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
