import pino from "pino";
import { type Context, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { restoreContext, reviewJob } from "../../src/events/review-job.js";
import {
  checkRunRerequestedPayload,
  commentPayload,
  INSTALLATION_ID,
  OWNER,
  pullRequestPayload,
  REPO,
} from "../helpers/payloads.js";

const log = pino({ level: "silent" });
const octokit = new ProbotOctokit();

describe("a queued review job and the context it restores", () => {
  it("round-trips each kind of event the app queues, through JSON as Redis carries it", () => {
    const events = [
      { id: "d1", name: "pull_request", payload: pullRequestPayload("synchronize") },
      { id: "d2", name: "issue_comment", payload: commentPayload("/django-review") },
      { id: "d3", name: "check_run", payload: checkRunRerequestedPayload() },
    ];
    for (const event of events) {
      const restored = restoreContext(JSON.parse(JSON.stringify(event)), octokit, log);
      expect(restored.name).toBe(event.name);
      // Seen as any context (the union of the three is too wide for TypeScript to call methods on).
      const context: Context = restored.context;
      expect(context.id).toBe(event.id);
      expect(context.repo()).toEqual({ owner: OWNER, repo: REPO });
      expect(context.payload).toEqual(event.payload);
      // And the job built from the restored context is the job that carried it.
      const job = reviewJob(context, 2, { headSha: "abc", request: "@abc", supersedes: true });
      expect(job).toEqual({
        key: `${OWNER}/${REPO}#2`,
        headSha: "abc",
        id: `${OWNER}/${REPO}#2@abc`,
        supersedes: true,
        tenant: String(INSTALLATION_ID),
        event: { id: event.id, name: event.name, payload: event.payload },
      });
    }
  });

  it("refuses an event the app never queues, naming it", () => {
    expect(() => restoreContext({ id: "x", name: "push", payload: {} }, octokit, log)).toThrow(
      "django-review: a queued job carries an event this app does not queue: push",
    );
  });
});
