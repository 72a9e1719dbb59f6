import { fileURLToPath } from "node:url";
import type { ApplicationFunction, Context, Probot } from "probot";
import { handleCommand } from "./events/handle-command.js";
import { handlePullRequest, PULL_REQUEST_EVENTS } from "./events/handle-pull-request.js";
import { createReviewServices } from "./events/services.js";
import { loadPersonas } from "./personas/load.js";

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  agentsDir?: string;
}

const DEFAULT_AGENTS_DIR = fileURLToPath(new URL("../agents", import.meta.url));

/** The Probot app: loads the personas (a bad file stops start-up), then registers the handlers. */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  const env = options.env ?? process.env;
  const personas = loadPersonas(options.agentsDir ?? env.DJANGO_REVIEW_AGENTS_DIR ?? DEFAULT_AGENTS_DIR);
  const services = createReviewServices(personas, env);
  return (app: Probot) => {
    app.on([...PULL_REQUEST_EVENTS], (context) => guarded(context, () => handlePullRequest(context, services)));
    app.on("issue_comment.created", (context) => guarded(context, () => handleCommand(context, services)));
  };
}

/** One failed review must not take the server down: log what happened with its cause, then rethrow
 * so the delivery is marked failed and can be redelivered from GitHub's UI. */
async function guarded(context: Context, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    context.log.error({ err: error, event: context.name, delivery: context.id, outcome: "failed" }, "django-review: review failed");
    throw error;
  }
}

export default createApp();
