import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseChangedFile } from "../../src/diff/parse.js";
import { loadPersonas } from "../../src/personas/load.js";
import { choosePersona } from "../../src/personas/route.js";

/** Two personas with small, known routing: the architect owns `api/**` and `async def`, the engineer `models.py` and fields. */
function personas(architectPaths = '["**/api/**"]') {
  const dir = mkdtempSync(join(tmpdir(), "dr-route-"));
  const file = (persona: string, routing: string) =>
    `---\nname: ${persona}-persona\ndescription: d\npersona: ${persona}\nrouting:\n${routing}\n---\nbody`;
  writeFileSync(
    join(dir, "a.md"),
    file(
      "architect",
      `  paths: ${architectPaths}\n  signals:\n    - { label: async views, pattern: '\\basync\\s+def\\b' }\n    - { label: awaits, pattern: '\\bawait\\b' }\n    - { label: caching, pattern: 'cache\\.' }`,
    ),
  );
  writeFileSync(
    join(dir, "e.md"),
    file(
      "engineer",
      `  paths: ["**/models.py"]\n  signals:\n    - { label: model fields, pattern: 'models\\.\\w+Field' }`,
    ),
  );
  return loadPersonas(dir);
}

const added = (path: string, lines: string[], context: string[] = []) =>
  parseChangedFile({
    path,
    status: "modified",
    additions: lines.length,
    deletions: 0,
    patch: `@@ -1,${context.length} +1,${context.length + lines.length} @@\n${[...context.map((l) => ` ${l}`), ...lines.map((l) => `+${l}`)].join("\n")}`,
  });

describe("choosePersona, scored", () => {
  it("scores 3 per file in the persona's area and 1 per added line with a signal, at most 3 per signal; context lines do not count", () => {
    const files = [
      added(
        "shop/api/views.py",
        ["async def a():", "async def b():", "async def c():", "async def d():", "x = await y"],
        ["async def old():"],
      ),
    ];
    const choice = choosePersona(personas(), files);
    expect(choice.scores).toEqual({ architect: 3 + 3 + 1, engineer: 0 });
    expect(choice.reason).toBe(
      "architect (7 vs 0): 1 changed file of its kind (`shop/api/views.py`); added lines with async views and awaits",
    );
  });

  it("names three files and counts the rest, and lists at most three signals, the most frequent first", () => {
    const files = ["a", "b", "c", "d", "e"].map((n) => added(`${n}/api/x.py`, [`x = ${n}`]));
    files.push(added("z/util.py", ["cache.get(1)", "cache.set(2)", "async def f():", "y = await z"]));
    const choice = choosePersona(personas(), files);
    expect(choice.reason).toBe(
      "architect (19 vs 0): 5 changed files of its kind (`a/api/x.py`, `b/api/x.py`, `c/api/x.py` and 2 more); added lines with caching, async views and awaits",
    );
  });

  it("goes to the engineer on a tie, and by default when nothing points anywhere", () => {
    const tie = [added("shop/models.py", ["x = 1"]), added("shop/api/v.py", ["y = 2"])];
    expect(choosePersona(personas(), tie)).toMatchObject({
      persona: "engineer",
      reason: "engineer (3 vs 3): 1 changed file of its kind (`shop/models.py`)",
    });
    expect(choosePersona(personas(), [added("docs/x.md", ["hello"])])).toMatchObject({
      persona: "engineer",
      reason: "engineer by default: no architect or engineer signals in the changed files",
    });
    expect(
      choosePersona(personas(), [
        added("shop/models.py", ["a = models.CharField()"]),
        added("x/api/v.py", ["async def f():", "z = await q"]),
      ]).persona,
    ).toBe("architect");
  });

  it("a persona without paths scores on signals alone", () => {
    const choice = choosePersona(personas("[]"), [added("shop/api/views.py", ["async def a():"])]);
    expect(choice.scores.architect).toBe(1);
  });

  it("an override wins and says where it came from", () => {
    const files = [added("shop/models.py", ["a = models.CharField()"])];
    expect(choosePersona(personas(), files, { persona: "architect", source: "command" })).toMatchObject({
      persona: "architect",
      reason: "architect requested with `/django-review`",
    });
    expect(choosePersona(personas(), files, { persona: "architect", source: "config" })).toMatchObject({
      persona: "architect",
      reason: "architect set by `persona:` in the config",
    });
  });
});
