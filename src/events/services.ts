import type { Logger } from "probot";
import type { GitHubClient } from "../github/types.js";
import { anthropicReviewModel, modelSettingsFromEnv } from "../model/client.js";
import type { PersonaRegistry } from "../personas/load.js";
import type { ReviewQueue } from "../queue/types.js";
import type { ReviewDeps } from "../review/run-review.js";

/** What every handler needs beyond its event: the queue, personas and the model. */
export interface ReviewServices {
  queue: ReviewQueue;
  depsFor(octokit: GitHubClient, log: Logger): ReviewDeps;
}

export function createReviewServices(personas: PersonaRegistry, env: NodeJS.ProcessEnv, queue: ReviewQueue): ReviewServices {
  const settings = modelSettingsFromEnv(env);
  const modelOverride = env.DJANGO_REVIEW_MODEL?.trim() || undefined;
  return {
    queue,
    depsFor(octokit, log) {
      // Built per review, so the client picks up the `fetch` in place at that time.
      const model = settings ? anthropicReviewModel(settings) : undefined;
      return { octokit, log, personas, ...(model ? { model } : {}), ...(modelOverride ? { modelOverride } : {}) };
    },
  };
}

/** Runs a queued job's work, logging its failure with the cause: a background job has no caller to throw to. */
export async function runLogged(log: Logger, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log.error({ err: error, outcome: "failed" }, "django-review: review failed");
  }
}
