import { code } from "./markdown.js";

/**
 * Makes model-written Markdown safe to post: @mentions outside code no longer ping anyone, HTML
 * comments (which could forge this app's hidden markers) and raw HTML tags are removed, and links
 * to anything but well-known documentation are shown as text, not links (a diff can ask the model
 * to "post this link"). Code spans and fenced blocks are left as written: GitHub does not notify
 * from code, and `@decorators` must stay intact.
 */
export function sanitizeModelText(text: string): string {
  return splitByCode(text)
    .map((part) => (part.code ? reFence(part.text) : neutralizeProse(part.text)))
    .join("");
}

/** An inline span is re-rendered with a fence GitHub closes where we do; fenced blocks stay as written. */
function reFence(span: string): string {
  if (/^(`{3,}|~{3,})[^\n]*\n/.test(span)) return span;
  const fence = /^`+/.exec(span)?.[0] ?? "`";
  return code(span.slice(fence.length, span.length - fence.length).trim(), 400);
}

const MENTION = /(^|[^\w`@])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]+)?)/g;

/** Documentation a Django review may link to. */
const DOCUMENTATION_HOSTS = [
  ...["docs.djangoproject.com", "www.djangoproject.com", "docs.python.org", "peps.python.org"],
  ...["www.django-rest-framework.org", "docs.celeryq.dev", "htmx.org", "django-htmx.readthedocs.io"],
  "channels.readthedocs.io",
];
const LINK_ALLOWLIST = new RegExp(
  String.raw`^https:\/\/(${DOCUMENTATION_HOSTS.map((host) => host.replaceAll(".", String.raw`\.`)).join("|")})(\/|$)`,
  "i",
);

function neutralizeProse(text: string): string {
  return (
    text
      .replace(/<!--[\s\S]*?(-->|$)/g, "")
      // Reference definitions (`[x]: https://...`) would turn `[x]` anywhere into a link.
      .replace(/^ {0,3}\[([^\]\n]+)\]:[ \t]*(\S+).*$/gm, (_m, label: string, url: string) => `${label}: ${code(url)}`)
      .replace(/!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (whole, label: string, url: string) =>
        LINK_ALLOWLIST.test(url) && !whole.startsWith("!") ? whole : `${label} (${code(url)})`,
      )
      // Autolinks (`<https://...>`) and bare URLs anywhere (not only after a space) are shown as code.
      .replace(/<((?:https?:\/\/|www\.)[^>\s]+)>/gi, (whole, url: string) =>
        LINK_ALLOWLIST.test(url) ? whole : code(url),
      )
      .replace(/(?<![\w`/])((?:https?:\/\/|www\.)[^\s<>`"')]+)/gi, (whole, url: string) =>
        LINK_ALLOWLIST.test(url) ? whole : code(url),
      )
      // Raw HTML is shown as text: every `<` left is escaped.
      .replace(/<(?!https:\/\/)/g, "&lt;")
      .replace(MENTION, (_m, before: string, name: string) => `${before}@\u200b${name}`)
  );
}

interface Part {
  text: string;
  code: boolean;
}

/** Splits Markdown into code (fenced blocks, inline spans) and prose. */
function splitByCode(text: string): Part[] {
  const parts: Part[] = [];
  const code = /(^|\n)(`{3,}|~{3,})[^\n]*\n[\s\S]*?(\n\2[^\n]*(?=\n|$)|$)|(`+)[^`\n]+?\4/g;
  let last = 0;
  for (const match of text.matchAll(code)) {
    const start = match.index + (match[1]?.length ?? 0);
    if (start > last) parts.push({ text: text.slice(last, start), code: false });
    parts.push({ text: text.slice(start, match.index + match[0].length), code: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), code: false });
  return parts;
}
