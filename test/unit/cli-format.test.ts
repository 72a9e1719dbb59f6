import { describe, expect, it } from "vitest";
import { IN_BACKGROUND, POSTGRES_UNKNOWN } from "../../src/checks/conditions.js";
import { formatReport } from "../../src/cli/format.js";
import type { Report, ReportItem } from "../../src/report/report.js";

const held = (condition: string): ReportItem => ({
  file: "shop/tasks.py",
  line: 3,
  severity: "major",
  message: "m",
  rule: "DJ102",
  fingerprint: "f",
  condition,
});

const report = (extra: Partial<Report>): Report => ({
  persona: "engineer",
  personaReason: "r",
  notices: [],
  findings: [],
  suppressed: 0,
  conditional: [],
  project: "Django version unknown, database unknown",
  comments: [],
  skipped: [],
  configProblems: [],
  ...extra,
});

describe("the CLI's text report", () => {
  it("counts what was suppressed and each kind of held-back note, without listing the held-back findings", () => {
    const text = formatReport(
      report({ suppressed: 2, conditional: [held(IN_BACKGROUND.hint), held(POSTGRES_UNKNOWN.hint)] }),
      "text",
      { color: false },
    );
    expect(text).not.toContain("shop/tasks.py");
    expect(text.split("\n").at(-1)).toBe(
      "0 check findings (2 suppressed; 1 PostgreSQL-only note not posted: the database is unknown " +
        "(`project.database` in the config settles it); 1 query-per-row note on background code (tasks, commands) not posted" +
        ": handed to the model to weigh), 0 model comments.",
    );
    expect(formatReport(report({}), "text", { color: false }).split("\n").at(-1)).toBe(
      "0 check findings, 0 model comments.",
    );
  });
});
