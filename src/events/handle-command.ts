import type { Context, Logger } from "probot";
import { reviewJob } from "./review-job.js";
import { canTriggerReview, COMMAND, type ParsedCommand, parseCommand } from "./command.js";
import { runRequestedReview } from "./requested-review.js";
import { runLogged, type ReviewServices } from "./services.js";
import { code } from "../comments/markdown.js";

export type CommentContext = Context<"issue_comment.created">;

/**
 * `/django-review [persona]` on a PR: parsed at once; the permission check, the 👀 reaction and the
 * review run in the queue, so the webhook is answered without waiting on GitHub.
 */
export async function queueCommand(context: CommentContext, services: ReviewServices): Promise<void> {
  const { comment, issue } = context.payload;
  if (!issue.pull_request || !parseCommand(comment.body)) return;
  const log = commandLog(context);
  const login = comment.user?.login ?? "";
  if (context.isBot || comment.user?.type === "Bot" || login.endsWith("[bot]")) {
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
  const notices = command.unknownArgument
    ? [
        `${code(command.unknownArgument)} is not a persona (use \`architect\` or \`engineer\`); the persona was ` +
          `chosen automatically.`,
      ]
    : [];
  await runRequestedReview(context, services, {
    ref: { ...context.repo(), pullNumber: context.payload.issue.number },
    log,
    signal,
    what: COMMAND,
    notices,
    ...(command.persona ? { personaOverride: { persona: command.persona, source: "command" as const } } : {}),
    accepted: () => acknowledge(context, log),
  });
}

async function acknowledge(context: CommentContext, log: Context["log"]): Promise<void> {
  try {
    await context.octokit.rest.reactions.createForIssueComment(
      context.repo({ comment_id: context.payload.comment.id, content: "eyes" as const }),
    );
  } catch (error) {
    // The review matters more than the reaction: say so and carry on.
    log.warn({ err: error }, "django-review: could not add the 👀 reaction");
  }
}
