import type { Context, Logger } from "probot";
import { reviewJob } from "./review-job.js";
import { canTriggerReview, COMMAND, type ParsedCommand, parseCommand } from "./command.js";
import { runRequestedReview } from "./requested-review.js";
import { answerQuestion } from "./answer-question.js";
import { acknowledge, reply } from "./reply.js";
import { runLogged, type ReviewServices } from "./services.js";
import { code } from "../comments/markdown.js";
import { configFromText } from "../config/load.js";
import { parseChangedFiles } from "../diff/parse.js";
import { fetchChangedFiles } from "../github/fetch-pull-request.js";
import { fetchReviewContext, isBotAccount } from "../github/fetch-review-context.js";
import { stateMarker } from "../github/pr-state.js";
import type { PullRequestRef } from "../github/types.js";
import { choosePersona, configPersonaOverride } from "../personas/route.js";

export type CommentContext = Context<"issue_comment.created">;

/**
 * `/django-review [persona|full|ask|ignore|pause|resume|help]` on a PR: parsed at once; the permission
 * check, the 👀 reaction and the work run in the queue, so the webhook is answered without waiting.
 */
export async function queueCommand(context: CommentContext, services: ReviewServices): Promise<void> {
  const { comment, issue } = context.payload;
  if (!issue.pull_request || !parseCommand(comment.body)) return;
  const log = commandLog(context);
  if (context.isBot || isBotAccount(comment.user)) {
    return log.info(`django-review: ignored ${COMMAND} from a bot`);
  }
  // The head is not known until the PR is fetched; a command is its own request.
  await services.queue.enqueue(
    reviewJob(context, issue.number, {
      headSha: `command:${comment.id}`,
      request: `/command:${comment.id}`,
      supersedes: false,
    }),
  );
}

function commandLog(context: CommentContext): Logger {
  const { comment, issue } = context.payload;
  return context.log.child({
    installation: context.payload.installation?.id,
    ...context.repo(),
    pr: issue.number,
    commenter: comment.user?.login ?? "",
  });
}

/** The queued work of a command. */
export async function runQueuedCommand(
  context: CommentContext,
  services: ReviewServices,
  signal: AbortSignal,
): Promise<void> {
  const command = parseCommand(context.payload.comment.body);
  if (!command) return;
  const log = commandLog(context);
  await runLogged(
    log,
    () => runCommand(context, services, { command, login: context.payload.comment.user?.login ?? "", log, signal }),
    services,
  );
}

async function runCommand(
  context: CommentContext,
  services: ReviewServices,
  job: { command: ParsedCommand; login: string; log: Logger; signal: AbortSignal },
): Promise<void> {
  const { command, login, log, signal } = job;
  const { data: permission } = await context.octokit.rest.repos.getCollaboratorPermissionLevel(
    context.repo({ username: login }),
  );
  if (!canTriggerReview(permission.permission, permission.role_name)) {
    return log.info(
      { permission: permission.permission, role: permission.role_name },
      `django-review: ignored ${COMMAND}: the commenter lacks write access`,
    );
  }
  const ref = { ...context.repo(), pullNumber: context.payload.issue.number };
  const request = { ref, log, signal, what: COMMAND, accepted: () => acknowledge(context, log) };
  switch (command.kind) {
    case "review":
    case "full":
      return runRequestedReview(context, services, {
        ...request,
        notices: command.kind === "full" ? ["Full review requested: every finding is posted again."] : [],
        ...(command.kind === "full" ? { full: true } : {}),
        ...(command.kind === "review" && command.persona
          ? { personaOverride: { persona: command.persona, source: "command" as const } }
          : {}),
      });
    case "pause":
      await acknowledge(context, log);
      return reply(context, log, pausedText(), stateMarker("paused"));
    case "resume":
      await acknowledge(context, log);
      return reply(context, log, RESUMED_TEXT, stateMarker("resumed"));
    case "ignore":
      await acknowledge(context, log);
      if (!command.rule) return reply(context, log, IGNORE_HOW);
      return reply(context, log, ignoredText(command.rule), stateMarker(`ignore-rule:${command.rule}`));
    case "ask":
      return answerQuestion(context, services, { ...request, question: command.question });
    case "help":
      await acknowledge(context, log);
      return reply(context, log, await helpText(context, services, ref, command.unknown));
  }
}

function pausedText(): string {
  return (
    "⏸️ **django-review is paused on this pull request**: pushes are not reviewed until " +
    "`/django-review resume`. `/django-review` still reviews on request."
  );
}

const RESUMED_TEXT = "▶️ **django-review resumed**: the next push is reviewed.";

const IGNORE_HOW =
  "To switch a rule off on this pull request, name it: `/django-review ignore DJ101`. (Ignoring one " +
  "finding from its own thread is not supported yet.)";

function ignoredText(rule: string): string {
  return (
    `🔕 ${code(rule)} is off for this pull request: later reviews do not raise it. To switch it off for the ` +
    "whole repository, add it to `checks.disable` in `.github/django-review.yml`."
  );
}

/** The commands, the effective config and state on this PR, and the persona its changes point to now. */
async function helpText(
  context: CommentContext,
  services: ReviewServices,
  ref: PullRequestRef,
  unknown: string | undefined,
): Promise<string> {
  const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
  const { config, problems } = await configFromText(context, reviewContext.configText);
  const state = reviewContext.pr?.requests ?? { paused: false, ignoredRules: [] };
  const files = parseChangedFiles(await fetchChangedFiles(context.octokit, ref));
  const personas = services.depsFor(context.octokit, context.log).personas;
  const choice = choosePersona(personas, files, configPersonaOverride(config));
  const disabled = [...config.checks.disable, ...state.ignoredRules];
  const invalid = problems.length > 0 ? ", invalid: defaults used" : "";
  return [
    ...(unknown ? [`${code(unknown)} is not a django-review command.`, ""] : []),
    "**django-review commands** (people with write access):",
    "",
    "- `/django-review` — review this pull request now (`architect` or `engineer` picks the persona)",
    "- `/django-review full` — review everything again, every finding posted anew",
    "- `/django-review ask <question>` — an answer about this pull request, as a comment",
    "- `/django-review ignore DJ101` — that rule is off for this pull request",
    "- `/django-review pause` / `resume` — no automatic reviews on this pull request until resumed",
    "- `/django-review help` — this text",
    "",
    `**On this pull request:** ${state.paused ? "paused" : "reviews on every push"}; persona now: ${choice.reason}.`,
    "",
    `**Config** (\`.github/django-review.yml\` on the default branch${invalid}): ` +
      `persona \`${config.persona}\`, model ${config.model ? code(config.model) : "the persona's"}, ` +
      `max_comments ${config.max_comments}, max_lookups ${config.max_lookups}, ` +
      `checks ${config.checks.enabled ? "on" : "off"}` +
      `${disabled.length > 0 ? ` (off: ${disabled.map((r) => code(r)).join(", ")})` : ""}.`,
  ].join("\n");
}
