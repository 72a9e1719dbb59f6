import { describe, expect, it } from "vitest";
import { engineerPrFiles } from "../fixtures/django-pr.js";
import { mockModel } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

async function deliver() {
  const app = await createTestProbot();
  await app.receive({ id: "guidance", name: "pull_request", payload: pullRequestPayload("opened") } as never);
}

const CONFIG = `instructions: |
  We deploy with zero downtime: every migration must be backwards compatible.
path_instructions:
  - paths: ["**/migrations/**"]
    text: Data migrations must be reversible.
  - paths: ["frontend/**"]
    text: Never seen by this review.
max_lookups: 0
`;

const EXTEND = `---
name: our-engineer
description: What this team adds to the engineer
persona: engineer
routing:
  signals: ["(a+)+$"]
---
We use UUID primary keys everywhere; flag AutoField.
`;

describe("team guidance from the default branch", () => {
  it("puts instructions, matching path instructions and the repository's persona file after the persona", async () => {
    const github = new GitHubMock()
      .token()
      .config(CONFIG, { agents: { "engineer.md": EXTEND, "broken.md": "---\nname: x\n---\nbody\n", "notes.txt": "x" } })
      .files(engineerPrFiles())
      .related()
      .review();
    const model = mockModel({ summary: "ok", comments: [] });

    await deliver();

    expect(github.scope.isDone()).toBe(true);
    const system: string = model.calls[0]!.body.system[0].text;
    const persona = system.indexOf("# Your persona: django-backend-engineer");
    const additions = system.indexOf("# This repository's additions (our-engineer)\n\nWe use UUID primary keys");
    const team = system.indexOf("# The team's instructions for this repository");
    expect(persona).toBeGreaterThan(0);
    expect(additions).toBeGreaterThan(persona);
    expect(team).toBeGreaterThan(additions);
    expect(system).toContain("every migration must be backwards compatible.");
    expect(system).toContain("For **/migrations/** (1 changed here):\nData migrations must be reversible.");
    expect(system).not.toContain("Never seen by this review");
    expect(model.calls[0]!.body.system[0].cache_control).toEqual({ type: "ephemeral" });

    const body = github.reviews[0]!.body;
    expect(body).toContain(
      "Persona from the repository: engineer (extended by `.github/django-review/agents/engineer.md`).",
    );
    expect(body).toContain("⚠️ persona file .github/django-review/agents/broken.md is invalid: key `description`");
    expect(body).toContain("`routing.signals` are not used from a repository");
  });
});
