import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseUnifiedDiff } from "../diff/parse.js";
import { anthropicReviewModel, modelSettingsFromEnv } from "../model/client.js";
import { SEVERITIES, type Severity } from "../model/review-tool.js";
import { loadPersonas } from "../personas/load.js";
import { PersonaId } from "../personas/schema.js";
import { analyse } from "../review/analyse.js";
import { projectFactPaths } from "../checks/project-facts.js";
import { fieldModulePaths, modelModulePaths, relatedPaths, renderedTemplatePaths } from "../review/related-files.js";
import { selectFiles } from "../review/select-files.js";
import { type Format, FORMATS, formatReport } from "./format.js";
import { commitReader, readContents, readDiff, readLocalConfig, workingTreeReader } from "./local-source.js";
import { buildReport, exitCodeFor } from "./report.js";

const USAGE = `usage: django-review review [options]

Reviews the current branch (working tree) against its base, or a patch, with the same config,
personas, Django checks, prompt and validation as the GitHub App.

  --base REF          compare with REF (default: merge base with origin/HEAD, main or master)
  --patch FILE        review a unified diff file instead (- reads standard input)
  --commit REV        review one commit against its parent, files as they are at REV
  --revert REV        review the change that undoes REV (REV against its parent, reversed; files as
                      they are at the parent): replays a bug fix backwards, to see the bug caught
  --root DIR          the project folder (default: the current folder)
  --config FILE       config file (default: DIR/.github/django-review.yml)
  --persona NAME      architect | engineer (default: chosen from the changed files)
  --format FORMAT     text | json | sarif | markdown (default: text)
  --fail-on SEVERITY  exit 1 on a finding of this severity or worse: nit | minor | major | critical | never (default: major)

Without ANTHROPIC_API_KEY only the deterministic Django checks run. Exit codes: 0 clean, 1 findings
at or above --fail-on, 2 usage or runtime error.`;

const AGENTS_DIR = fileURLToPath(new URL("../../agents", import.meta.url));

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        base: { type: "string" },
        patch: { type: "string" },
        commit: { type: "string" },
        revert: { type: "string" },
        root: { type: "string" },
        config: { type: "string" },
        persona: { type: "string" },
        format: { type: "string", default: "text" },
        "fail-on": { type: "string", default: "major" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] !== "review") {
    (values.help ? io.stdout : io.stderr)(USAGE);
    return values.help ? 0 : 2;
  }
  const format = values.format as Format;
  const failOn = values["fail-on"] as Severity | "never";
  if (!FORMATS.includes(format)) return usageError(io, `--format must be one of ${FORMATS.join(", ")}`);
  if (failOn !== "never" && !SEVERITIES.includes(failOn)) return usageError(io, `--fail-on must be one of ${SEVERITIES.join(", ")}, never`);
  const persona = values.persona === undefined ? undefined : PersonaId.safeParse(values.persona);
  if (persona && !persona.success) return usageError(io, "--persona must be architect or engineer");

  try {
    const root = values.root ?? io.cwd;
    if ([values.patch, values.commit, values.revert].filter(Boolean).length > 1) return usageError(io, "--patch, --commit and --revert cannot be combined");
    const { diff, against } = readDiff({
      root,
      ...(values.patch ? { patch: values.patch } : {}),
      ...(values.base ? { base: values.base } : {}),
      ...(values.commit ? { commit: values.commit } : {}),
      ...(values.revert ? { revert: values.revert } : {}),
    });
    const at = values.commit ?? (values.revert ? against : undefined);
    const read = at ? commitReader(root, at) : workingTreeReader(root);
    const { config, problems } = readLocalConfig(read, values.config);
    const selection = selectFiles(parseUnifiedDiff(diff), config);
    const paths = selection.reviewable.map((f) => f.path);
    const { heads, related } = readContents(read, selection.reviewable, config.checks.enabled ? [...relatedPaths(paths), ...projectFactPaths(paths)] : []);
    if (config.checks.enabled) {
      const known = new Set([...heads.keys(), ...related.keys()]);
      const read2 = [...fieldModulePaths(heads, known), ...renderedTemplatePaths(heads, known), ...modelModulePaths(new Map([...heads, ...related]), known)];
      for (const path of read2) {
        const text = read(path);
        if (text !== undefined) related.set(path, text);
      }
    }
    const settings = modelSettingsFromEnv(io.env);
    const progress = io.isTTY && format === "text" ? (i: number, n: number) => io.stderr(`\r⏳ asking the model${n > 1 ? ` (part ${i + 1} of ${n})` : ""}…`) : undefined;
    const analysis = await analyse({
      files: selection.reviewable,
      skipped: selection.skipped,
      heads,
      related,
      config,
      personas: loadPersonas(io.env.DJANGO_REVIEW_AGENTS_DIR ?? AGENTS_DIR),
      pr: { title: "Local changes", body: "", baseRef: values.base ?? "base", headRef: values.commit ?? "working tree" },
      log: { warn: (meta, message) => io.stderr(`${message} ${JSON.stringify(meta)}\n`) },
      ...(persona?.success ? { personaOverride: { persona: persona.data, source: "command" as const } } : {}),
      ...(settings ? { model: anthropicReviewModel(settings) } : {}),
      ...(io.env.DJANGO_REVIEW_MODEL ? { modelOverride: io.env.DJANGO_REVIEW_MODEL } : {}),
      ...(progress ? { onModelCall: progress } : {}),
    });
    if (progress) io.stderr("\r\x1b[K");
    if (!analysis) return 2;
    const report = buildReport(analysis, problems);
    io.stdout(`${formatReport(report, format, { color: io.isTTY })}\n`);
    return exitCodeFor(report, failOn);
  } catch (error) {
    io.stderr(`django-review: ${(error as Error).message}\n`);
    return 2;
  }
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`django-review: ${message}\n\n${USAGE}\n`);
  return 2;
}
