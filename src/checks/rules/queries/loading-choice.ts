import { callParts } from "../../python.js";
import { knownModelCalls } from "../../querysets.js";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

/**
 * `prefetch_related("customer")` where `customer` is a ForeignKey/OneToOneField of the queryset's model:
 * a second query (and an `IN` list of every id) where `select_related` joins the row into the first.
 * Only a plain relation name of a known model counts: `a__b` paths, `Prefetch(...)` objects (they may
 * filter or narrow the related rows on purpose) and querysets whose model is not known are left alone.
 */
const PREFETCH = new Set(["prefetch_related"]);

export const prefetchForForwardRelation: Rule = {
  id: "DJ115",
  title: "`prefetch_related` on a ForeignKey/OneToOne: `select_related` joins it in the same query",
  severity: "minor",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "`prefetch_related` is for many-to-many and reverse relations; on a ForeignKey or OneToOneField it runs a " +
    "second query with every id in an `IN` list, where `select_related` adds a join to the query already running.",
  appliesTo: (f) => isPython(f) && /prefetch_related\(/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { call, model } of knownModelCalls(py, project, PREFETCH)) {
      const forward = (callParts(py, call)?.positional ?? [])
        .filter((a) => a.name === "String")
        .map((a) => py.src(a).replace(/^['"]|['"]$/g, ""))
        .filter((name) => model.fields.get(name)?.forward);
      if (forward.length === 0) continue;
      const names = forward.map((n) => code(`"${n}"`)).join(", ");
      hits.push({
        // The `prefetch_related` of a chain wrapped over lines, not the chain's first line.
        line: py.lineOf(call.firstChild?.lastChild ?? call),
        endLine: py.line(Math.max(call.from, call.to - 1)),
        message:
          `${names} ${forward.length > 1 ? "are ForeignKey/OneToOne fields" : "is a ForeignKey/OneToOne field"} of ` +
          `${code(model.name)}: ${code(`prefetch_related`)} fetches ${forward.length > 1 ? "them" : "it"} with a ` +
          `second query, ${code(`select_related(${forward.map((n) => `"${n}"`).join(", ")})`)} joins ` +
          `${forward.length > 1 ? "them" : "it"} into this one.`,
      });
    }
    return hits;
  },
};
