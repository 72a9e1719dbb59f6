import type { Context, Logger } from "probot";
import { sanitizeModelText } from "../comments/sanitize.js";
import { configFromText } from "../config/load.js";
import { choosePersona, configPersonaOverride } from "../personas/route.js";
import { fetchPullRequest } from "../github/fetch-pull-request.js";
import { fetchReviewContext } from "../github/fetch-review-context.js";
import { gatherPullRequest } from "../github/gather.js";
import type { PullRequestRef } from "../github/types.js";
import { resolveModel } from "../model/models.js";
import type { Answer } from "../model/types.js";
import { askPrompt, MAX_ANSWER_TOKENS, MAX_QUESTION_FILE_TOKENS } from "../prompt/ask.js";
import { answerLine } from "../render/answer-line.js";
import { errorMessage } from "../util/error-message.js";
import { acknowledge, reply } from "./reply.js";
import type { ReviewServices } from "./services.js";

type CommentContext = Context<"issue_comment.created">;

/**
 * `/django-review ask <question>`: an answer about the whole PR as a comment, under the persona its
 * changes point to, within `limits.replies_per_pr_per_hour` and the installation's limit, its tokens
 * and cost shown like a review's. Without an API key it says so; a failed call is said, not hidden.
 */
export async function answerQuestion(
  context: CommentContext,
  services: ReviewServices,
  job: { ref: PullRequestRef; log: Logger; signal: AbortSignal; question: string },
): Promise<void> {
  const { ref, log } = job;
  const models = services.answerModel();
  if (!models) {
    await acknowledge(context, log);
    return reply(
      context,
      log,
      "`/django-review ask` needs a model: no `ANTHROPIC_API_KEY` is configured for this app.",
    );
  }
  const reviewContext = await fetchReviewContext(context.octokit, ref, context.log);
  const { config } = await configFromText(context, reviewContext.configText);
  const limited = await services.limits.take(ref, "reply", config.limits);
  if (limited) {
    log.warn({ outcome: "rate-limited" }, `django-review: ask ignored: ${limited}`);
    return reply(context, log, `Not answered: ${limited}.`);
  }
  await acknowledge(context, log);
  const pr = await fetchPullRequest(context.octokit, ref);
  const deps = services.depsFor(context.octokit, log);
  // The answer reads the changed files only: the checks' context (nearby files, the project index) is
  // not part of its prompt, so it is not read.
  const gathered = await gatherPullRequest(deps, {
    ref,
    pr,
    config: { ...config, checks: { ...config.checks, enabled: false } },
  });
  const files = gathered?.files ?? [];
  const heads = gathered?.heads ?? new Map<string, string>();
  const choice = choosePersona(deps.personas, files, configPersonaOverride(config), heads);
  const persona = deps.personas.get(choice.persona);
  if (!persona) throw new Error(`django-review: persona ${choice.persona} is not loaded`);
  const prompt = askPrompt({
    persona,
    files,
    heads,
    pr: { title: pr.title, body: pr.body, baseRef: pr.baseRef, headRef: pr.headRef },
    question: job.question,
    contextLines: config.context_lines,
    maxFileTokens: Math.min(MAX_QUESTION_FILE_TOKENS, config.max_prompt_tokens),
  });
  const model = resolveModel({ env: models.modelOverride, config: config.model, persona: persona.model });
  let answer: Answer;
  try {
    answer = await models.answer({
      model,
      system: prompt.system,
      user: prompt.user,
      maxOutputTokens: MAX_ANSWER_TOKENS,
      signal: job.signal,
    });
  } catch (error) {
    log.warn({ err: error }, "django-review: the model could not answer");
    return reply(context, log, `The model could not answer: ${errorMessage(error).split("\n")[0]?.slice(0, 300)}.`);
  }
  const text = sanitizeModelText(answer.text.trim() || "(The model gave no answer.)");
  const cut = answer.stopReason === "max_tokens" ? "\n\n…(the answer reached its length limit)" : "";
  return reply(context, log, `${text}${cut}\n\n${answerLine(answer, persona.name, config.summary.cost)}`);
}
