import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseChangedFile } from "../../src/diff/parse.js";
import { loadPersonas } from "../../src/personas/load.js";
import { choosePersona } from "../../src/personas/route.js";
import { modifiedFile } from "../helpers/changed-file.js";

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
      reason:
        "engineer (3 vs 3): 1 changed file of its kind (`shop/models.py`) — a close call: `/django-review architect` " +
        "asks for the architect's view",
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

const AGENTS = loadPersonas(join(import.meta.dirname, "../../agents"));

const changedAt = (path: string, head: string, changed: number[]) => modifiedFile(path, head, changed);

const VIEWSETS = [
  "from rest_framework import viewsets",
  "",
  "class DeviceViewSet(viewsets.ModelViewSet):",
  "    queryset = Device.objects.all()",
  "",
  "class SiteViewSet(viewsets.ModelViewSet):",
  "    queryset = Site.objects.all()",
  "",
  "class RackViewSet(viewsets.ReadOnlyModelViewSet):",
  "    queryset = Rack.objects.all()",
].join("\n");

describe("choosePersona, by what the code is", () => {
  it("three changed DRF viewsets in views.py go to the architect, though views.py is an engineer path", () => {
    const file = changedAt("dcim/views.py", VIEWSETS, [4, 7, 10]);
    const choice = choosePersona(AGENTS, [file], undefined, new Map([["dcim/views.py", VIEWSETS]]));
    expect(choice.persona).toBe("architect");
    expect(choice.scores.architect).toBe(12); // 3 × 4; one changed line each adds nothing more
    expect(choice.reason).toMatch(/^architect \(12 vs \d\): 3 DRF viewsets changed in `dcim\/views.py`/);
    // Without the head, only the path is known: the engineer's glob decides, as before.
    expect(choosePersona(AGENTS, [file]).persona).toBe("engineer");
  });

  it("reads a class header whose bases run over several lines", () => {
    const head = [
      "class DeviceViewSet(",
      "    SequentialBulkCreatesMixin,",
      "    NetBoxModelViewSet",
      "):",
      "    queryset = Device.objects.prefetch_related(",
      "        'parent_bay',",
      "    )",
    ].join("\n");
    const choice = choosePersona(
      AGENTS,
      [changedAt("dcim/api/views.py", head, [6])],
      undefined,
      new Map([["dcim/api/views.py", head]]),
    );
    expect(choice.reason).toBe("architect (4 vs 0): a DRF viewset changed in `dcim/api/views.py`");
  });

  it("counts only the definitions the change touched, weighted by the lines changed in them", () => {
    const models = [
      "class Order(models.Model):",
      ...Array.from({ length: 12 }, (_, i) => `    f${i} = models.IntegerField()`),
      "",
      "class OrderSerializer(serializers.ModelSerializer):",
      "    class Meta:",
      "        model = Order",
    ].join("\n");
    const heads = new Map([["shop/api.py", models]]);
    // 12 changed lines in the model: 4 + 3; the serializer untouched
    const choice = choosePersona(
      AGENTS,
      [changedAt("shop/api.py", models, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])],
      undefined,
      heads,
    );
    expect(choice.scores.engineer).toBeGreaterThanOrEqual(7);
    expect(choice.reason).toMatch(/^engineer \(\d+ vs \d+\): a model changed in `shop\/api.py`/);
    expect(choice.reason).not.toContain("serializer");
  });

  it("says when the call is close, and how to ask for the other view", () => {
    const view = "async def feed(request):\n    return JsonResponse({})";
    const model = "class Item(models.Model):\n    name = models.CharField(max_length=5)";
    const heads = new Map([
      ["shop/feeds.py", view],
      ["shop/items.py", model],
    ]);
    const choice = choosePersona(
      AGENTS,
      [changedAt("shop/feeds.py", view, [2]), changedAt("shop/items.py", model, [2])],
      undefined,
      heads,
    );
    // 4 for the changed model + 1 for its field; 4 for the changed async view + 1 for its signal: a tie
    expect(choice.scores).toEqual({ architect: 5, engineer: 5 });
    expect(choice.reason).toBe(
      "engineer (5 vs 5): a model changed in `shop/items.py`; added lines with model fields — a close call: " +
        "`/django-review architect` asks for the architect's view",
    );
    const architectOnly = choosePersona(AGENTS, [changedAt("shop/feeds.py", view, [1, 2])], undefined, heads);
    expect(architectOnly.reason).toMatch(/^architect \(\d+ vs 0\): an async view changed in `shop\/feeds.py`/);
  });
});
