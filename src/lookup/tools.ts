import { z } from "zod";

/**
 * The tools the model may call before `submit_review` to read the repository at the PR's head, as a
 * reviewer opens files beside the diff. Their inputs are validated like any model output.
 */
export const LOOKUP_TOOLS = [
  {
    name: "read_file",
    description:
      "Read a file of the repository at the pull request's head, with line numbers. Use it to verify how code the " +
      "diff calls or relies on behaves. Long files come in parts: ask for start_line/end_line.",
    input_schema: {
      type: "object" as const,
      properties: {
        path: { type: "string", description: "Path from the repository root, e.g. shop/models.py" },
        start_line: { type: "integer", description: "First line to read (1-based); default 1" },
        end_line: { type: "integer", description: "Last line to read; default start_line + 299" },
      },
      required: ["path"],
    },
  },
  {
    name: "find_definition",
    description:
      "Find where a class, function, model, serializer, form, admin, viewset, task or URL name is defined " +
      "anywhere in the repository; returns each definition's code with its path and line numbers.",
    input_schema: {
      type: "object" as const,
      properties: { name: { type: "string", description: "The bare name, e.g. OrderSerializer or order-detail" } },
      required: ["name"],
    },
  },
  {
    name: "list_files",
    description: "List the repository's files whose paths match a glob, e.g. **/serializers*/**.py or shop/**",
    input_schema: {
      type: "object" as const,
      properties: { glob: { type: "string", description: "A glob over paths from the repository root" } },
      required: ["glob"],
    },
  },
];

export type LookupToolName = "read_file" | "find_definition" | "list_files";

export const LOOKUP_TOOL_NAMES: readonly string[] = LOOKUP_TOOLS.map((tool) => tool.name);

const Path = z.string().min(1).max(500);
const Line = z.number().int().positive().max(10_000_000);

/** The inputs of each tool, validated before anything is read. */
export const LookupInput = {
  read_file: z.object({ path: Path, start_line: Line.optional(), end_line: Line.optional() }),
  find_definition: z.object({ name: z.string().min(1).max(200) }),
  list_files: z.object({ glob: z.string().min(1).max(300) }),
} satisfies Record<LookupToolName, z.ZodType>;

/** A call of a lookup tool, as the model made it (its input not yet validated). */
export interface LookupCall {
  id: string;
  name: string;
  input: unknown;
}

/** One round of lookups: the model's calls and what each was answered. */
export interface LookupTurn {
  calls: LookupCall[];
  results: Array<{ id: string; text: string }>;
}

/** What the model looked at, for the summary. */
export interface LookupRecord {
  tool: string;
  /** The path, name or glob asked for (as the model wrote it; rendered as code, never as Markdown). */
  target: string;
  outcome: "answered" | "not found" | "refused" | "budget spent" | "invalid";
}
