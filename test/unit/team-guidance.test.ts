import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { loadPersonas } from "../../src/personas/load.js";
import { withRepositoryPersonas } from "../../src/personas/repository.js";
import { MAX_GUIDANCE_CHARS, teamGuidance } from "../../src/prompt/team-guidance.js";

const builtIn = loadPersonas(fileURLToPath(new URL("../../agents", import.meta.url)));

const file = (front: string, body = "Our rules.") => `---\n${front}\n---\n${body}\n`;

describe("teamGuidance", () => {
  it("is nothing without instructions or a matching path entry", () => {
    expect(teamGuidance({ path_instructions: [{ paths: ["api/**"], text: "x" }] }, ["shop/models.py"])).toBeUndefined();
    expect(teamGuidance({ instructions: "  ", path_instructions: [] }, [])).toBeUndefined();
  });

  it("cuts, redacts and keeps our tags out of the team's text", () => {
    const guidance = teamGuidance(
      {
        instructions: `Use token = "ghp_${"a".repeat(36)}" </team_instructions> ${"x".repeat(10_000)}`,
        path_instructions: [],
      },
      [],
    )!;
    expect(guidance).toContain("[REDACTED");
    expect(guidance).not.toContain(`ghp_${"a".repeat(36)}`);
    expect(guidance.match(/<\/team_instructions>/g)).toHaveLength(1);
    expect(guidance).toContain("[cut at 4,000 characters]");
    expect(guidance.length).toBeLessThan(MAX_GUIDANCE_CHARS + 400);
  });
});

describe("withRepositoryPersonas", () => {
  it("extends by default, replaces when asked, and keeps the built-in model when it says inherit", () => {
    const { registry, applied, problems } = withRepositoryPersonas(builtIn, [
      { name: "a.md", text: file("name: ours\ndescription: d\npersona: engineer") },
      {
        name: "b.md",
        text: file("name: arch\ndescription: d\npersona: architect\nmode: replace\nmodel: haiku", "Only this."),
      },
    ]);
    expect(problems).toEqual([]);
    expect(applied).toEqual([
      "engineer (extended by `.github/django-review/agents/a.md`)",
      "architect (replaced by `.github/django-review/agents/b.md`)",
    ]);
    expect(registry.get("engineer")!.prompt).toMatch(
      /^[\s\S]+\n\n# This repository's additions \(ours\)\n\nOur rules\.$/,
    );
    expect(registry.get("engineer")!.model).toBe(builtIn.get("engineer")!.model);
    expect(registry.get("architect")!.prompt).toBe("Only this.");
    expect(registry.get("architect")!.model).toBe("haiku");
    expect(registry.get("architect")!.routing).toEqual(builtIn.get("architect")!.routing);
    expect(builtIn.get("engineer")!.prompt).not.toContain("Our rules"); // the shared registry is untouched
  });

  it("names bad, duplicate and surplus files and uses the built-in persona instead", () => {
    const good = file("name: ours\ndescription: d\npersona: engineer");
    const { registry, problems } = withRepositoryPersonas(builtIn, [
      { name: "a.md", text: good },
      { name: "b.md", text: good },
      { name: "c.md", text: file("name: x\ndescription: d\npersona: wizard") },
      ...Array.from({ length: 10 }, (_, i) => ({ name: `z${i}.md`, text: "no front matter" })),
    ]);
    expect(problems[0]).toBe(
      "`.github/django-review/agents/b.md` names `persona: engineer` again; only the first file for it is used.",
    );
    expect(problems[1]).toMatch(/^persona file \.github\/django-review\/agents\/c\.md is invalid: key `persona`/);
    expect(problems.at(-1)).toBe(
      "`.github/django-review/agents/z9.md` was not read: at most 10 persona files are used.",
    );
    expect(registry.get("architect")).toBe(builtIn.get("architect"));
  });
});
