/**
 * The app's Markdown as plain text, for places that do not render Markdown: check run annotations,
 * workflow annotations, the terminal. Code spans lose their fences (whatever their length), emphasis
 * its asterisks; HTML comments (fingerprint markers) and tags go.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<\/?[a-z][^>]*>/gi, "")
    .replace(/(`+) ?([^`]|[^`][\s\S]*?[^`]) ?\1(?!`)/g, "$2")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
