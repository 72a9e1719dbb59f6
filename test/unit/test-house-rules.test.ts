import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const testDir = fileURLToPath(new URL("..", import.meta.url));

function testFiles(): string[] {
  return ["unit", "integration"].flatMap((dir) =>
    readdirSync(join(testDir, dir))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => join(dir, f)),
  );
}

describe("the tests' own rules", () => {
  it("set HTTP mocks only through the helpers (test/helpers/github-mock.ts, anthropic-mock.ts), never with raw nock", () => {
    // A raw interceptor skips what the helpers guarantee (GHE paths, recorded payload shapes, call capture).
    const raw = testFiles().flatMap((file) =>
      readFileSync(join(testDir, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (/\bnock\s*\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(raw).toEqual([]);
    expect(testFiles().length).toBeGreaterThan(40);
  });
});
