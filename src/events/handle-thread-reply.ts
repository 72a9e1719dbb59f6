import type { Context, Logger } from "probot";
import { RULES } from "../checks/index.js";
import { code } from "../comments/markdown.js";
import { sanitizeModelText } from "../comments/sanitize.js";
import { configFromText } from "../config/load.js";
import { fetchFileContents } from "../github/fetch-pull-request.js";
import { fetchReviewContext, fingerprintOf, isBotAccount, resolveThreads } from "../github/fetch-review-context.js";
import { findingKey, stateMarker } from "../github/pr-state.js";
import { resolveModel } from "../model/models.js";
import type { PersonaId } from "../vocabulary.js";
import { numberedLine } from "../prompt/numbered-line.js";
import { threadPrompt } from "../prompt/thread.js";
import { answerLine } from "../render/answer-line.js";
import { errorMessage } from "../util/error-message.js";
import { canTriggerReview, COMMAND, parseCommand } from "./command.js";
import { reviewJob } from "./review-job.js";
import { runLogged, type ReviewServices } from "./services.js";

export type ThreadContext = Context<"pull_request_review_comment.created">;

/** Output tokens of one answer in a thread. */
const MAX_REPLY_TOKENS = 1_000;
/** Lines of the file at the head shown on each side of the commented line. */
const CODE_AROUND = 15;

/**
 * A reply in a review thread: queued when it answers a thread (not a new comment) and comes from a
 * person; whether the thread is the app's, and the commenter may spend its budget, is checked in the
 * queue, where GitHub can be asked.
 */
export async function queueThreadReply(context: ThreadContext, services: ReviewServices): Promise<void> {
  const { comment, pull_request: pr } = context.payload;
  if (comment.in_reply_to_id === undefined) return;
  if (context.isBot || isBotAccount(comment.user)) return;
  await services.queue.enqueue(
    reviewJob(context, pr.number, {
      headSha: `reply:${comment.id}`,
      request: `/reply:${comment.id}`,
      supersedes: false,
    }),
  );
}

function threadLog(context: ThreadContext): Logger {
  const { comment, pull_request: pr } = context.payload;
  return context.log.child({
    installation: context.payload.installation?.id,
    ...context.repo(),
    pr: pr.number,
    commenter: comment.user?.login ?? "",
    thread: comment.in_reply_to_id,
  });
}

/** The queued work of a reply. */
export async function runQueuedThreadReply(
  context: ThreadContext,
  services: ReviewServices,
  signal: AbortSignal,
): Promise<void> {
  const log = threadLog(context);
  await runLogged(log, () => answerInThread(context, services, log, signal), services);
}

async function answerInThread(
  context: ThreadContext,
  services: ReviewServices,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  const { comment, pull_request: pr } = context.payload;
  const rootId = comment.in_reply_to_id as number;
  const { data: root } = await context.octokit.rest.pulls.getReviewComment(context.repo({ comment_id: rootId }));
  // Only the app's own threads: a bot's comment that ends with the app's fingerprint marker.
  const fingerprint = root.user?.type === "Bot" ? fingerprintOf(root.body) : undefined;
  if (!fingerprint) return log.info("django-review: a reply in a thread the app did not start; ignored");
  const { data: permission } = await context.octokit.rest.repos.getCollaboratorPermissionLevel(
    context.repo({ username: comment.user?.login ?? "" }),
  );
  if (!canTriggerReview(permission.permission, permission.role_name))
    return log.info("django-review: a reply from someone without write access; ignored");

  const rule = /`(DJ\d{3})`/.exec(root.body)?.[1];
  const source = rule ?? "model";
  const ref = { ...context.repo(), pullNumber: pr.number };
  const command = parseCommand(comment.body);
  if (command?.kind === "ignore") {
    const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
    const thread = reviewContext.pr?.threads.find((t) => t.fingerprint === fingerprint && t.id !== "");
    await replyInThread(
      context,
      rootId,
      `🔕 Dismissed${command.reason ? ` (${sanitizeModelText(command.reason)})` : ""}: this finding is not raised ` +
        "again on this pull request.",
      stateMarker(`ignore-finding:${findingKey(root.path, source)}`),
    );
    if (thread && !thread.isResolved) await resolveThreads(context.octokit, [thread.id]);
    return log.info({ outcome: "dismissed" }, "django-review: finding dismissed in its thread");
  }
  if (command && command.kind !== "ask")
    return replyInThread(context, rootId, `In a thread, ${COMMAND} understands \`ignore [reason]\` and questions.`);

  const models = services.answerModel();
  const explanation = rule ? RULES.find((r) => r.id === rule) : undefined;
  if (!models) {
    const text = explanation
      ? `**${code(explanation.id)} ${explanation.title}.** ${explanation.explanation}`
      : "No `ANTHROPIC_API_KEY` is configured for this app, so it cannot answer here.";
    return replyInThread(context, rootId, text);
  }
  const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
  const { config } = await configFromText(context, reviewContext.configText);
  const limited = await services.limits.take(ref, "reply", config.limits);
  if (limited) return log.warn({ outcome: "rate-limited" }, `django-review: reply not answered: ${limited}`);

  const head = pr.head.sha;
  const read = await fetchFileContents(context.octokit, ref, head, [root.path], log);
  const file = read.get(root.path);
  const thread = await threadSoFar(context, rootId);
  const personas = services.depsFor(context.octokit, log).personas;
  // The persona of the finding: the rule's own, else the engineer (the generalist for everyday code).
  const personaId: PersonaId = explanation?.persona ?? "engineer";
  const persona = personas.get(personaId);
  if (!persona) throw new Error(`django-review: persona ${personaId} is not loaded`);
  const line = root.line ?? root.original_line ?? 1;
  const prompt = threadPrompt({
    persona,
    finding: root.body,
    ...(explanation ? { rule: `${explanation.id} ${explanation.title}: ${explanation.explanation}` } : {}),
    path: root.path,
    diffHunk: root.diff_hunk,
    code: file?.ok ? around(file.text, line) : undefined,
    thread,
    question: comment.body,
  });
  const model = resolveModel({ env: models.modelOverride, config: config.model, persona: persona.model });
  try {
    const answer = await models.answer({
      model,
      system: prompt.system,
      user: prompt.user,
      maxOutputTokens: MAX_REPLY_TOKENS,
      signal,
    });
    const text = sanitizeModelText(answer.text.trim() || "(no answer)");
    await replyInThread(context, rootId, `${text}\n\n${answerLine(answer, persona.name, config.summary.cost)}`);
  } catch (error) {
    log.warn({ err: error }, "django-review: the model could not answer in the thread");
    await replyInThread(
      context,
      rootId,
      `The model could not answer: ${errorMessage(error).split("\n")[0]?.slice(0, 300)}.`,
    );
  }
}

/** The thread's replies so far, oldest first, as "login: text" (the question itself excluded). */
async function threadSoFar(context: ThreadContext, rootId: number): Promise<string[]> {
  const all = await context.octokit.paginate(
    context.octokit.rest.pulls.listReviewComments,
    context.repo({ pull_number: context.payload.pull_request.number, per_page: 100 }),
  );
  return all
    .filter((c) => c.in_reply_to_id === rootId && c.id !== context.payload.comment.id)
    .slice(-10)
    .map((c) => `${c.user?.login ?? "someone"}: ${c.body}`);
}

/** The lines around `line` of the file at the head, numbered. */
function around(text: string, line: number): string {
  const lines = text.split(/\r?\n/);
  const from = Math.max(1, line - CODE_AROUND);
  const to = Math.min(lines.length, line + CODE_AROUND);
  const shown: string[] = [];
  for (let n = from; n <= to; n++) shown.push(numberedLine(n, lines[n - 1] ?? ""));
  return shown.join("\n");
}

async function replyInThread(context: ThreadContext, rootId: number, text: string, marker?: string): Promise<void> {
  await context.octokit.rest.pulls.createReplyForReviewComment(
    context.repo({
      pull_number: context.payload.pull_request.number,
      comment_id: rootId,
      body: marker ? `${text}\n\n${marker}` : text,
    }),
  );
}
