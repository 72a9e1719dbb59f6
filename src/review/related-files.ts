/** Most project files fetched beyond the PR's own, so one PR cannot trigger unbounded reads. */
export const MAX_RELATED_FILES = 24;

/**
 * Files the Django checks read for context (never reported on): the models and serializers next to a
 * changed Python file or one package up, and the base template of a changed template's folder.
 */
export function relatedPaths(changedPaths: string[]): string[] {
  const inPr = new Set(changedPaths);
  const wanted = new Set<string>();
  for (const path of changedPaths) {
    if (path.endsWith(".py") && !/(^|\/)migrations\//.test(path)) {
      const parts = path.split("/").slice(0, -1);
      for (let up = 0; up <= 1 && parts.length - up >= 0; up++) {
        const dir = parts.slice(0, parts.length - up).join("/");
        const prefix = dir ? `${dir}/` : "";
        wanted.add(`${prefix}models.py`);
        wanted.add(`${prefix}serializers.py`);
      }
    } else if (/\.html?$/.test(path)) {
      const at = path.lastIndexOf("templates/");
      if (at >= 0) wanted.add(`${path.slice(0, at)}templates/base.html`);
    }
  }
  return [...wanted].filter((p) => !inPr.has(p)).slice(0, MAX_RELATED_FILES);
}
