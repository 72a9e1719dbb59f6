import picomatch from "picomatch";
import type { RepoConfig } from "../config/schema.js";
import { pathMatcher, SECRET_PATH_PATTERNS } from "../diff/path-filter.js";
import { escapeAttribute, escapeData } from "../prompt/build.js";
import { estimateTokens } from "../prompt/estimate.js";
import { numberedLine } from "../prompt/numbered-line.js";
import { redactSecrets } from "../prompt/redact.js";
import { errorMessage } from "../util/error-message.js";
import { definitionCandidates, findDefinitions } from "./definitions.js";
import { LookupInput, type LookupCall, type LookupRecord, type LookupToolName } from "./tools.js";

/** A file as the repository holds it at the reviewed head, or why it cannot be given. */
export type FileText = { ok: true; text: string } | { ok: false; reason: string };

/** The repository at the PR's head: GitHub for the app and the Action, the working tree for the CLI. */
export interface ProjectFiles {
  /** Every file path (one listing, made once). */
  list(): Promise<string[]>;
  /** These files' texts, read together; absent, binary or oversized files map to a reason. */
  read(paths: string[]): Promise<Map<string, FileText>>;
}

export interface LookupLimits {
  /** Lookups the model may make in one review. */
  maxLookups: number;
  /** Prompt tokens all lookup answers of a review may add. */
  maxTokens: number;
}

/** Longest answer to one lookup, so one file cannot eat the review's budget. */
const MAX_ANSWER_TOKENS = 4_000;
const DEFAULT_READ_LINES = 300;
const MAX_LISTED = 200;
/** What find_definition searches at most: the project-wide index of one review. */
export const MAX_INDEX_FILES = 800;
export const MAX_INDEX_BYTES = 8_000_000;

/**
 * The model's lookups during one review: each answered from the head commit, secrets files and
 * `exclude_paths` refused, answers redacted like the prompt and delimited as data, all within
 * `max_lookups` and a token budget. Keeps the record the summary shows.
 */
export class Lookups {
  readonly records: LookupRecord[] = [];
  private tokens = 0;
  private index?: Promise<{ files: Map<string, string>; searched: number; candidates: number }>;
  private readonly isSecret;
  private readonly isExcluded;

  constructor(
    private readonly files: ProjectFiles,
    config: Pick<RepoConfig, "secret_paths" | "exclude_paths">,
    private readonly limits: LookupLimits,
  ) {
    this.isSecret = pathMatcher([...SECRET_PATH_PATTERNS, ...config.secret_paths]);
    this.isExcluded = pathMatcher(config.exclude_paths);
  }

  /** True once the model may look nothing more up: it is then asked to submit. */
  get spent(): boolean {
    return this.records.length >= this.limits.maxLookups || this.tokens >= this.limits.maxTokens;
  }

  /** Tokens the answers added to the conversation. */
  get answerTokens(): number {
    return this.tokens;
  }

  async answer(call: LookupCall): Promise<string> {
    const name = call.name as LookupToolName;
    const target = describeTarget(call.input);
    if (this.spent) return this.record(name, target, "budget spent", BUDGET_SPENT);
    const schema = LookupInput[name];
    const parsed = schema?.safeParse(call.input);
    if (!schema || !parsed?.success)
      return this.record(name, target, "invalid", `Not a valid call of ${name}: check the tool's input schema.`);
    try {
      if (name === "read_file") return await this.readFile(LookupInput.read_file.parse(call.input));
      if (name === "find_definition") return await this.findDefinition(LookupInput.find_definition.parse(call.input));
      return await this.listFiles(LookupInput.list_files.parse(call.input));
    } catch (error) {
      // A read that failed is the model's loss only: it is told, and the review goes on.
      const why = errorMessage(error).split("\n")[0]?.slice(0, 200);
      return this.record(name, target, "not found", `The repository could not be read just now (${why}).`);
    }
  }

  private async readFile(input: { path: string; start_line?: number | undefined; end_line?: number | undefined }) {
    const path = normalise(input.path);
    const refusal = path === undefined ? "not a path inside the repository" : this.refusal(path);
    if (refusal || path === undefined) return this.record("read_file", input.path, "refused", refusal);
    const text = (await this.files.read([path])).get(path);
    if (!text?.ok) {
      const why = text?.reason ?? "no such file at the pull request's head";
      return this.record("read_file", path, "not found", `${path} is not available: ${why}.`);
    }
    const lines = redactSecrets(text.text, { unquoted: !/\.pyi?$/.test(path) })
      .text.replace(/\r?\n$/, "")
      .split(/\r?\n/);
    const start = Math.min(input.start_line ?? 1, Math.max(1, lines.length));
    const end = Math.min(input.end_line ?? start + DEFAULT_READ_LINES - 1, lines.length);
    const shown: string[] = [];
    let size = 0;
    for (let n = start; n <= end; n++) {
      const line = numberedLine(n, lines[n - 1] ?? "");
      size += estimateTokens(line) + 1;
      if (size > MAX_ANSWER_TOKENS && shown.length > 0) break;
      shown.push(line);
    }
    const last = start + shown.length - 1;
    const more = last < lines.length ? ` (more: read_file with start_line=${last + 1})` : "";
    const body = shown.join("\n");
    return this.record(
      "read_file",
      path,
      "answered",
      `<lookup_result tool="read_file" path="${escapeAttribute(path)}" lines="${start}-${last} of ${lines.length}"` +
        `${more ? ` note="${escapeAttribute(more.trim())}"` : ""}>\n${escapeData(body)}\n</lookup_result>`,
    );
  }

  private async findDefinition(input: { name: string }) {
    const index = await this.definitionIndex();
    const found = findDefinitions(input.name, index.files);
    const partial =
      index.searched < index.candidates
        ? ` (searched ${index.searched} of ${index.candidates} Python files: the index's bound was reached)`
        : "";
    if (found.length === 0)
      return this.record("find_definition", input.name, "not found", `No definition of ${input.name} found${partial}.`);
    const blocks = found.map((d) => {
      const source = redactSecrets(d.source, { unquoted: false }).text;
      return `# ${d.path} lines ${d.startLine}-${d.endLine} (${d.kind})\n${source}`;
    });
    const note = partial ? ` note="${escapeAttribute(partial.trim())}"` : "";
    return this.record(
      "find_definition",
      input.name,
      "answered",
      `<lookup_result tool="find_definition" name="${escapeAttribute(input.name)}"${note}>\n` +
        `${escapeData(capTokens(blocks.join("\n\n")))}\n</lookup_result>`,
    );
  }

  private async listFiles(input: { glob: string }) {
    let matches: (path: string) => boolean;
    try {
      matches = picomatch(input.glob, { dot: true, noextglob: true });
    } catch {
      return this.record("list_files", input.glob, "invalid", `${input.glob} is not a valid glob.`);
    }
    const all = (await this.files.list()).filter((p) => !this.refusal(p) && matches(p));
    const shown = all.slice(0, MAX_LISTED);
    const more = all.length > shown.length ? `\n… and ${all.length - shown.length} more` : "";
    return this.record(
      "list_files",
      input.glob,
      all.length > 0 ? "answered" : "not found",
      `<lookup_result tool="list_files" glob="${escapeAttribute(input.glob)}" count="${all.length}">\n` +
        `${escapeData(shown.join("\n") + more)}\n</lookup_result>`,
    );
  }

  /** The project's Python files, read once per review within MAX_INDEX_FILES and MAX_INDEX_BYTES. */
  private definitionIndex() {
    this.index ??= (async () => {
      const candidates = definitionCandidates((await this.files.list()).filter((p) => !this.refusal(p)));
      const chosen = candidates.slice(0, MAX_INDEX_FILES);
      const files = new Map<string, string>();
      let bytes = 0;
      let searched = 0;
      for (const [path, text] of await this.files.read(chosen)) {
        if (!text.ok) continue;
        if (bytes + text.text.length > MAX_INDEX_BYTES) break;
        bytes += text.text.length;
        files.set(path, text.text);
        searched++;
      }
      return { files, searched, candidates: candidates.length };
    })();
    return this.index;
  }

  private refusal(path: string): string | undefined {
    if (this.isSecret(path)) return `${path} looks like a secrets file: its content is never sent to the model`;
    if (this.isExcluded(path)) return `${path} is excluded by the repository's \`exclude_paths\``;
    return undefined;
  }

  private record(tool: string, target: string, outcome: LookupRecord["outcome"], text = ""): string {
    this.records.push({ tool, target, outcome });
    const answer =
      outcome === "answered"
        ? text
        : `<lookup_result tool="${tool}" outcome="${outcome}">${escapeData(text)}</lookup_result>`;
    this.tokens += estimateTokens(answer);
    return answer;
  }
}

const BUDGET_SPENT = "The lookup budget of this review is spent: call submit_review now with what you have.";

function describeTarget(input: unknown): string {
  if (input === null || typeof input !== "object") return "";
  const value =
    (input as Record<string, unknown>).path ??
    (input as Record<string, unknown>).name ??
    (input as Record<string, unknown>).glob;
  return typeof value === "string" ? value.slice(0, 200) : "";
}

/** A repository path from the model's words: no absolute paths, no `..`, no leading `./`. */
function normalise(path: string): string | undefined {
  const clean = path.trim().replace(/^\.\//, "").replace(/^\/+/, "");
  if (clean === "" || clean.split("/").some((part) => part === ".." || part === "")) return undefined;
  return clean;
}

function capTokens(text: string): string {
  const max = MAX_ANSWER_TOKENS * 3.5;
  return text.length <= max ? text : `${text.slice(0, max)}\n… (cut at the answer's size limit)`;
}
