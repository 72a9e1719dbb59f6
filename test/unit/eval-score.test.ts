import type { Finding } from "../../src/vocabulary.js";
import { readdirSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scoreCase, scoreCorpus } from "../../src/eval/score.js";

function finding(file: string, line: number, category: Finding["category"], rule = "DJ101"): Finding {
  return {
    rule,
    title: "",
    severity: "major",
    category,
    persona: "architect",
    file,
    line,
    message: "",
    explanation: "",
  };
}

const corpusCase = {
  id: "c1",
  expected: [
    { file: "a.py", lines: [10], category: "queries" as const },
    { file: "a.py", lines: [40], category: "async" as const },
  ],
  optional: [{ file: "a.py", lines: [20] }],
  mustNotFlag: [{ file: "a.py", lines: [30] }],
};

describe("corpus scoring", () => {
  it("matches by file, category and a 3-line window; optional findings count for nothing", () => {
    const score = scoreCase(corpusCase, [
      finding("a.py", 13, "queries"), // within 3 lines: true positive
      finding("a.py", 14, "queries"), // 4 away: false positive
      finding("a.py", 10, "security"), // wrong category: false positive
      finding("a.py", 21, "models"), // optional
      finding("a.py", 30, "queries"), // look-alike
    ]);
    expect(score.truePositives.map((f) => f.line)).toEqual([13]);
    expect(score.falsePositives.map((f) => f.line)).toEqual([14, 10, 30]);
    expect(score.lookAlikeHits.map((f) => f.line)).toEqual([30]);
    expect(score.missed).toEqual([corpusCase.expected[1]]);

    const total = scoreCorpus([score], [corpusCase], [{ id: "DJ101", category: "queries" }]);
    expect(total.precision).toBeCloseTo(1 / 4);
    expect(total.recall).toBeCloseTo(1 / 2);
    expect(total.categories.async).toEqual({ tp: 0, fp: 0, fn: 1 });
    expect(total.rules.DJ101).toEqual({ tp: 1, fp: 3, fn: 0 });
  });
});

describe("npm run eval:checks", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
  const corpus = fileURLToPath(new URL("../corpus", import.meta.url));

  it("prints one JSON object with precision, recall, per-rule tallies and every finding", () => {
    const out = execFileSync(tsx, ["src/eval-checks.ts", corpus, "--json"], { cwd: root, encoding: "utf8" });
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(["precision", "recall", "rules", "findings"]));
    expect(report.cases).toBeGreaterThanOrEqual(25);
    expect(report.precision).toBe(1);
    expect(report.recall).toBe(1);
    // Every case's exact findings: a rule that stops firing, or fires on something new, fails here by name.
    const byCase: Record<string, string[]> = {};
    for (const dir of readdirSync(corpus, { withFileTypes: true })) if (dir.isDirectory()) byCase[dir.name] = [];
    for (const f of report.findings as Array<{ case: string; rule: string; file: string; line: number }>)
      byCase[f.case]?.push(`${f.rule}@${f.file}:${f.line}`);
    for (const list of Object.values(byCase)) list.sort();
    expect(byCase).toEqual({
      "a01-sync-orm-in-async-view": ["DJ201@catalog/views.py:18", "DJ201@catalog/views.py:7"],
      "a02-blocking-io-in-async": ["DJ202@hooks/views.py:10"],
      "a03-unawaited-async-orm": ["DJ203@stats/service.py:11", "DJ203@stats/service.py:7"],
      "a04-async-consumer": ["DJ201@chat/consumers.py:12"],
      "a05-sync-http-client-in-async": ["DJ202@integrations/views.py:6"],
      "d01-field-definitions": [
        "DJ501@shop/models.py:11",
        "DJ502@shop/models.py:7",
        "DJ506@shop/models.py:12",
        "DJ507@shop/models.py:14",
        "DJ508@shop/models.py:11",
        "DJ508@shop/models.py:5",
      ],
      "d02-save-override": ["DJ505@blog/models.py:9", "DJ508@blog/models.py:15", "DJ508@blog/models.py:6"],
      "d03-filter-on-unindexed-field": ["DJ503@shop/lookups.py:5", "DJ508@shop/models.py:6"],
      "m01-add-not-null-field": ["DJ301@shop/migrations/0007_order_channel.py:8"],
      "m02-runpython-hygiene": [
        "DJ302@shop/migrations/0008_backfill_channel.py:21",
        "DJ303@shop/migrations/0008_backfill_channel.py:23",
        "DJ309@shop/migrations/0008_backfill_channel.py:3",
      ],
      "m03-drop-and-rename": [
        "DJ304@accounts/migrations/0012_profile_cleanup.py:8",
        "DJ305@accounts/migrations/0012_profile_cleanup.py:9",
      ],
      "m04-index-without-concurrently": ["DJ307@shop/migrations/0009_order_sku_index.py:8"],
      "m05-atomic-false-mixed": ["DJ308@shop/migrations/0011_mixed.py:10"],
      "m06-alter-field-type-change": ["DJ306@shop/migrations/0012_order_reference.py:8"],
      "q01-fk-access-in-loop": ["DJ101@shop/views.py:10"],
      "q02-reverse-manager-in-loop": ["DJ101@library/reports.py:7"],
      "q03-query-in-loop": ["DJ102@billing/services.py:7"],
      "q04-drf-viewset-nested-serializer": ["DJ103@shop/api/views.py:8"],
      "q05-len-and-count-existence": ["DJ104@shop/checks.py:5", "DJ106@shop/checks.py:9"],
      "q06-queryset-truthiness": ["DJ105@accounts/views.py:5"],
      "q07-template-relation-in-loop": ["DJ107@blog/templates/blog/post_list.html:6"],
      "q08-unpaginated-list-endpoint": ["DJ108@shop/api/orders.py:11"],
      "q09-save-in-loop": ["DJ110@shop/management/commands/reprice.py:12"],
      "q10-template-fk-in-loop": ["DJ107@shop/templates/shop/orders.html:5"],
      "q11-queryset-parameter": ["DJ101@shop/exports.py:7"],
      "q12-admin-list-display-relations": ["DJ109@shop/admin.py:8"],
      "q13-serializer-method-field-queries": ["DJ111@shop/api/serializers.py:16", "DJ111@shop/api/serializers.py:19"],
      "q14-fk-id-through-object": ["DJ112@shop/services.py:5"],
      "s01-raw-sql-formatting": [
        "DJ401@reports/queries.py:13",
        "DJ401@reports/queries.py:25",
        "DJ401@reports/queries.py:8",
      ],
      "s02-mark-safe": ["DJ402@blog/templatetags/blog_tags.py:10"],
      "s03-template-safe-filter": ["DJ403@blog/templates/blog/comment.html:2"],
      "s04-settings-security": [
        "DJ405@config/settings/production.py:5",
        "DJ406@config/settings/production.py:6",
        "DJ407@config/settings/production.py:7",
        "DJ407@config/settings/production.py:8",
        "DJ408@config/settings/production.py:9",
      ],
      "s05-settings-done-right": [],
      "s06-csrf": ["DJ404@payments/views.py:7", "DJ411@payments/templates/payments/card.html:1"],
      "s07-htmx-without-csrf": ["DJ410@todo/templates/todo/list.html:6"],
      "s08-htmx-with-global-header": [],
      "s09-redirect-and-pickle": ["DJ409@accounts/views.py:19", "DJ412@accounts/views.py:8"],
      "s10-mass-assignment": ["DJ413@accounts/forms.py:9"],
      "s11-sql-through-variable": ["DJ401@reports/raw.py:7"],
      "s12-dev-settings": [],
      "s13-variable-in-script": ["DJ415@shop/templates/shop/checkout.html:6"],
      "s14-insecure-cookie": ["DJ416@accounts/views.py:6"],
      "t01-task-given-instance": ["DJ601@shop/checkout.py:14", "DJ601@shop/checkout.py:7"],
      "t02-enqueue-in-transaction": ["DJ602@shop/services.py:10", "DJ602@shop/services.py:25"],
      "x01-only-changed-lines": ["DJ104@shop/views.py:15"],
    });
    expect(report.findings[0]).toEqual({
      case: expect.any(String),
      file: expect.any(String),
      line: expect.any(Number),
      rule: expect.stringMatching(/^DJ\d{3}$/),
      category: expect.any(String),
    });
    const categories = new Set(report.findings.map((f: { category: string }) => f.category));
    expect(categories).toEqual(new Set(["queries", "async", "migrations", "security", "models", "tasks"]));
  });

  it("exits non-zero below --min-precision / --min-recall", () => {
    const ok = spawnSync(tsx, ["src/eval-checks.ts", corpus, "--min-precision", "0.5", "--min-recall", "0.5"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(ok.status).toBe(0);
    const failing = spawnSync(tsx, ["src/eval-checks.ts", corpus, "--min-recall", "1.01"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain("below --min-recall");
  });
});
