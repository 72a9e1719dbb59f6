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
  const others = rest.map((f) => (f.message === first.message ? `line ${f.line}` : `line ${f.line}: ${f.message}`));
  return {
    ...first,
    lines: group.map((f) => f.line),
    message: `${first.message}\n\nThe same here too — ${others.join("; ")}`,
  };
}
