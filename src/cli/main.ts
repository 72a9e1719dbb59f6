import { PersonaId, SEVERITIES, type Severity } from "../vocabulary.js";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseUnifiedDiff } from "../diff/parse.js";
import { parseOperatorEnv } from "../config/env.js";
import { anthropicAnswerModel, anthropicReviewModel, modelSettings } from "../model/client.js";
import { resolveModel } from "../model/models.js";
import { choosePersona } from "../personas/route.js";
import { askPrompt, MAX_ANSWER_TOKENS, MAX_QUESTION_FILE_TOKENS } from "../prompt/ask.js";
import { loadPersonas } from "../personas/load.js";
import { analyse } from "../decide/analyse.js";
import { projectFactPaths } from "../checks/project-facts.js";
import {
  definitionModulePaths,
  fieldModulePaths,
  helperModulePaths,
  indexNotice,
  modelModulePaths,
  relatedPaths,
  renderedTemplatePaths,
} from "../decide/related-files.js";
import { selectFiles } from "../decide/select-files.js";
import { type Format, FORMATS, formatReport } from "./format.js";
import { closest } from "./did-you-mean.js";
import { capturingModel, describeDryRun } from "./dry-run.js";
import { REPOSITORY_AGENTS_DIR, withRepositoryPersonas, type AgentFile } from "../personas/repository.js";
import type { ProjectFiles } from "../lookup/answer.js";
import {
  commitReader,
  indexReader,
  localProjectFiles,
  readContents,
  readDiff,
  readLocalConfig,
  workingTreeReader,
} from "./local-source.js";
import { buildReport, exitCodeFor } from "../report/report.js";

const USAGE = `usage: django-review review [options]
       django-review ask [options] "question about the change"

Reviews the current branch (working tree) against its base, or a patch, with the same config,
personas, Django checks, prompt and validation as the GitHub App.

  --base REF          compare with REF (default: merge base with origin/HEAD, main or master)
  --patch FILE        review a unified diff file instead (- reads standard input)
  --commit REV        review one commit against its parent, files as they are at REV
  --staged            review the staged changes against HEAD, files as staged (for pre-commit)
  --revert REV        review the change that undoes REV (REV against its parent, reversed; files as
                      they are at the parent): replays a bug fix backwards, to see the bug caught
  --root DIR          the project folder (default: the current folder)
  --config FILE       config file (default: DIR/.github/django-review.yml)
  --persona NAME      architect | engineer (default: chosen from the changed files)
  --format FORMAT     text | json | sarif | markdown (default: text)
  --fail-on SEVERITY  exit 1 on a finding of this severity or worse:
                      nit | minor | major | critical | never (default: major)
  --dry-run           print exactly what would be sent to the model (system prompt, tools, messages,
                      token estimate), after redaction, and send nothing

\`ask\` answers a question about the same change (a model is needed: ANTHROPIC_API_KEY).
The working tree includes untracked files (not ignored ones). Without ANTHROPIC_API_KEY only the
deterministic Django checks run. NO_COLOR turns colours off. Exit codes: 0 clean, 1 findings at or
above --fail-on, 2 usage or runtime error.`;

const COMMANDS = ["review", "ask"] as const;

const OPTIONS = {
  base: { type: "string" },
  patch: { type: "string" },
  commit: { type: "string" },
  revert: { type: "string" },
  staged: { type: "boolean" },
  root: { type: "string" },
  config: { type: "string" },
  persona: { type: "string" },
  format: { type: "string", default: "text" },
  "fail-on": { type: "string", default: "major" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const AGENTS_DIR = fileURLToPath(new URL("../../agents", import.meta.url));

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: OPTIONS,
    });
  } catch (error) {
    return usageError(io, withSuggestion((error as Error).message));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const command = positionals[0];
  const question = positionals.slice(1).join(" ").trim();
  if (command === "ask" && question === "") return usageError(io, 'ask what? django-review ask "your question"');
  if (command !== "review" && command !== "ask") {
    const guess = positionals[0] === undefined ? undefined : closest(positionals[0], COMMANDS);
    return usageError(
      io,
      positionals[0] === undefined
        ? "say what to do: django-review review"
        : `unknown command '${positionals[0]}'${guess ? `; did you mean '${guess}'?` : ""}`,
    );
  }
  const format = values.format as Format;
  const failOn = values["fail-on"] as Severity | "never";
  if (!FORMATS.includes(format)) return usageError(io, `--format must be one of ${FORMATS.join(", ")}`);
  if (failOn !== "never" && !SEVERITIES.includes(failOn))
    return usageError(io, `--fail-on must be one of ${SEVERITIES.join(", ")}, never`);
  const persona = values.persona === undefined ? undefined : PersonaId.safeParse(values.persona);
  if (persona && !persona.success) return usageError(io, "--persona must be architect or engineer");

  try {
    const root = values.root ?? io.cwd;
    if ([values.patch, values.commit, values.revert, values.staged].filter(Boolean).length > 1)
      return usageError(io, "--patch, --commit, --revert and --staged cannot be combined");
    const { diff, against, compared, untracked } = readDiff({
      root,
      ...(values.patch ? { patch: values.patch } : {}),
      ...(values.base ? { base: values.base } : {}),
      ...(values.commit ? { commit: values.commit } : {}),
      ...(values.revert ? { revert: values.revert } : {}),
      ...(values.staged ? { staged: true } : {}),
    });
    if (diff.trim() === "") {
      // Said plainly, so "nothing to review" is never mistaken for "reviewed, all clear".
      io.stdout(`django-review: no changes to review: compared ${compared}.\n`);
      return 0;
    }
    const at = values.commit ?? (values.revert ? against : undefined);
    const read = at ? commitReader(root, at) : values.staged ? indexReader(root) : workingTreeReader(root);
    const { config, problems } = readLocalConfig(read, values.config);
    const selection = selectFiles(parseUnifiedDiff(diff), config);
    const paths = selection.reviewable.map((f) => f.path);
    const { heads, related } = readContents(
      read,
      selection.reviewable,
      config.checks.enabled ? [...relatedPaths(paths), ...projectFactPaths(paths)] : [],
    );
    const env = parseOperatorEnv(io.env);
    const projectFiles = localProjectFiles(root, read, {
      ...(at ? { commit: at } : {}),
      ...(values.staged ? { staged: true } : {}),
    });
    let indexSaid: string | undefined;
    if (config.checks.enabled) {
      const known = new Set([...heads.keys(), ...related.keys()]);
      // The project's definition modules wherever they live, as the app reads them (see gather.ts).
      const index = paths.some((p) => p.endsWith(".py"))
        ? definitionModulePaths(
            (await projectFiles.list()).map((path) => ({ path })),
            paths,
            known,
          )
        : { paths: [], total: 0 };
      indexSaid = indexNotice(index);
      const read2 = [
        ...fieldModulePaths(heads, known),
        ...helperModulePaths(heads, known),
        ...renderedTemplatePaths(heads, known),
        ...modelModulePaths(new Map([...heads, ...related]), known),
        ...index.paths,
      ];
      // Over git objects, one `git cat-file --batch` for all of them.
      const batch = read.many?.([...new Set(read2)]);
      for (const path of new Set(read2)) {
        const text = batch ? batch.get(path) : read(path);
        if (text !== undefined) related.set(path, text);
      }
    }
    const personas = withRepositoryPersonas(
      loadPersonas(env.DJANGO_REVIEW_AGENTS_DIR ?? AGENTS_DIR),
      await repositoryAgentFiles(projectFiles, read),
    );
    const settings = modelSettings(env);
    if (command === "ask") {
      if (!settings) return usageError(io, "django-review ask needs a model: set ANTHROPIC_API_KEY");
      const override = persona?.success ? { persona: persona.data, source: "command" as const } : undefined;
      const choice = choosePersona(personas.registry, selection.reviewable, override, heads);
      const chosen = personas.registry.get(choice.persona);
      if (!chosen) return usageError(io, `persona ${choice.persona} is not loaded`);
      const prompt = askPrompt({
        persona: chosen,
        files: selection.reviewable,
        heads,
        pr: {
          title: "Local changes",
          body: "",
          baseRef: values.base ?? "base",
          headRef: values.commit ?? "working tree",
        },
        question,
        contextLines: config.context_lines,
        maxFileTokens: Math.min(MAX_QUESTION_FILE_TOKENS, config.max_prompt_tokens),
      });
      const model = resolveModel({ env: env.DJANGO_REVIEW_MODEL, config: config.model, persona: chosen.model });
      const answer = await anthropicAnswerModel(settings)({
        model,
        system: prompt.system,
        user: prompt.user,
        maxOutputTokens: MAX_ANSWER_TOKENS,
      });
      io.stdout(`${answer.text.trim()}\n\n(${chosen.name} · ${answer.model} · compared ${compared})\n`);
      return 0;
    }
    const dryRun = values["dry-run"] ? capturingModel() : undefined;
    const progress = io.isTTY && format === "text" && !dryRun ? modelProgress(io) : undefined;
    const analysis = await analyse({
      files: selection.reviewable,
      skipped: selection.skipped,
      heads,
      related,
      config,
      personas: personas.registry,
      pr: {
        title: "Local changes",
        body: "",
        baseRef: values.base ?? "base",
        headRef: values.commit ?? "working tree",
      },
      log: { warn: (meta, message) => io.stderr(`${message} ${JSON.stringify(meta)}\n`) },
      ...(persona?.success ? { personaOverride: { persona: persona.data, source: "command" as const } } : {}),
      ...(dryRun ? { model: dryRun.model } : settings ? { model: anthropicReviewModel(settings) } : {}),
      projectFiles,
      ...(env.DJANGO_REVIEW_MODEL ? { modelOverride: env.DJANGO_REVIEW_MODEL } : {}),
      ...(progress ? { onModelCall: progress.onCall } : {}),
    }).finally(() => progress?.stop());
    if (!analysis) return 2;
    if (dryRun) {
      io.stdout(`${describeDryRun(dryRun.requests, analysis.skipped.length)}\n`);
      return 0;
    }
    const report = buildReport(analysis, problems, { compared, heads });
    report.notices.push(
      ...personas.applied.map((a) => `Persona from the repository: ${a}.`),
      ...personas.problems,
      ...(indexSaid ? [indexSaid] : []),
    );
    if (untracked.length > 0)
      report.notices.push(
        `${untracked.length} untracked file${untracked.length > 1 ? "s" : ""} reviewed as new: ` +
          `${untracked.slice(0, 5).join(", ")}${untracked.length > 5 ? ", …" : ""}`,
      );
    io.stdout(`${formatReport(report, format, { color: io.isTTY && !io.env.NO_COLOR })}\n`);
    return exitCodeFor(report, failOn);
  } catch (error) {
    io.stderr(`django-review: ${(error as Error).message}\n`);
    return 2;
  }
}

/**
 * "⏳ asking the model (part 1 of 2)… 12s" on the terminal while the model works, the seconds
 * ticking, so a long call never looks like a hang; the line is wiped when the model is done.
 */
function modelProgress(io: CliIo): { onCall: (index: number, count: number) => void; stop: () => void } {
  const started = Date.now();
  let label = "";
  const draw = () => io.stderr(`\r\x1b[K⏳ asking the model${label}… ${Math.round((Date.now() - started) / 1000)}s`);
  let timer: NodeJS.Timeout | undefined;
  return {
    onCall: (index, count) => {
      label = count > 1 ? ` (part ${index + 1} of ${count})` : "";
      draw();
      timer ??= setInterval(draw, 1000);
    },
    stop: () => {
      if (timer === undefined) return;
      clearInterval(timer);
      io.stderr("\r\x1b[K");
    },
  };
}

/** parseArgs' "Unknown option '--bse'" with the option meant, when one is close. */
function withSuggestion(message: string): string {
  const unknown = /Unknown option '--?([^']+)'/.exec(message)?.[1];
  const guess = unknown === undefined ? undefined : closest(unknown, OPTION_NAMES);
  return guess ? `${message}; did you mean '--${guess}'?` : message;
}

const OPTION_NAMES = Object.keys(OPTIONS);

function usageError(io: CliIo, message: string): number {
  io.stderr(`django-review: ${message}\n\n${USAGE}\n`);
  return 2;
}

/** The project's own persona files (`.github/django-review/agents/*.md`), as the reviewed state has them. */
async function repositoryAgentFiles(
  files: ProjectFiles,
  read: (path: string) => string | undefined,
): Promise<AgentFile[]> {
  const prefix = `${REPOSITORY_AGENTS_DIR}/`;
  return (await files.list())
    .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes("/"))
    .flatMap((path) => {
      const text = read(path);
      return text === undefined ? [] : [{ name: path.slice(prefix.length), text }];
    });
}
