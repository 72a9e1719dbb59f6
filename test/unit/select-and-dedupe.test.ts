import { describe, expect, it } from "vitest";
import { dedupeAgainstFindings } from "../../src/comments/findings.js";
import { RepoConfig } from "../../src/config/schema.js";
import { selectFiles } from "../../src/decide/select-files.js";
import type { DiffFile } from "../../src/diff/types.js";
import type { ModelComment } from "../../src/model/review-tool.js";
import type { Finding } from "../../src/vocabulary.js";

const file = (path: string, extra: Partial<DiffFile> = {}): DiffFile => ({
  path,
  status: "modified",
  hunks: [],
  additions: 1,
  deletions: 0,
  ...extra,
});

describe("selectFiles", () => {
  it("skips secrets, unreviewable, excluded and generated files with the reason, and ranks Python, then templates", () => {
    const config = RepoConfig.parse({ exclude_paths: ["legacy/**"], secret_paths: ["deploy/vault.yml"] });
    const { reviewable, skipped } = selectFiles(
      [
        file("README.md"),
        file("shop/templates/shop/list.html"),
        file(".env.production"),
        file("deploy/vault.yml"),
        file("logo.png", { unreviewable: "binary" }),
        file("old.py", { unreviewable: "pure-rename" }),
        file("legacy/views.py"),
        file("package-lock.json"),
        file("shop/views.py"),
      ],
      config,
    );
    expect(reviewable.map((f) => f.path)).toEqual(["shop/views.py", "shop/templates/shop/list.html", "README.md"]);
    expect(skipped).toEqual([
      { path: ".env.production", reason: "looks like a secrets file; never sent to the model" },
      { path: "deploy/vault.yml", reason: "looks like a secrets file; never sent to the model" },
      { path: "logo.png", reason: "binary file" },
      { path: "old.py", reason: "renamed without changes" },
      { path: "legacy/views.py", reason: "excluded by `exclude_paths`" },
      { path: "package-lock.json", reason: "lock, vendored, generated or built file (`skip_paths`)" },
    ]);
  });

  it("keeps the PR's order within a rank", () => {
    const { reviewable } = selectFiles([file("b.py"), file("a.html"), file("a.py")], RepoConfig.parse({}));
    expect(reviewable.map((f) => f.path)).toEqual(["b.py", "a.py", "a.html"]);
  });
});

describe("dedupeAgainstFindings", () => {
  const finding: Finding = {
    rule: "DJ101",
    title: "Query in a loop",
    severity: "major",
    category: "queries",
    persona: "engineer",
    file: "shop/views.py",
    line: 10,
    message: "m",
    explanation: "e",
  };
  const comment = (extra: Partial<ModelComment>): ModelComment => ({
    path: "shop/views.py",
    line: 10,
    side: "RIGHT",
    severity: "major",
    body: "This is an N+1: use select_related.",
    ...extra,
  });

  it("drops a model comment on the rule's line (±1) and topic, moving its one-line suggestion onto the rule", () => {
    const result = dedupeAgainstFindings(
      [comment({ suggestion: "for o in qs.select_related('c'):" }), comment({ line: 11 })],
      [finding],
    );
    expect(result.comments).toEqual([]);
    expect(result.dropped).toBe(2);
    expect([...result.suggestions]).toEqual([[finding, "for o in qs.select_related('c'):"]]);
  });

  it("keeps comments on another topic, another file, another side, or two lines away", () => {
    const kept = [
      comment({ body: "Name this variable after what it holds." }),
      comment({ path: "shop/models.py" }),
      comment({ side: "LEFT" }),
      comment({ line: 12 }),
    ];
    const result = dedupeAgainstFindings(kept, [finding]);
    expect(result.comments).toEqual(kept);
    expect(result.dropped).toBe(0);
    expect(result.suggestions.size).toBe(0);
  });

  it("takes no suggestion from a range comment or a neighbouring line, and only the first for a finding", () => {
    const result = dedupeAgainstFindings(
      [
        comment({ start_line: 9, suggestion: "range" }),
        comment({ line: 11, suggestion: "neighbour" }),
        comment({ suggestion: "first" }),
        comment({ suggestion: "second" }),
      ],
      [finding],
    );
    expect(result.dropped).toBe(4);
    expect([...result.suggestions.values()]).toEqual(["first"]);
  });
});
