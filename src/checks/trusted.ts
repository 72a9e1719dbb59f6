import type { SyntaxNode } from "@lezer/common";
import {
  assignmentsInScope,
  callParts,
  children,
  classBases,
  conditionalBranches,
  defsIn,
  enclosingDef,
  type PythonFile,
} from "./python.js";
import { isParameter, listAdditions, parameterNames } from "./built-values.js";
import { boundNames } from "./loops.js";
import { exactly } from "../util/regex.js";

/**
 * Calls whose result carries no outside text: numbers, escaped or translated literals, Django's HTML builders (not
 * reverse(): it leaves a quote in its arguments unescaped).
 */
const TRUSTED_CALLS = exactly([
  ...["len", "int", "float", "round", "abs", "sum", "min", "max", "count"],
  ...["conditional_escape", "escape", "format_html", "format_html_join", "json_script", "intcomma", "naturaltime"],
  // flatatt() escapes attribute values (format_html_join); floatformat() prints a number
  ...["flatatt", "floatformat"],
  // dates and times as Django formats them (the `date` filter, `timesince`), or `dt.date()`: digits and month names
  ...["date", "time", "date_format", "time_format", "timesince", "timeuntil", "naturalday", "isoformat"],
]);
const TRANSLATIONS =
  /^(_|gettext|gettext_lazy|ugettext|ugettext_lazy|pgettext|pgettext_lazy|ngettext|ngettext_lazy|npgettext)$/;
const CONSTANT = /^([A-Za-z_]\w*\.)*[A-Z][A-Z0-9_]*$/;

/**
 * Whether a value is under the code's control rather than data: literals, module constants
 * (`SEPARATOR`, `DEFAULT_TABLE_NAME`), translated literals, numbers (`len()`, `.count()`, arithmetic),
 * escaped values, joins and formats of those, and variables assigned only such values. SQL built from
 * a constant table name, or HTML with counts in it, is not an injection.
 */
export function isTrusted(
  py: PythonFile,
  node: SyntaxNode,
  depth = 0,
  /** Variables a caller knows to be safe where they are used (a parameterised SQL fragment). */
  trustedName?: (name: SyntaxNode) => boolean,
): boolean {
  // Deep enough for a table name followed from a module constant through a loop, a comprehension, a join and
  // the variable holding the statement (La Suite Docs f714c7fae3: ten steps); a bound, not a proof.
  if (depth > 12) return false;
  switch (node.name) {
    case "Number":
    case "String":
    case "Boolean":
    case "None":
      return true;
    case "FormatString":
      return py.within(node, "FormatReplacement").every((r) => {
        const value = children(r).find((c) => !/^[{}:]$|^Format(Conversion|Spec)$/.test(c.name));
        return value === undefined || isTrusted(py, value, depth + 1, trustedName);
      });
    case "ContinuedString": // "a " "b": adjacent literals, each checked (an f-string among them too)
      return children(node).every((c) => isTrusted(py, c, depth + 1, trustedName));
    case "ParenthesizedExpression":
    case "UnaryExpression":
      return children(node).every(
        (c) => /^[()]$|^(ArithOp|not)$/.test(c.name) || isTrusted(py, c, depth + 1, trustedName),
      );
    case "BinaryExpression": {
      // `"&nbsp;" * depth`: a literal repeated; the count only says how often (anything else raises in Python).
      const [left, op, right] = children(node);
      if (op && py.src(op) === "*" && [left, right].some((side) => side?.name === "String")) return true;
      return children(node).every(
        (c) => /Op$|^(and|or|in|is|not)$/.test(c.name) || isTrusted(py, c, depth + 1, trustedName),
      );
    }
    case "ComprehensionExpression":
    case "ArrayComprehensionExpression":
    case "SetComprehensionExpression":
    case "DictionaryComprehensionExpression":
      return comprehensionTrusted(py, node, depth, trustedName);
    case "TupleExpression":
    case "ArrayExpression":
    case "SetExpression":
      return children(node).every((c) => /^[()[\]{},]$/.test(c.name) || isTrusted(py, c, depth + 1, trustedName));
    case "DictionaryExpression": {
      const parts = children(node).filter((c) => !/^[{},:]$/.test(c.name));
      return parts.every((c) => isTrusted(py, c, depth + 1, trustedName));
    }
    case "MemberExpression":
      // A model's own table and column names (`model._meta.db_table`) are code, not data; a key or a count
      // (`self.instance.pk`, `voucher_set.count`) is a number.
      return (
        CONSTANT.test(py.src(node)) ||
        /\._meta\.(db_table|model_name|app_label|object_name)$/.test(py.src(node)) ||
        /\.(pk|id|count)$/.test(py.src(node))
      );
    case "ConditionalExpression": {
      // `a if test else b` outputs a or b: the test decides, it is not printed.
      const branches = conditionalBranches(node);
      return branches?.every((c) => isTrusted(py, c, depth + 1, trustedName)) === true;
    }
    case "VariableName": {
      const name = py.src(node);
      if (CONSTANT.test(name) || trustedName?.(node)) return true;
      // A parameter holds what the caller passed unless the body replaces it first (`value = escape(value)`):
      // `if not values: values = "(none)"` leaves the caller's value on the other path.
      if (isParameter(py, node) && !replacedBefore(py, node)) return callersPassTrusted(py, node, depth);
      // What the name holds here: the values assigned before this use (`sql = sql.format(...)` reads the first),
      // and what is appended to it as a list anywhere in the function.
      const values = [
        ...(assignmentsInScope(py, node).get(name) ?? []).filter((v) => v.from < node.from),
        ...listAdditions(py, node),
      ];
      // `for table in TRUNCATES:`: each value the loop binds comes from its iterable.
      const iterable = loopIterableOf(py, node);
      if (iterable && !iterableTrusted(py, iterable, depth, trustedName)) return false;
      return (
        (values.length > 0 || iterable !== undefined) && values.every((v) => isTrusted(py, v, depth + 1, trustedName))
      );
    }
    case "ArgList": // `tags.extend(format_html(...) for t in ts)`: the bare generator a list was extended with
      return node.getChild("for") !== null && comprehensionTrusted(py, node, depth, trustedName);
    case "CallExpression": {
      const parts = callParts(py, node);
      if (!parts) return false;
      if (TRANSLATIONS.test(parts.name)) return parts.positional.every((a) => isTrusted(py, a, depth + 1, trustedName));
      if (TRUSTED_CALLS.test(parts.name)) return true;
      // `COLUMNS.items()`: the entries of a trusted mapping
      if (/^(items|keys|values)$/.test(parts.name) && parts.receiver && parts.positional.length === 0)
        return isTrusted(py, parts.receiver, depth + 1, trustedName);
      // `bleach.clean(html, tags=...)`, `nh3.clean(html)`: HTML cut to an allow-list, what marking safe is for
      if (parts.name === "clean" && parts.receiver && /^(bleach|nh3)$/.test(py.src(parts.receiver))) return true;
      if (parts.name === "join" && parts.receiver) {
        // `", ".join(x for x in xs)`: a bare generator argument, which the parser leaves in the argument list
        const args = node.getChild("ArgList");
        const generator = args?.getChild("for") ? args : undefined;
        return (
          isTrusted(py, parts.receiver, depth + 1) &&
          (generator
            ? comprehensionTrusted(py, generator, depth, trustedName)
            : parts.positional.every((a) => isTrusted(py, a, depth + 1, trustedName)))
        );
      }
      // `str(x)`, `connection.ops.quote_name(model._meta.db_table)`, `reverse("detail", kwargs={"pk": obj.pk})`:
      // text of trusted values (reverse() escapes nothing, so its arguments must be trusted too).
      if (parts.name === "reverse" && !parts.hasStarArgs)
        return [...parts.positional, ...parts.keywords.values()].every((a) => isTrusted(py, a, depth + 1, trustedName));
      if (parts.name === "str" || parts.name === "quote_name")
        return parts.positional.every((a) => isTrusted(py, a, depth + 1, trustedName));
      // `_get_ancestors_cte()`: a function of this module, given nothing, that returns only trusted text; or one
      // given values whose returns are trusted without them (`render_code_tag_list(values)` joining
      // `format_html()` pieces): what it is handed does not reach its output unescaped.
      if (!parts.receiver && !parts.hasStarArgs) {
        const given = parts.positional.length > 0 || parts.keywords.size > 0;
        return returnsTrusted(py, parts.name, depth + 1, given);
      }
      // `self._escape(tag)`: a method of this class (or of a base class in this module) whose returns are trusted
      // without what it is handed (a widget's own escaping helper, ArchiveBox b749b26c5d)
      if (parts.receiver && py.src(parts.receiver) === "self" && !parts.hasStarArgs) {
        const def = methodOf(py, node, parts.name);
        const given = parts.positional.length > 0 || parts.keywords.size > 0;
        return def !== undefined && defReturnsTrusted(py, def, depth + 1, given);
      }
      // `re.sub(r"[^A-Za-z0-9_]", "_", value)`: whatever the value, only the allowed characters are left
      if (parts.name === "sub" && parts.receiver && py.src(parts.receiver) === "re") {
        const [pattern, replacement] = parts.positional;
        return (
          pattern !== undefined &&
          replacement !== undefined &&
          ALLOW_LIST.test(py.src(pattern)) &&
          isTrusted(py, replacement, depth + 1, trustedName)
        );
      }
      // `tpl.render(ctx)` of a Django template (`Template(...)`, `get_template(...)`): autoescaped output. A
      // widget's render() answers for its own HTML (a mark_safe inside it is judged there).
      if (parts.name === "render" && parts.receiver && rendersEscaped(py, parts.receiver)) return true;
      // `renderer.render_placeholder(...)`, a form renderer's `renderer.render(template, context)`: what a
      // renderer returns is what its templates rendered (django CMS d123d118db's structure markup).
      if (/^render(_\w+)?$/.test(parts.name) && parts.receiver && /(^|\.|_)renderer$/i.test(py.src(parts.receiver)))
        return true;
      // `dt.strftime("%Y-%m-%d")`: a date in the code's format, whatever the date
      if (parts.name === "strftime" && parts.receiver)
        return parts.positional.length > 0 && parts.positional.every((a) => isTrusted(py, a, depth + 1, trustedName));
      // `"... {tbl} ...".format(tbl=model._meta.db_table)`: a format of trusted text with trusted values; so is
      // `escape(label).replace("{time}", abs_time)`.
      if (/^(format|replace)$/.test(parts.name) && parts.receiver && !parts.hasStarArgs)
        return [parts.receiver, ...parts.positional, ...parts.keywords.values()].every((a) =>
          isTrusted(py, a, depth + 1, trustedName),
        );
      return false;
    }
    default:
      return false;
  }
}

/**
 * Whether the module-level function `name` of this file has returns, all of them trusted. A function `given`
 * arguments must take parameters: they are untrusted in its body (a default or an `if not x: x = ...` is not what
 * the caller passes), so trusted returns do not depend on what it is handed.
 */
function returnsTrusted(py: PythonFile, name: string, depth: number, given = false): boolean {
  // decorated ones too (`@lru_cache` on a SQL builder)
  const def = defsIn(py.tree.topNode).find((d) => py.src(d.getChild("VariableName") ?? d) === name);
  return def !== undefined && defReturnsTrusted(py, def, depth, given);
}

/** Whether every return of `def` is trusted (see returnsTrusted), and it has some. */
function defReturnsTrusted(py: PythonFile, def: SyntaxNode, depth: number, given: boolean): boolean {
  if (given && !def.getChild("ParamList")?.getChild("VariableName")) return false;
  const values = py.within(def, "ReturnStatement").map((r) => children(r)[1]);
  return values.length > 0 && values.every((v) => v !== undefined && isTrusted(py, v, depth));
}

/**
 * The method `name` of the class around `node`, or of one of its bases defined in this module (`class
 * InlineTagEditorWidget(TagEditorWidget)` using the base's `_escape`).
 */
function methodOf(py: PythonFile, node: SyntaxNode, name: string): SyntaxNode | undefined {
  let cls: SyntaxNode | null = node.parent;
  while (cls && cls.name !== "ClassDefinition") cls = cls.parent;
  const classes = py.memo(
    "classesByName",
    py.tree.topNode,
    () => new Map(py.nodes("ClassDefinition").map((c) => [py.src(c.getChild("VariableName") ?? c), c])),
  );
  for (let hop = 0; cls && hop < 4; hop++) {
    const own = defsIn(cls.getChild("Body")).find((d) => py.src(d.getChild("VariableName") ?? d) === name);
    if (own) return own;
    const base = classBases(py, cls).find((b) => classes.has(b));
    cls = base ? (classes.get(base) ?? null) : null;
  }
  return undefined;
}

/** A pattern matching every character outside a class of letters, digits, `_`, `-` and `.`: `r"[^A-Za-z0-9_]+"`. */
const ALLOW_LIST = /^r?["']\[\^(?:[A-Za-z0-9_.]|\\[-w.]|-)+\]\+?["']$/;

/**
 * A parameter of a module-private helper (`_mode_label(title, description)`) that every call in this module hands
 * trusted text: ArchiveBox f400a2cd67's radio labels, written as literals where the form calls it. A public function
 * may be called from anywhere, so its parameters stay the caller's.
 */
function callersPassTrusted(py: PythonFile, param: SyntaxNode, depth: number): boolean {
  const def = enclosingDef(param);
  const name = def ? py.src(def.getChild("VariableName") ?? def) : "";
  if (!def || !/^_[^_]/.test(name) || !defsIn(py.tree.topNode).some((d) => d.from === def.from)) return false;
  const params = [...parameterNames(py, def)];
  const position = params.indexOf(py.src(param));
  const gathers = gathering(py, def, py.src(param));
  const calls = plainCalls(py).get(name) ?? [];
  return (
    calls.length > 0 &&
    calls.every((call) => {
      const parts = callParts(py, call);
      if (!parts || parts.hasStarArgs) return false;
      // `*rest` holds every positional argument from its place on, `**attrs` every keyword no parameter names
      const passed =
        gathers === "*"
          ? parts.positional.slice(position)
          : gathers === "**"
            ? [...parts.keywords].filter(([k]) => !params.includes(k)).map(([, v]) => v)
            : [parts.keywords.get(py.src(param)) ?? parts.positional[position]];
      // a parameter left to its default is not handed anything by this caller
      return passed.every((p) => p === undefined || isTrusted(py, p, depth + 1));
    })
  );
}

/** The module's calls of a bare name (`_helper(...)`, not `x._helper(...)`), by name: read once per file. */
function plainCalls(py: PythonFile): Map<string, SyntaxNode[]> {
  return py.memo("plainCalls", py.tree.topNode, () => {
    const byName = new Map<string, SyntaxNode[]>();
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (parts && !parts.receiver) byName.set(parts.name, [...(byName.get(parts.name) ?? []), call]);
    }
    return byName;
  });
}

/** `"*"` for `def f(*name)`, `"**"` for `def f(**name)`, `""` for a parameter that takes one argument. */
function gathering(py: PythonFile, def: SyntaxNode, name: string): string {
  const parts = children(def.getChild("ParamList") ?? def);
  const at = parts.findIndex((p) => p.name === "VariableName" && py.src(p) === name);
  const before = parts[at - 1]?.name;
  return before === "*" || before === "**" ? before : "";
}

/** `value = escape(value)` directly in the function's body, before `node`: every later use sees the new value. */
function replacedBefore(py: PythonFile, node: SyntaxNode): boolean {
  const def = enclosingDef(node);
  return (assignmentsInScope(py, node).get(py.src(node)) ?? []).some((v) => {
    const body = v.parent?.name === "AssignStatement" ? v.parent.parent : null;
    // compared by position: the same tree node can be handed out as different objects
    return v.from < node.from && body?.name === "Body" && body.parent?.from === def?.from;
  });
}

/**
 * A Django template or a form widget: a variable assigned only `Template(...)`, `get_template(...)`,
 * `select_template(...)` or a `...Widget(...)`.
 */
function rendersEscaped(py: PythonFile, receiver: SyntaxNode): boolean {
  if (receiver.name !== "VariableName") return false;
  const values = assignmentsInScope(py, receiver).get(py.src(receiver)) ?? [];
  return (
    values.length > 0 &&
    values.every(
      (v) =>
        v.name === "CallExpression" &&
        /^(Template|get_template|select_template|\w*Widget)$/.test(callParts(py, v)?.name ?? ""),
    )
  );
}

/** `SomeChoices.values()`, `Status.choices`, `Colors.CHOICES`: what a class the code defines holds. */
const CLASS_CONSTANTS = /^[A-Z]\w*\.(values|keys|items|labels|names|choices|CHOICES)(\(\))?$/;

/**
 * `f"<code>{color}</code>" for color in ColorChoices.values()`: each element trusted, given that the names the
 * loop binds come from a trusted iterable (NetBox 5f802bb18f's help text). An `if` clause only drops elements; a
 * second `for` binds from an iterable of its own, which is not read here.
 */
function comprehensionTrusted(
  py: PythonFile,
  node: SyntaxNode,
  depth: number,
  trustedName?: (name: SyntaxNode) => boolean,
): boolean {
  const parts = children(node).filter((c) => !/^[()[\]{}]$/.test(c.name));
  const forAt = parts.findIndex((p) => p.name === "for");
  const inAt = parts.findIndex((p) => p.name === "in");
  const iterable = parts[inAt + 1];
  if (forAt < 1 || inAt < 0 || !iterable) return false;
  // the element, or a dict comprehension's key and value
  const elements = parts.slice(0, forAt).filter((p) => p.name !== ":");
  const each = (trusted: (n: SyntaxNode) => boolean) =>
    elements.every((element) => isTrusted(py, element, depth + 1, trusted));
  // `format_html(...) for s in snapshots`: an element trusted whatever the loop binds needs no trusted iterable
  if (each((n) => trustedName?.(n) === true)) return true;
  if (parts.slice(inAt + 2).some((p) => p.name === "for")) return false;
  if (!iterableTrusted(py, iterable, depth, trustedName)) return false;
  const bound = new Set(boundNames(py, parts.slice(forAt + 1, inAt)));
  return each((n) => bound.has(py.src(n)) || trustedName?.(n) === true);
}

function iterableTrusted(
  py: PythonFile,
  iterable: SyntaxNode,
  depth: number,
  trustedName?: (name: SyntaxNode) => boolean,
): boolean {
  return CLASS_CONSTANTS.test(py.src(iterable)) || isTrusted(py, iterable, depth + 1, trustedName);
}

/** The iterable of the `for` statement whose target binds `name` and whose body holds it, if one does. */
function loopIterableOf(py: PythonFile, name: SyntaxNode): SyntaxNode | undefined {
  const text = py.src(name);
  for (let at = name.parent; at; at = at.parent) {
    if (at.name === "FunctionDefinition" || at.name === "ClassDefinition") return undefined;
    if (at.name !== "ForStatement") continue;
    const body = at.getChild("Body");
    if (!body || name.from < body.from) continue;
    const parts = children(at);
    const forAt = parts.findIndex((p) => p.name === "for");
    const inAt = parts.findIndex((p) => p.name === "in");
    if (forAt < 0 || inAt < 0) continue;
    if (boundNames(py, parts.slice(forAt + 1, inAt)).includes(text)) return parts[inAt + 1];
  }
  return undefined;
}
