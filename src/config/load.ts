import type { Context } from "probot";
import { type ConfigResult, parseRepoConfig } from "./schema.js";

export const CONFIG_FILE = "django-review.yml";

/**
 * Reads `.github/django-review.yml` through Probot (default branch only, so a PR cannot change its
 * own review rules; org `.github` fallback; `_extends`). A file that does not parse or validate
 * yields the defaults plus the problems, which the review summary shows.
 */
export async function loadRepoConfig(context: Context): Promise<ConfigResult> {
  let raw: unknown;
  try {
    // Arrays from an extended config are replaced, not concatenated.
    raw = await context.config(CONFIG_FILE, undefined, { arrayMerge: (_target: unknown[], source: unknown[]) => source });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== undefined && status !== 404 && status !== 422) throw error;
    return parseRepoConfigFailure(`could not be read: ${describeConfigError(error)}`);
  }
  if (raw && typeof raw === "object" && "_extends" in raw) {
    const { _extends: _ignored, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  return parseRepoConfig(raw);
}

function describeConfigError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message.split("\n")[0]})` : "";
  return `${error.message.replace(/^\[@probot\/octokit-plugin-config\] /, "")}${cause}`;
}

function parseRepoConfigFailure(problem: string): ConfigResult {
  return { ...parseRepoConfig(undefined), problems: [problem] };
}
