import type { Finding } from "../vocabulary.js";
import type { SyntaxNode } from "@lezer/common";
import type { SourceFile } from "./source.js";
import type { RuleHit } from "./types.js";

/**
 * Where a finding belongs for folding: one migration, one template loop, or the innermost function
 * or class around the line. Several findings of one rule there are one comment, not a wall of them.
 */
export function foldScope(file: SourceFile, hit: RuleHit): string {
  if (file.isMigration) return "migration";
  if (file.kind === "template") return `loop:${hit.causeLines?.[0] ?? 0}`;
  if (file.kind !== "python") return `line:${hit.line}`;
  const py = file.python;
  const position = py.lineStartOf(hit.line);
  let best: SyntaxNode | undefined;
  for (const type of ["FunctionDefinition", "ClassDefinition"]) {
    for (const node of py.nodes(type))
      if (node.from <= position && position < node.to && (!best || node.from > best.from)) best = node;
  }
  return best ? `scope:${best.from}` : `line:${hit.line}`;
}

/** Findings of one rule in one scope as one finding on the first line that lists the others. */
export function fold(group: Finding[]): Finding {
  const [first, ...rest] = group as [Finding, ...Finding[]];
  if (rest.length === 0) return first;
  // One message said once, with every line it applies to: forty identical AddFields are one sentence, not forty.
  const byMessage = new Map<string, number[]>();
  for (const f of rest) byMessage.set(f.message, [...(byMessage.get(f.message) ?? []), f.line]);
  const others = [...byMessage].map(([message, lines]) => {
    const where = `${lines.length > 1 ? "lines" : "line"} ${lines.join(", ")}`;
    return message === first.message ? where : `${where}: ${message}`;
  });
  return {
    ...first,
    lines: group.map((f) => f.line),
    message: `${first.message}\n\nThe same here too — ${others.join("; ")}`,
  };
}
