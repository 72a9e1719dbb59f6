import { readFileSync } from "node:fs";
import Ajv2020Module from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../src/config/json-schema.js";
import { parseRepoConfig } from "../../src/config/schema.js";

const committed = JSON.parse(readFileSync(new URL("../../django-review.schema.json", import.meta.url), "utf8"));

describe("the config's JSON schema (for editors)", () => {
  it("is the one generated from the zod schema: run `npm run config:schema` after changing the config", () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it("accepts what the app accepts and refuses what it refuses", () => {
    const validate = new Ajv2020Module.default({ strict: false }).compile(committed);
    const cases: unknown[] = [
      {},
      {
        persona: "architect",
        review_drafts: true,
        max_comments: 15,
        exclude_paths: ["docs/**"],
        _extends: "org/.github",
      },
      {
        check_run: { fail_on: "major" },
        summary: { cost: false },
        checks: { disable: ["DJ307", "migrations"], ignore: [{ paths: ["legacy/**"], rules: ["DJ101"] }] },
      },
      { persona: "reviewer" },
      { max_comments: -1 },
      { check_run: { fail_on: "sometimes" } },
      { unknown_key: 1 },
    ];
    expect(cases.map((c) => validate(c))).toEqual([true, true, true, false, false, false, false]);
    for (const config of cases) {
      const { _extends: _ignored, ...rest } = config as Record<string, unknown>;
      expect(validate(config), JSON.stringify(config)).toBe(parseRepoConfig(rest).problems.length === 0);
    }
  });
});

describe("config problems, key by key", () => {
  it("names unknown keys (one or several, top level or nested), wrong types and a file that is not a mapping", () => {
    expect(parseRepoConfig({ foo: 1, bar: 2 }).problems).toEqual(["unknown keys `foo`, `bar`"]);
    expect(parseRepoConfig({ foo: 1 }).problems).toEqual(["unknown key `foo`"]);
    expect(parseRepoConfig({ checks: { foo: 1 } }).problems).toEqual(["unknown key `foo` in `checks`"]);
    expect(parseRepoConfig({ max_comments: "x" }).problems).toEqual([
      "`max_comments`: Invalid input: expected number, received string",
    ]);
    expect(parseRepoConfig("text").problems).toEqual([
      "`(top level)`: Invalid input: expected object, received string",
    ]);
    expect(parseRepoConfig(null)).toEqual({ config: parseRepoConfig({}).config, problems: [] });
    expect(parseRepoConfig(undefined).problems).toEqual([]);
  });
});
