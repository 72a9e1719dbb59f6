/**
 * The one way text that came from a pull request (code, file and branch names, titles, config keys)
 * goes into Markdown the app posts: as a code span. GitHub renders a code span literally — no
 * mention pings, no link, image or HTML — as long as the span really closes where we mean it to, so
 * its fence is longer than any backtick run inside. Newlines would end the span: they become spaces.
 */

/** Longest code quoted inline; the rest is cut with an ellipsis (a finding points at the line anyway). */
const MAX_CODE_CHARS = 120;

export function code(text: string, max = MAX_CODE_CHARS): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, " ").trim();
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  const fence = "`".repeat(longestBacktickRun(cut) + 1);
  // A span that starts or ends with a backtick needs a space inside its fence (CommonMark strips one).
  const pad = cut === "" || cut.startsWith("`") || cut.endsWith("`") ? " " : "";
  return `${fence}${pad}${cut}${pad}${fence}`;
}

/** The longest run of backticks in `text` (a loop: a model's suggestion may be huge). */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) if (m[0].length > longest) longest = m[0].length;
  return longest;
}
