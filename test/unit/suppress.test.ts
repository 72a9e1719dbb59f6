import { describe, expect, it } from "vitest";
import { IN_BACKGROUND, POSTGRES_UNKNOWN } from "../../src/checks/conditions.js";
import { runChecks } from "../../src/checks/index.js";
import { SourceFile } from "../../src/checks/source.js";
import { parseRepoConfig } from "../../src/config/schema.js";
import { renderSummary } from "../../src/render/summary.js";

const all = (text: string) => new Set(text.split("\n").map((_, i) => i + 1));
const settings = (text: string, path = "proj/settings.py") => runChecks([new SourceFile(path, text, all(text))]);

describe("suppression comments", () => {
  it.each([
    ["on the line", "DEBUG = True  # django-review: ignore[DJ405]\n"],
    ["on the line above", "# django-review: ignore[DJ405]\nDEBUG = True\n"],
    ["for every rule", "DEBUG = True  # django-review: ignore\n"],
    ["as noqa with our id among others", "DEBUG = True  # noqa: E501, DJ405\n"],
    ["in lower case", "DEBUG = True  # django-review: ignore[dj405]\n"],
  ])("silence a finding %s and count it", (_, text) => {
    const result = settings(text);
    expect(result.findings).toEqual([]);
    expect(result.suppressed).toBe(1);
  });

  it.each([
    ["another rule's id", "DEBUG = True  # django-review: ignore[DJ406]\n"],
    ["a bare noqa (flake8's)", "DEBUG = True  # noqa\n"],
    ["a comment two lines up", "# django-review: ignore[DJ405]\n\nDEBUG = True\n"],
  ])("do not silence it with %s", (_, text) => {
    expect(settings(text).findings.map((f) => f.rule)).toEqual(["DJ405"]);
  });

  it("work in templates with {# #} comments", () => {
    const text = "{# django-review: ignore[DJ403] #}\n<p>{{ page.body|safe }}</p>\n";
    const result = runChecks([new SourceFile("app/templates/page.html", text, all(text))]);
    expect(result.findings).toEqual([]);
    expect(result.suppressed).toBe(1);
  });
});

describe("checks.ignore", () => {
  const config = parseRepoConfig({
    checks: {
      ignore: [
        { paths: ["legacy/**"], rules: ["DJ405"] },
        { paths: ["*/settings/dev.py"], rules: ["security"] },
      ],
    },
  });

  it("validates rule ids and categories", () => {
    expect(config.problems).toEqual([]);
    expect(parseRepoConfig({ checks: { ignore: [{ paths: ["a/**"], rules: ["DJ999"] }] } }).problems[0]).toMatch(
      /checks\.ignore\.0\.rules\.0/,
    );
    expect(parseRepoConfig({ checks: { ignore: [{ paths: [], rules: ["DJ405"] }] } }).problems).not.toEqual([]);
  });

  it("turns rules or categories off in matching paths only", () => {
    const text = "DEBUG = True\n";
    const run = (path: string) =>
      runChecks([new SourceFile(path, text, all(text))], [], { ignore: config.config.checks.ignore });
    expect(run("legacy/settings.py")).toMatchObject({ findings: [], suppressed: 1 });
    expect(run("proj/settings/dev.py").suppressed).toBe(0); // dev settings are exempt by the rule itself
    expect(run("proj/settings.py").findings.map((f) => f.rule)).toEqual(["DJ405"]);
  });
});

describe("the summary", () => {
  const summary = (extra: Partial<Parameters<typeof renderSummary>[0]>) =>
    renderSummary({
      personaName: "engineer",
      choice: { persona: "engineer", reason: "r", scores: { architect: 0, engineer: 1 } },
      headSha: "a".repeat(40),
      configProblems: [],
      notices: [],
      reviewedFiles: ["a.py"],
      skippedFiles: [],
      comments: [],
      unplaced: [],
      findings: [],
      ...extra,
    } as Parameters<typeof renderSummary>[0]);

  it("says how many findings were suppressed", () => {
    const body = summary({ suppressed: 3 });
    expect(body).toContain("**Django checks:** no findings. 3 suppressed");
    expect(body).not.toContain("PostgreSQL-only");
  });

  it("says how many PostgreSQL-only notes were held back on an unknown database, and how to get them", () => {
    const body = summary({ conditional: [POSTGRES_UNKNOWN.hint, POSTGRES_UNKNOWN.hint] });
    expect(body).toContain(
      "**Django checks:** no findings. 2 PostgreSQL-only notes not posted: the database is unknown (`project.database` in the config settles it).",
    );
  });

  it("counts each kind of held-back note apart, PostgreSQL first", () => {
    const body = summary({ conditional: [IN_BACKGROUND.hint, POSTGRES_UNKNOWN.hint] });
    expect(body).toContain(
      "**Django checks:** no findings. 1 PostgreSQL-only note not posted: the database is unknown " +
        "(`project.database` in the config settles it). 1 query-per-row note on background code (tasks, commands) not posted" +
        ": handed to the model to weigh.",
    );
  });
});
