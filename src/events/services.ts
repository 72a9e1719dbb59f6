import type { Logger } from "probot";
import type { GitHubClient } from "../github/types.js";
import { anthropicReviewModel, modelSettingsFromEnv } from "../model/client.js";
import type { PersonaRegistry } from "../personas/load.js";
import type { ReviewDeps } from "../review/run-review.js";

/** What every handler needs beyond its event: personas and the model, built from the environment. */
export interface ReviewServices {
  depsFor(octokit: GitHubClient, log: Logger): ReviewDeps;
}

export function createReviewServices(personas: PersonaRegistry, env: NodeJS.ProcessEnv): ReviewServices {
  const settings = modelSettingsFromEnv(env);
  const modelOverride = env.DJANGO_REVIEW_MODEL?.trim() || undefined;
  return {
    depsFor(octokit, log) {
      // Built per review, so the client picks up the `fetch` in place at that time.
      const model = settings ? anthropicReviewModel(settings) : undefined;
      return { octokit, log, personas, ...(model ? { model } : {}), ...(modelOverride ? { modelOverride } : {}) };
    },
  };
}
