import type { SyntaxNode } from "@lezer/common";
import { instanceModel } from "../../instances.js";
import { enclosingDef, type PythonFile } from "../../python.js";
import { chainLinks } from "../../querysets.js";
import type { Rule, RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";

/**
 * Whether the function reads the related row for more than its id (`self.owner.flip_set`): it is loaded
 * there anyway and cached on the object, so `_id` would save no query.
 */
function loadedAnywayIn(py: PythonFile, member: SyntaxNode, path: string): boolean {
  const def = enclosingDef(member);
  if (!def) return false;
  const other = new RegExp(`\\b${path.replace(/\./g, "\\.")}\\.(?!(id|pk)\\b)\\w+`);
  return other.test(py.src(def));
}

export const relatedIdThroughObject: Rule = {
  id: "DJ112",
  title: "`obj.fk.id` loads the related row to read a column the row already has",
  severity: "nit",
  category: "queries",
  persona: "architect",
  explanation:
    "`order.customer.id` fetches the customer (one query, unless already loaded) just to read its id, which the " +
    "order row already holds: use `order.customer_id`.",
  appliesTo: (f) => f.kind === "python" && !f.isMigration && /\.(id|pk)\b/.test(f.text),
  check(file, project) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const member of py.nodes("MemberExpression")) {
      if (member.parent?.name === "MemberExpression") continue;
      const links = chainLinks(py, member);
      const last = links.at(-1);
      if (!last || last.call || !/^(id|pk)$/.test(last.name) || links.length < 3) continue;
      const relation = links.at(-2) as { name: string; call?: SyntaxNode };
      // `x_id` exists only when x is a ForeignKey of the model the root holds, so the root must be known.
      if (relation.call || links.length !== 3) continue;
      const rootNode = (links[0] as { node: SyntaxNode }).node;
      const model = project.model(instanceModel(py, rootNode, project));
      if (!model?.fields.get(relation.name)?.forward) continue;
      const root = links[0]?.name as string;
      if (loadedAnywayIn(py, member, `${root}.${relation.name}`)) continue;
      const access = `${root}.${relation.name}.${last.name}`;
      hits.push({
        line: py.lineOf(member),
        // read the same way on a deleted line (an expression pulled out into a variable): not the change's
        restated: file.removedIncludes(access),
        message: `${code(access)} loads the ${relation.name} row; read ${code(`${root}.${relation.name}_id`)} instead.`,
      });
    }
    return hits;
  },
};
