/**
 * Format calls read as the f-strings a formatter rewrites them to, so that realChanges sees a pyupgrade or
 * ruff rewrite (UP031, UP032, RUF010) as the same code. Works on realChanges' tokens: quotes already
 * normalised to `"`, commas still in.
 */
interface Token {
  text: string;
}

/** A string literal token, with any prefix. */
export function isQuoted(token: string): boolean {
  return /^[rbfuRBFU]{0,2}['"]/.test(token);
}

/**
 * An f-string's `{...}` as a formatter writes it: spacing inside dropped, and `str(x)`/`repr(x)` in the
 * conversion form ruff rewrites them to (`x!s`, `x!r`). `{str(instance)}` and `{instance!s}` print the same.
 */
export function replacementField(field: string): string {
  const squeezed = field.replace(/\s+/g, "");
  // The argument may hold calls of its own, but must close where the call does: not `str(a).upper()`.
  const call = /^(str|repr)\(([^()]*(?:\([^()]*\)[^()]*)*)\)$/.exec(squeezed);
  return call ? `${call[2]}!${call[1] === "str" ? "s" : "r"}` : squeezed;
}

/**
 * `"…{}…".format(a, b)` and `"…%s…" % (a, b)` as the f-string a formatter rewrites them to (pyupgrade, ruff
 * UP031/UP032): `f"…{a}…{b}…"`. Only the plain shapes are read; anything else (a dict, `*args`, a quoted
 * argument, a literal brace) is left as it is and compared token by token.
 */
export function asFStrings<T extends Token>(tokens: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as T;
    const converted = formatCall(tokens, i) ?? percentFormat(tokens, i);
    out.push(converted ? { ...token, text: converted.text } : token);
    if (converted) i = converted.end;
  }
  return out;
}

interface Converted {
  text: string;
  /** Index of the last token the conversion consumed. */
  end: number;
}

/** The body of a plain (not f-, not bytes) string token, normalised by normaliseQuotes. */
function plainBody(text: string | undefined): string | undefined {
  const match = text === undefined ? null : /^(?:r|u)?"(.*)"$/s.exec(text);
  return match?.[1];
}

/** Items of a call, tuple or dict opening at `open`, split at top-level commas; undefined if unbalanced. */
function argumentsAt(tokens: Token[], open: number): { args: string[][]; end: number } | undefined {
  const close = tokens[open]?.text === "{" ? "}" : ")";
  const args: string[][] = [[]];
  let depth = 0;
  for (let j = open + 1; j < tokens.length; j++) {
    const text = (tokens[j] as Token).text;
    if (depth === 0 && text === close) {
      if ((args.at(-1) as string[]).length === 0) args.pop();
      return { args, end: j };
    }
    if ("([{".includes(text)) depth++;
    else if (")]}".includes(text)) depth--;
    if (depth === 0 && text === ",") args.push([]);
    else (args.at(-1) as string[]).push(text);
  }
  return undefined;
}

/** An argument's source without spacing, as replacementField squeezes a field; none holding a string. */
function argumentText(arg: string[]): string | undefined {
  if (arg.length === 0 || arg.some((t) => isQuoted(t) || t === "*" || t === "**")) return undefined;
  return arg.join("");
}

function fString(body: string): string {
  return `f"${body}"`;
}

function formatCall(tokens: Token[], i: number): Converted | undefined {
  const body = plainBody(tokens[i]?.text);
  if (body === undefined || body.includes("{{") || body.includes("}}")) return undefined;
  if (tokens[i + 1]?.text !== "." || tokens[i + 2]?.text !== "format" || tokens[i + 3]?.text !== "(") return undefined;
  const call = argumentsAt(tokens, i + 3);
  if (!call) return undefined;
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  for (const arg of call.args) {
    const keyword = arg.length > 2 && /^[A-Za-z_]\w*$/.test(arg[0] as string) && arg[1] === "=";
    const text = argumentText(keyword ? arg.slice(2) : arg);
    if (text === undefined) return undefined;
    if (keyword) keywords.set(arg[0] as string, text);
    else positional.push(text);
  }
  let next = 0;
  let unresolved = false;
  const used = new Set<string>();
  const filled = body.replace(/\{([^{}]*)\}/g, (_, field: string) => {
    const parts = /^(\w*)(![rsa])?(:.*)?$/.exec(field);
    const name = parts?.[1] || String(next++);
    const value = /^\d+$/.test(name) ? positional[Number(name)] : keywords.get(name);
    if (!parts || value === undefined) unresolved = true;
    used.add(name);
    return `{${replacementField(`${value}${parts?.[2] ?? ""}${parts?.[3] ?? ""}`)}}`;
  });
  // An argument no field reads would be lost in the f-string: a formatter leaves such a call alone.
  if (unresolved || used.size !== positional.length + keywords.size) return undefined;
  return { text: fString(filled), end: call.end };
}

function percentFormat(tokens: Token[], i: number): Converted | undefined {
  const body = plainBody(tokens[i]?.text);
  if (body === undefined || /[{}]/.test(body) || tokens[i + 1]?.text !== "%") return undefined;
  if (body.includes("%(")) return namedPercentFormat(tokens, i, body);
  let values: string[];
  let end: number;
  if (tokens[i + 2]?.text === "(") {
    const tuple = argumentsAt(tokens, i + 2);
    const texts = tuple?.args.map(argumentText);
    if (!tuple || !texts || texts.some((t) => t === undefined)) return undefined;
    values = texts as string[];
    end = tuple.end;
  } else {
    // A single operand binds tighter than `%` only as a name chain: `"%s" % self.pk`, not `"%s" % a + b`.
    end = i + 2;
    if (!/^[A-Za-z_]\w*$/.test(tokens[end]?.text ?? "")) return undefined;
    while (tokens[end + 1]?.text === "." && /^[A-Za-z_]\w*$/.test(tokens[end + 2]?.text ?? "")) end += 2;
    values = [
      tokens
        .slice(i + 2, end + 1)
        .map((t) => t.text)
        .join(""),
    ];
  }
  const PLACEHOLDER = /%(%|(\.\d+)?([sdirf]))/g;
  // A width, a flag or a `%x` is not read here: the string is compared as it is.
  if (body.replace(PLACEHOLDER, "").includes("%")) return undefined;
  let next = 0;
  let unresolved = false;
  const filled = body.replace(PLACEHOLDER, (whole, _kind: string, precision?: string, type?: string) => {
    if (whole === "%%") return "%";
    const value = values[next++];
    if (value === undefined || (type === "f" && !precision)) unresolved = true;
    const field = type === "r" ? `${value}!r` : type === "f" ? `${value}:${precision}f` : `${value}`;
    return `{${replacementField(field)}}`;
  });
  if (unresolved || next !== values.length) return undefined;
  return { text: fString(filled), end };
}

/** `"…%(name)s…" % {"name": value}`: a dict literal of string keys, each read by the string. */
function namedPercentFormat(tokens: Token[], i: number, body: string): Converted | undefined {
  if (tokens[i + 2]?.text !== "{") return undefined;
  const dict = argumentsAt(tokens, i + 2);
  if (!dict) return undefined;
  const values = new Map<string, string>();
  for (const entry of dict.args) {
    const key = plainBody(entry[0]);
    const value = argumentText(entry.slice(2));
    if (key === undefined || entry[1] !== ":" || value === undefined) return undefined;
    values.set(key, value);
  }
  const PLACEHOLDER = /%(%|\((\w+)\)([sdir]))/g;
  if (body.replace(PLACEHOLDER, "").includes("%")) return undefined;
  let unresolved = false;
  const used = new Set<string>();
  const filled = body.replace(PLACEHOLDER, (whole, _kind: string, name?: string, type?: string) => {
    if (whole === "%%") return "%";
    const value = values.get(name as string);
    if (value === undefined) unresolved = true;
    used.add(name as string);
    return `{${replacementField(type === "r" ? `${value}!r` : `${value}`)}}`;
  });
  if (unresolved || used.size !== values.size) return undefined;
  return { text: fString(filled), end: dict.end };
}
