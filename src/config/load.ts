import type { Context } from "probot";
import { CONFIG_PATH } from "../github/fetch-review-context.js";
import { parseConfigObject, parseConfigText } from "./from-text.js";
import { type ConfigResult, parseRepoConfig } from "./schema.js";
import { errorMessage } from "../util/error-message.js";

export const CONFIG_FILE = "django-review.yml";

/**
 * The repo config from its text as read from the default branch (a PR cannot change its own review
 * rules; see `fetchReviewContext`). A file using `_extends`, or a text that could not be read in the
 * combined query (undefined), goes through Probot's `context.config`, which resolves the chain. A
 * file that does not parse or validate yields the defaults plus the problems, which the summary shows.
 */
export async function configFromText(context: Context, text: string | null | undefined): Promise<ConfigResult> {
  if (text === null) return parseRepoConfig(undefined);
  if (text === undefined || /^_extends\s*:/m.test(text)) return loadWithProbot(context);
  return parseConfigText(text, CONFIG_PATH);
}

async function loadWithProbot(context: Context): Promise<ConfigResult> {
  let raw: unknown;
  try {
    // Arrays from an extended config are replaced, not concatenated.
    raw = await context.config(CONFIG_FILE, undefined, {
      arrayMerge: (_target: unknown[], source: unknown[]) => source,
    });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== undefined && status !== 404 && status !== 422) throw error;
    return failure(`could not be read: ${describeProbotError(error)}`);
  }
  if (raw && typeof raw === "object" && "_extends" in raw) {
    const { _extends: _ignored, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  return parseConfigObject(raw);
}

function describeProbotError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${firstLine(error.cause)})` : "";
  return `${error.message.replace(/^\[@probot\/octokit-plugin-config\] /, "")}${cause}`;
}

function firstLine(error: unknown): string {
  return errorMessage(error).split("\n")[0] ?? "";
}

function failure(problem: string): ConfigResult {
  return { ...parseRepoConfig(undefined), problems: [problem] };
}
