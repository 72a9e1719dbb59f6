import type { Context } from "probot";
import YAML from "yaml";
import { type ConfigResult, parseRepoConfig } from "./schema.js";

export const CONFIG_FILE = "django-review.yml";
const CONFIG_PATH = `.github/${CONFIG_FILE}`;

const CONFIG_QUERY = `query($owner: String!, $name: String!, $expression: String!) {
  repo: repository(owner: $owner, name: $name) { object(expression: $expression) { ... on Blob { text } } }
  org: repository(owner: $owner, name: ".github") { object(expression: $expression) { ... on Blob { text } } }
}`;

interface ConfigQueryData {
  repo?: { object: { text?: string | null } | null } | null;
  org?: { object: { text?: string | null } | null } | null;
}

/**
 * Reads `.github/django-review.yml` from the default branch (so a PR cannot change its own review
 * rules), falling back to the org's `.github` repository: both in one GraphQL request. A file that
 * uses `_extends`, or a GraphQL failure, goes through Probot's `context.config` instead, which
 * resolves the chain. A file that does not parse or validate yields the defaults plus the problems,
 * which the review summary shows.
 */
export async function loadRepoConfig(context: Context): Promise<ConfigResult> {
  const text = await readConfigText(context);
  if (text === null) return parseRepoConfig(undefined);
  if (text === undefined || /^_extends\s*:/m.test(text)) return loadWithProbot(context);
  let raw: unknown;
  try {
    raw = YAML.parse(text, { logLevel: "error" });
  } catch (error) {
    return failure(`could not be read: ${CONFIG_PATH} is not valid YAML (${firstLine(error)})`);
  }
  return parseRepoConfig(raw ?? undefined);
}

/** The config text (repo first, then org), null when neither has one, undefined when GraphQL failed. */
async function readConfigText(context: Context): Promise<string | null | undefined> {
  const { owner, repo } = context.repo();
  let data: ConfigQueryData | undefined;
  try {
    data = await context.octokit.graphql<ConfigQueryData>(CONFIG_QUERY, { owner, name: repo, expression: `HEAD:${CONFIG_PATH}` });
  } catch (error) {
    // A missing org `.github` repository is reported as an error next to otherwise good data.
    data = (error as { data?: ConfigQueryData }).data;
    if (!data?.repo) return undefined;
  }
  return data.repo?.object?.text ?? data.org?.object?.text ?? null;
}

async function loadWithProbot(context: Context): Promise<ConfigResult> {
  let raw: unknown;
  try {
    // Arrays from an extended config are replaced, not concatenated.
    raw = await context.config(CONFIG_FILE, undefined, { arrayMerge: (_target: unknown[], source: unknown[]) => source });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== undefined && status !== 404 && status !== 422) throw error;
    return failure(`could not be read: ${describeProbotError(error)}`);
  }
  if (raw && typeof raw === "object" && "_extends" in raw) {
    const { _extends: _ignored, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  return parseRepoConfig(raw);
}

function describeProbotError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${firstLine(error.cause)})` : "";
  return `${error.message.replace(/^\[@probot\/octokit-plugin-config\] /, "")}${cause}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

function failure(problem: string): ConfigResult {
  return { ...parseRepoConfig(undefined), problems: [problem] };
}
