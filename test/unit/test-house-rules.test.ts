import { readdirSync, readFileSync } from "node:fs";
import { walk } from "../../src/eval/corpus.js";
import { join, relative } from "node:path";
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

  it("keep product code (src/, scripts/, bench/) within 120 columns, so it reads without scrolling", () => {
    // Tests are exempt: their Python fixtures are one source line per string, and their names read whole.
    const root = join(testDir, "..");
    const long = ["src", "scripts", "bench"].flatMap((dir) =>
      walk(join(root, dir))
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) =>
          readFileSync(file, "utf8")
            .split("\n")
            .flatMap((line, i) => (line.length > 120 ? [`${relative(root, file)}:${i + 1}`] : [])),
        ),
    );
    expect(long).toEqual([]);
  });
});
