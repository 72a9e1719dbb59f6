/** What GitHub would make live in the text outside code: mentions, links, images, HTML. */
export function liveOutsideCode(markdown: string): string[] {
  // Remove code spans the way CommonMark closes them: a run of N backticks ends at the next run of exactly N.
  let prose = "";
  for (let i = 0; i < markdown.length; ) {
    const run = /^`+/.exec(markdown.slice(i))?.[0];
    if (!run) {
      prose += markdown[i++];
      continue;
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
    close.lastIndex = i + run.length;
    const end = close.exec(markdown);
    if (!end) {
      prose += run;
      i += run.length;
      continue;
    }
    i = end.index + run.length;
  }
  // The app's own framing tags are not PR text.
  prose = prose.replace(/<\/?(details|summary|sub)>/g, "").replace(/<!-- django-review (sha|fp)=[0-9a-f]+ -->\s*$/, "");
  return [
    ...prose.matchAll(
      /(?<![\w\u200b])@[A-Za-z0-9][\w-]*(\/[\w.-]+)?|!?\[[^\]]*\]\([^)]*\)|https?:\/\/\S+|www\.\S+|<[a-z!/][^>]*>/gi,
    ),
  ].map((m) => m[0]);
}
