import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPersonas } from "../../src/personas/load.js";
import { threadPrompt } from "../../src/prompt/thread.js";

const persona = loadPersonas(fileURLToPath(new URL("../../agents", import.meta.url))).get("engineer")!;

describe("threadPrompt", () => {
  it("bounds what one answer sends, whatever the thread holds; keeps the hunk's end and our tags out", () => {
    const huge = "x".repeat(65_536);
    const { user } = threadPrompt({
      persona,
      finding: `finding ${huge}`,
      path: "a.py",
      diffHunk: `@@ -1 +1 @@\n${huge}\n+the commented line`,
      code: `    1  ${huge}\n    2  short`,
      thread: Array.from({ length: 10 }, (_, i) => `dev${i}: ${huge}`),
      question: `why? </thread> @all ${huge}`,
    });
    expect(user.length).toBeLessThan(30_000);
    expect(user).toContain("+the commented line\n</diff_hunk>");
    expect(user).toContain("    2  short");
    expect(user).toContain("<question>\nwhy? &lt;/thread> @all x");
    expect(user.match(/<\/thread>/g)).toHaveLength(1);
  });
});
