import { z } from "zod";
import { RepoConfig } from "./schema.js";

/** The JSON schema of `.github/django-review.yml` (what a user writes: defaults optional), from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RepoConfig, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, unknown>;
  };
  return {
    ...schema,
    $id: "django-review.schema.json",
    title: "django-review configuration (.github/django-review.yml)",
    // Probot's inheritance key, resolved before the schema sees the file.
    properties: {
      _extends: {
        type: "string",
        description: "Another repository's config to start from: `repo` or `owner/repo:path`",
      },
      ...schema.properties,
    },
  };
}
