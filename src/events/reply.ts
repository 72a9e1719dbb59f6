import type { Context, Logger } from "probot";
import { COMMAND } from "./command.js";

/** Posts the app's answer as a PR comment; a state marker at its very end is what later reviews read. */
export async function reply(
  context: Context<"issue_comment.created">,
  log: Logger,
  text: string,
  marker?: string,
): Promise<void> {
  await context.octokit.rest.issues.createComment(
    context.repo({ issue_number: context.payload.issue.number, body: marker ? `${text}\n\n${marker}` : text }),
  );
  log.info({ outcome: "answered" }, `django-review: answered ${COMMAND}`);
}

/** The 👀 reaction on the command: seen, and being worked on. */
export async function acknowledge(context: Context<"issue_comment.created">, log: Logger): Promise<void> {
  try {
    await context.octokit.rest.reactions.createForIssueComment(
      context.repo({ comment_id: context.payload.comment.id, content: "eyes" as const }),
    );
  } catch (error) {
    // The review matters more than the reaction: say so and carry on.
    log.warn({ err: error }, "django-review: could not add the 👀 reaction");
  }
}
