import { fileURLToPath } from "node:url";
import { type OperatorEnv, parseOperatorEnv } from "./config/env.js";
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { queueRerun, runQueuedRerun } from "./events/handle-check-run.js";
import { queueCommand, runQueuedCommand } from "./events/handle-command.js";
import { queueThreadReply, runQueuedThreadReply } from "./events/handle-thread-reply.js";
import { PULL_REQUEST_EVENTS, queuePullRequestReview, reviewPullRequest } from "./events/handle-pull-request.js";
import { installationOf, restoreContext } from "./events/review-job.js";
import { createReviewServices } from "./events/services.js";
import { loadPersonas } from "./personas/load.js";
import { MemoryQueue } from "./queue/memory.js";
import { serverRoutes } from "./server-routes.js";
import { BullQueue } from "./queue/bullmq.js";
import type { ReviewEvent, ReviewQueue } from "./queue/types.js";
import type { RenderedReview } from "./review/run-review.js";

export interface AppOptions {
  /** The operator's environment (process.env by default), parsed once here unless `settings` is given. */
  env?: NodeJS.ProcessEnv;
  settings?: OperatorEnv;
  agentsDir?: string;
  /** Where reviews run; an in-process queue by default. */
  queue?: ReviewQueue;
  /** Told of every review that failed with an error (it is also logged and counted). */
  onFailure?: (error: unknown) => void;
  /** Told each review as it is about to be posted. */
  onRendered?: (review: RenderedReview) => void;
}

const DEFAULT_AGENTS_DIR = fileURLToPath(new URL("../agents", import.meta.url));

/** The Probot app: loads the personas (a bad file stops start-up), then registers the handlers. */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  const env = options.settings ?? parseOperatorEnv(options.env ?? process.env);
  const personas = loadPersonas(options.agentsDir ?? env.DJANGO_REVIEW_AGENTS_DIR ?? DEFAULT_AGENTS_DIR);
  const queue = options.queue ?? defaultQueue(env);
  const services = createReviewServices(personas, env, queue, options.onFailure, options.onRendered);
  return (app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    addHandler(serverRoutes(services.metrics));
    // The worker side: rebuild the event's context (in this process or another replica) and review.
    queue.start(async (event: ReviewEvent, signal: AbortSignal) => {
      const octokit = await app.auth(installationOf(event.payload));
      const queued = restoreContext(event, octokit, app.log.child({ name: "django-review" }));
      if (queued.name === "issue_comment") await runQueuedCommand(queued.context, services, signal);
      else if (queued.name === "check_run") await runQueuedRerun(queued.context, services, signal);
      else if (queued.name === "pull_request_review_comment")
        await runQueuedThreadReply(queued.context, services, signal);
      else await reviewPullRequest(queued.context, services, signal);
    });
    // Handlers only queue work: GitHub gets its answer without waiting for the model.
    app.on([...PULL_REQUEST_EVENTS], (context) => guarded(context, () => queuePullRequestReview(context, services)));
    app.on("issue_comment.created", (context) => guarded(context, () => queueCommand(context, services)));
    app.on("check_run.rerequested", (context) => guarded(context, () => queueRerun(context, services)));
    app.on("pull_request_review_comment.created", (context) =>
      guarded(context, () => queueThreadReply(context, services)),
    );
  };
}

/** BullMQ on Redis when REDIS_URL is set (durable, shared by replicas); else in-process. */
export function defaultQueue(env: OperatorEnv): ReviewQueue {
  const concurrency = env.DJANGO_REVIEW_CONCURRENCY;
  if (!env.REDIS_URL) return new MemoryQueue(concurrency, undefined, env.DJANGO_REVIEW_CONCURRENCY_PER_INSTALLATION);
  return new BullQueue(env.REDIS_URL, {
    concurrency,
    ...(env.DJANGO_REVIEW_QUEUE_PREFIX ? { prefix: env.DJANGO_REVIEW_QUEUE_PREFIX } : {}),
    ...(env.DJANGO_REVIEW_QUEUE_LOCK_MS ? { lockDurationMs: env.DJANGO_REVIEW_QUEUE_LOCK_MS } : {}),
    ...(env.DJANGO_REVIEW_QUEUE_STALLED_MS ? { stalledIntervalMs: env.DJANGO_REVIEW_QUEUE_STALLED_MS } : {}),
  });
}

/** A handler that fails to even queue its work is logged with the cause, and the delivery marked failed. */
async function guarded(context: Context, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    context.log.error(
      { err: error, event: context.name, delivery: context.id, outcome: "failed" },
      "django-review: could not queue the review",
    );
    throw error;
  }
}

// For `probot run ./lib/app.js`: built lazily, so importing this module starts no queue.
export default ((app, options) => createApp()(app, options)) satisfies ApplicationFunction;
