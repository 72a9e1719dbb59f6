import { fileURLToPath } from "node:url";
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { handleCommand } from "./events/handle-command.js";
import { handlePullRequest, PULL_REQUEST_EVENTS } from "./events/handle-pull-request.js";
import { createReviewServices } from "./events/services.js";
import { loadPersonas } from "./personas/load.js";
import { MemoryQueue } from "./queue/memory.js";
import { serverRoutes } from "./server-routes.js";
import type { ReviewQueue } from "./queue/types.js";

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  agentsDir?: string;
  /** Where reviews run; an in-process queue by default. */
  queue?: ReviewQueue;
}

const DEFAULT_CONCURRENCY = 4;

const DEFAULT_AGENTS_DIR = fileURLToPath(new URL("../agents", import.meta.url));

/** The Probot app: loads the personas (a bad file stops start-up), then registers the handlers. */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  const env = options.env ?? process.env;
  const personas = loadPersonas(options.agentsDir ?? env.DJANGO_REVIEW_AGENTS_DIR ?? DEFAULT_AGENTS_DIR);
  const queue = options.queue ?? new MemoryQueue(Number(env.DJANGO_REVIEW_CONCURRENCY) || DEFAULT_CONCURRENCY);
  const services = createReviewServices(personas, env, queue);
  return (app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    addHandler(serverRoutes(services.metrics));
    // Handlers only queue work: GitHub gets its answer without waiting for the model.
    app.on([...PULL_REQUEST_EVENTS], (context) => guarded(context, () => handlePullRequest(context, services)));
    app.on("issue_comment.created", (context) => guarded(context, () => handleCommand(context, services)));
  };
}

/** A handler that fails to even queue its work is logged with the cause, and the delivery marked failed. */
function guarded(context: Context, work: () => void): void {
  try {
    work();
  } catch (error) {
    context.log.error({ err: error, event: context.name, delivery: context.id, outcome: "failed" }, "django-review: could not queue the review");
    throw error;
  }
}

export default createApp();
