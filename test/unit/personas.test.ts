import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseChangedFile } from "../../src/diff/parse.js";
import type { ChangedFile } from "../../src/diff/types.js";
import { loadPersonas, parsePersonaFile } from "../../src/personas/load.js";
import { choosePersona } from "../../src/personas/route.js";
import { architectPrFiles, engineerPrFiles } from "../fixtures/django-pr.js";
import type { MockFile } from "../helpers/github-mock.js";
import { AGENTS_DIR } from "../helpers/probot.js";

const personas = loadPersonas(AGENTS_DIR);

function diffFiles(files: MockFile[]) {
  return files.map((f) =>
    parseChangedFile({
      path: f.filename,
      status: (f.status ?? "modified") as ChangedFile["status"],
      additions: 1,
      deletions: 0,
      patch: f.patch,
    }),
  );
}

describe("persona registry", () => {
  it("loads both personas from agents/, keeping the seeds' front matter", () => {
    const architect = personas.get("architect")!;
    const engineer = personas.get("engineer")!;
    expect(architect.name).toBe("django-backend-architect");
    expect(architect.model).toBe("sonnet");
    expect(engineer.color).toBe("blue");
    expect(architect.description).toContain("Examples:\n- User:");
    expect(architect.prompt).toMatch(/^You are an elite Django backend architect/);
    expect(engineer.routing.paths).toContain("**/migrations/**");
  });

  it("reads the seed files whose description is not valid YAML", () => {
    const seed = readFileSync(new URL("../../agents/django-backend-engineer.md", import.meta.url), "utf8");
    expect(seed).toMatch(/^description: Use this agent .*Context: /m);
    expect(parsePersonaFile("seed.md", seed).persona).toBe("engineer");
  });

  const base = "---\nname: x\ndescription: d\nmodel: sonnet\npersona: engineer\n";
  it.each([
    [
      `${base}routing:\n  signals: ["(unclosed"]\n---\nbody`,
      "key `routing.signals.0`: is not a valid regular expression",
    ],
    ["---\nname: x\ndescription: d\n---\nbody", "key `persona`"],
    [`${base}persona: wizard\n---\nbody`, "front matter is not YAML"],
    [`${base}---\n   `, "the body (the persona's instructions) is empty"],
    ["---\nname: x\ndescription: d\npersona: hacker\n---\nbody", "key `persona`: Invalid option"],
  ])("rejects a bad persona file with the file and key named (%#)", (source, message) => {
    expect(() => parsePersonaFile("bad.md", source)).toThrow(`persona file bad.md is invalid: ${message}`);
  });

  it("fails start-up when a persona file in the folder is bad", () => {
    const dir = mkdtempSync(join(tmpdir(), "agents-"));
    writeFileSync(join(dir, "a.md"), readFileSync(join(AGENTS_DIR, "django-backend-architect.md")));
    writeFileSync(join(dir, "b.md"), "---\nname: b\ndescription: d\npersona: engineer\nmodel: 3\n---\nbody");
    expect(() => loadPersonas(dir)).toThrow("persona file b.md is invalid: key `model`");
  });
});

describe("choosePersona", () => {
  it("picks the engineer for models, migrations and templates, and explains it", () => {
    const choice = choosePersona(personas, diffFiles(engineerPrFiles()));
    expect(choice.persona).toBe("engineer");
    expect(choice.scores.engineer).toBeGreaterThan(choice.scores.architect);
    expect(choice.reason).toMatch(/^engineer \(\d+ vs \d+\): 3 changed files of its kind \(`shop\/models.py`, /);
    expect(choice.reason).toMatch(
      /; added lines with (model fields|relations|migration operations|ORM queries|template tags|htmx attributes)(, [a-zA-Z ]+)* and [a-zA-Z ]+$/,
    );
    expect(choice.reason).not.toMatch(/\\|\[A-Z\]|\(\?|\{%/); // words, not regular expressions
  });

  it("picks the architect for async views and DRF serializers", () => {
    const choice = choosePersona(personas, diffFiles(architectPrFiles()));
    expect(choice.persona).toBe("architect");
    expect(choice.reason).toContain("`shop/api/views.py`");
    expect(choice.reason).toMatch(
      /added lines with .*(async views|awaits|Django REST framework|DRF views and serializers)/,
    );
  });

  it("describes a signal by its label, or a bare pattern by a readable form of it", () => {
    const front = (signals: string) =>
      `---\nname: x\ndescription: y\npersona: architect\nrouting:\n  signals: ${signals}\n---\nbody`;
    const dir = mkdtempSync(join(tmpdir(), "dr-personas-"));
    writeFileSync(
      join(dir, "architect.md"),
      front("[{ label: async views, pattern: '\\basync\\s+def\\b' }, '\\bawait\\b']"),
    );
    writeFileSync(join(dir, "engineer.md"), front("[]").replace("architect", "engineer"));
    const patch = "@@ -0,0 +1,2 @@\n+async def feed(request):\n+    return await thing()";
    const files = [parseChangedFile({ path: "feeds/handlers.py", status: "added", additions: 2, deletions: 0, patch })];
    expect(choosePersona(loadPersonas(dir), files).reason).toBe(
      "architect (2 vs 0): added lines with async views and await",
    );
  });

  it("uses content signals when paths say nothing", () => {
    const patch =
      "@@ -0,0 +1,3 @@\n+async def feed(request):\n+    items = await Item.objects.acount()\n+    return JsonResponse({})";
    const files = [parseChangedFile({ path: "feeds/handlers.py", status: "added", additions: 3, deletions: 0, patch })];
    expect(choosePersona(personas, files).persona).toBe("architect");
  });

  it("defaults to the engineer with nothing to go on", () => {
    const files = [
      parseChangedFile({
        path: "README.md",
        status: "modified",
        additions: 1,
        deletions: 0,
        patch: "@@ -1 +1 @@\n-a\n+b",
      }),
    ];
    expect(choosePersona(personas, files)).toMatchObject({
      persona: "engineer",
      reason: expect.stringContaining("by default"),
    });
  });

  it("lets an override win and says where it came from", () => {
    const files = diffFiles(engineerPrFiles());
    expect(choosePersona(personas, files, { persona: "architect", source: "command" }).reason).toBe(
      "architect requested with `/django-review`",
    );
    expect(choosePersona(personas, files, { persona: "architect", source: "config" }).persona).toBe("architect");
  });
});
