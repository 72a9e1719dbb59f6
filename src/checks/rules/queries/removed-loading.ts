import type { SyntaxNode } from "@lezer/common";
import type { Rule, RuleHit } from "../../types.js";
import { isPython } from "./shared.js";
import { code } from "../../../comments/markdown.js";

const LOADING_CALL = /\b(select_related|prefetch_related|list_select_related)\b\s*[(=]\s*([^)\n]*)/g;

/** Relation names a line loads (`select_related("a", "b__c")` -> a, b__c); `*` for a bare `select_related()`. */
function loadedNames(line: string): string[] {
  const names: string[] = [];
  for (const m of line.matchAll(LOADING_CALL)) {
    const args = [...(m[2] ?? "").matchAll(/["']([\w]+)["']/g)].map((a) => a[1] as string);
    names.push(...(args.length > 0 ? args : m[1] === "select_related" && /^\s*$/.test(m[2] ?? "") ? ["*"] : []));
  }
  return names;
}

/**
 * The change deletes eager loading (`select_related("x")`, `prefetch_related("x")`,
 * `list_select_related`) that the head no longer has anywhere in the file. Whatever reads `x` per row
 * — a template, a serializer, `__str__`, an admin column — now queries once per row; the reader is
 * often in another file, so the deletion itself is the place to ask.
 */
export const removedEagerLoading: Rule = {
  id: "DJ114",
  title: "Eager loading removed from a queryset",
  severity: "minor",
  category: "queries",
  tags: ["n+1"],
  persona: "architect",
  explanation:
    "Removing `select_related`/`prefetch_related` turns every per-row read of that relation (templates, " +
    "serializers, `__str__`, admin columns) into a query per row. Keep it unless nothing reads the relation, " +
    "or move it to where the queryset is built.",
  appliesTo: (f) =>
    isPython(f) &&
    f.removedLines.some((line) =>
      /\b(select_related|prefetch_related|list_select_related)\b|^\s*["'][\w]+["'],?/.test(line),
    ),
  check(file) {
    const head = file.text;
    const py = file.python;
    const statements = py.nodes("AssignStatement").concat(py.nodes("ReturnStatement"), py.nodes("ExpressionStatement"));
    // Still loaded somewhere in the file (moved, reordered, re-wrapped): nothing was lost.
    const kept = (name: string) =>
      name === "*"
        ? /select_related\(\s*\)/.test(head)
        : new RegExp(`\\b(select_related|prefetch_related|Prefetch|list_select_related)\\b[^)]*["']${name}["']`).test(
            head,
          );
    const places = new Map<number, { construct: SyntaxNode; names: Set<string>; at: number }>();
    for (const { text: raw, line } of file.removedAt) {
      // A trailing comment (`'device_type',  # read by __str__`) is not part of the relation list.
      const text = raw.replace(/\s+#.*$/, "");
      // A deleted line sits before the next head line: the construct is the one there or just above.
      for (const at of [line, line - 1]) {
        const spans = (node: SyntaxNode) => py.lineOf(node) <= at && at <= py.line(Math.max(node.from, node.to - 1));
        const admin = /\blist_select_related\b/.test(text)
          ? py.nodes("ClassDefinition").find((c) => spans(c) && /list_display/.test(py.src(c)))
          : undefined;
        const construct = admin ?? innermost(statements.filter(spans));
        if (!construct) continue;
        // A line of a multi-line `prefetch_related(\n "a",\n "b")` names its relations without the call.
        const inCall =
          /\b(select_related|prefetch_related)\s*\(/.test(py.src(construct)) && /^\s*(["'][\w]+["'],?\s*)+$/.test(text);
        const names = (
          inCall ? [...text.matchAll(/["']([\w]+)["']/g)].map((m) => m[1] as string) : loadedNames(text)
        ).filter((n) => !kept(n));
        if (names.length === 0) break;
        // `at` is where the deletion sits, so the finding counts as this change's even just below the construct.
        const place = places.get(construct.from) ?? { construct, names: new Set<string>(), at: line };
        for (const name of names) place.names.add(name);
        places.set(construct.from, place);
        break;
      }
    }
    const hits: RuleHit[] = [];
    for (const { construct, names, at } of places.values()) {
      const listed = [...names].map((n) => (n === "*" ? "`select_related()`" : `${code(`${n}`)}`)).join(", ");
      hits.push({
        line: py.lineOf(construct),
        endLine: Math.max(at, py.line(Math.max(construct.from, construct.to - 1))),
        message:
          `This change stops loading ${listed}: anything that reads ${names.size > 1 ? "them" : "it"} per ` +
          `row (a template, a serializer, \`__str__\`, an admin column) now runs one query per row. Keep the ` +
          `loading unless nothing reads it.`,
      });
    }
    return hits;
  },
};

/** The innermost of nested statements (the one that starts last). */
function innermost(statements: SyntaxNode[]): SyntaxNode | undefined {
  return statements.reduce<SyntaxNode | undefined>((best, s) => (!best || s.from >= best.from ? s : best), undefined);
}
