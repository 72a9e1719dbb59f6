/**
 * Long regular expressions written in readable pieces. Both keep the capture groups of their parts in
 * order, so `m[1]`, `m[2]`, … mean what they meant in the one-line literal.
 */

/** `^(a|b|c)$`: one of these names, exactly (group 1 is the name). */
export function exactly(names: readonly string[], flags = ""): RegExp {
  return new RegExp(`^(${names.join("|")})$`, flags);
}

/** Any of these patterns (`a|b|c`), with the given flags; the parts' own flags are ignored. */
export function either(parts: readonly RegExp[], flags = ""): RegExp {
  return new RegExp(parts.map((part) => part.source).join("|"), flags);
}
