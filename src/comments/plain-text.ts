/**
 * The app's Markdown as plain text, for places that do not render Markdown: check run annotations,
 * workflow annotations, the terminal. Code spans lose their fences (whatever their length) and keep
 * their text as written (`<body>` stays); outside them, HTML comments (fingerprint markers), tags and
 * emphasis asterisks go.
 */
export function plainText(markdown: string): string {
  const span = /(`+) ?([^`]|[^`][\s\S]*?[^`]) ?\1(?!`)/g;
  let out = "";
  let last = 0;
  for (const m of markdown.matchAll(span)) {
    out += prose(markdown.slice(last, m.index)) + m[2];
    last = m.index + m[0].length;
  }
  return (out + prose(markdown.slice(last))).replace(/\n{3,}/g, "\n\n").trim();
}

function prose(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<\/?[a-z][^>]*>/gi, "")
    .replace(/\*\*([^*]+)\*\*/g, "$1");
}
