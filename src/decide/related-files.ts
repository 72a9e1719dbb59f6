import { fromImports, importedNames, relativeModulePath } from "../checks/python.js";
import { either } from "../util/regex.js";

/** Most project files fetched beyond the PR's own, so one PR cannot trigger unbounded reads. */
export const MAX_RELATED_FILES = 24;

/**
 * Files the Django checks read for context (never reported on): the models (a `models.py` module or a
 * `models/` package) and serializers next to a changed Python file or one package up, and the base
 * templates of a changed template's app and of the folders above it.
 */
export function relatedPaths(changedPaths: string[]): string[] {
  const inPr = new Set(changedPaths);
  const modules = new Set<string>();
  const bases = new Set<string>();
  for (const path of changedPaths) {
    if (path.endsWith(".py") && !/(^|\/)migrations\//.test(path)) {
      const parts = path.split("/").slice(0, -1);
      for (let up = 0; up <= 1 && parts.length - up >= 0; up++) {
        const dir = parts.slice(0, parts.length - up).join("/");
        const prefix = dir ? `${dir}/` : "";
        modules.add(`${prefix}models.py`);
        modules.add(`${prefix}models/__init__.py`);
        modules.add(`${prefix}serializers.py`);
      }
    } else if (/\.html?$/.test(path)) {
      const at = path.lastIndexOf("templates/");
      if (at < 0) continue;
      // the app's base template and the project's above it (Hypha keeps `hypha/templates/base.html` for apps under
      // `hypha/apply/*/templates/`): what every page extends, where an `hx-headers` CSRF token is set once
      const dirs = path.slice(0, at).split("/").slice(0, -1);
      for (let up = 0; up <= dirs.length; up++) {
        const dir = dirs.slice(0, dirs.length - up).join("/");
        bases.add(`${dir ? `${dir}/` : ""}templates/base.html`);
      }
    }
  }
  // A PR of many files lists more modules than the bound allows: the few base templates come first, the project's
  // own (the shallowest, which most pages extend) before the apps'.
  const depth = (p: string) => p.split("/").length;
  const ranked = [...bases].sort((a, b) => depth(a) - depth(b)).slice(0, MAX_BASE_TEMPLATES);
  return [...ranked, ...modules].filter((p) => !inPr.has(p)).slice(0, MAX_RELATED_FILES);
}

/** Most base templates among the related files. */
const MAX_BASE_TEMPLATES = 6;

/** Most modules read to resolve project field classes. */
const MAX_FIELD_MODULES = 8;
const DOTTED_FIELD = /\b((?:[a-z_]\w*\.)+)([A-Z]\w*(?:Field|Key))\s*\(/g;
const FROM_IMPORT = /^[ \t]*from\s+([\w.]+)\s+import\s+\(?([^)\n]*)/gm;

/**
 * Modules that define the project's own field classes used by the changed files
 * (`oscar.models.fields.NullCharField(...)` in a migration, `from app.fields import MoneyField`), as
 * candidate paths: a field's semantics (a CharField subclass that forces `null=True`, a ForeignKey
 * subclass) come from its definition, not its name.
 */
export function fieldModulePaths(heads: ReadonlyMap<string, string>, known: ReadonlySet<string>): string[] {
  const modules = new Map<string, Set<string>>(); // module -> the changed paths that use it (for source roots)
  const use = (module: string, path: string) => modules.set(module, (modules.get(module) ?? new Set()).add(path));
  for (const [path, text] of heads) {
    if (!path.endsWith(".py")) continue;
    for (const m of text.matchAll(DOTTED_FIELD)) {
      const module = (m[1] as string).slice(0, -1);
      // `models.CharField`, `django.db.models.CharField`: Django's own, nothing to read
      if (!/^(django|models|migrations)(\.|$)/.test(module)) use(module, path);
    }
    for (const m of text.matchAll(FROM_IMPORT)) {
      const module = m[1] as string;
      if (/^(django|rest_framework)(\.|$)/.test(module) || module.startsWith(".")) continue;
      if (/\b[A-Z]\w*(Field|Key)\b/.test(m[2] as string)) use(module, path);
    }
  }
  const paths: string[] = [];
  for (const [module, users] of [...modules].slice(0, MAX_FIELD_MODULES)) {
    const file = module.replace(/\./g, "/");
    const top = file.split("/")[0] as string;
    // `src/oscar/apps/x.py` using `oscar.models.fields` puts the package under `src/`.
    const roots = new Set([""]);
    for (const user of users) {
      const at = user.indexOf(`/${top}/`);
      if (at >= 0) roots.add(user.slice(0, at + 1));
    }
    for (const root of roots)
      for (const candidate of [`${root}${file}.py`, `${root}${file}/__init__.py`])
        if (!known.has(candidate)) paths.push(candidate);
  }
  return [...new Set(paths)];
}

/** Most modules read for the functions changed files call (permission checks, query helpers). */
const MAX_HELPER_MODULES = 8;

/**
 * Modules changed files import functions from and call (`from documents.permissions import has_perm_for` then
 * `has_perm_for(...)`, `from .utils import get_rows`), as candidate paths: a helper that queries, called per row,
 * is an N+1 the checks can only see in its definition. Django's, DRF's and Celery's modules are not read.
 */
export function helperModulePaths(heads: ReadonlyMap<string, string>, known: ReadonlySet<string>): string[] {
  const paths: string[] = [];
  const modules = new Set<string>();
  for (const [path, text] of heads) {
    if (!path.endsWith(".py") || /(^|\/)migrations\//.test(path)) continue;
    for (const { module, clause } of fromImports(text)) {
      if (/^(django|rest_framework|celery)(\.|$)/.test(module) || module === "__future__") continue;
      const called = importedNames(clause).filter((n) => /^[a-z_]\w*$/.test(n) && new RegExp(`\\b${n}\\(`).test(text));
      if (called.length === 0 || modules.has(`${path}:${module}`)) continue;
      if (modules.size >= MAX_HELPER_MODULES) break;
      modules.add(`${path}:${module}`);
      const relative = relativeModulePath(path, module);
      if (relative !== undefined) {
        paths.push(`${relative}.py`, `${relative}/__init__.py`);
        continue;
      }
      const file = module.replace(/\./g, "/");
      // `src/documents/views.py` importing `documents.permissions` puts the package under `src/`.
      const top = file.split("/")[0] as string;
      const at = path.indexOf(`${top}/`);
      const root = at > 0 && path[at - 1] === "/" ? path.slice(0, at) : "";
      paths.push(`${root}${file}.py`, `${root}${file}/__init__.py`);
    }
  }
  return [...new Set(paths)].filter((p) => !known.has(p));
}

/** Most templates read for the views that render them. */
const MAX_RENDERED_TEMPLATES = 6;
const RENDERED = either(
  [
    /\b(?:render|TemplateResponse)\(\s*\w+\s*,\s*["']([\w./-]+\.html)["']/,
    /\brender_to_string\(\s*["']([\w./-]+\.html)["']/,
    /\btemplate_name\s*=\s*["']([\w./-]+\.html)["']/,
  ],
  "g",
);

/**
 * Templates that changed views render by name (`render(request, "shop/list.html", ...)`,
 * `template_name = ...`), as the candidate paths an app-directories loader would find them at: the
 * checks see what the template reads per row of the queryset the view hands it.
 */
export function renderedTemplatePaths(heads: ReadonlyMap<string, string>, known: ReadonlySet<string>): string[] {
  const paths = new Set<string>();
  const names = new Set<string>();
  for (const [path, text] of heads) {
    if (!path.endsWith(".py") || /(^|\/)migrations\//.test(path)) continue;
    for (const m of text.matchAll(RENDERED)) {
      const name = (m[1] ?? m[2] ?? m[3]) as string;
      if (names.size >= MAX_RENDERED_TEMPLATES && !names.has(name)) continue;
      names.add(name);
      const dirs = path.split("/").slice(0, -1);
      // the app's own templates folder, its parent's, and the project-wide one
      for (const up of [0, 1]) {
        if (dirs.length - up < 0) continue;
        const dir = dirs.slice(0, dirs.length - up).join("/");
        paths.add(`${dir ? `${dir}/` : ""}templates/${name}`);
      }
      paths.add(`templates/${name}`);
    }
  }
  return [...paths].filter((p) => !known.has(p));
}

/** Most modules of `models/` packages read. */
const MAX_MODEL_MODULES = 12;
const RELATIVE_IMPORT = /^[ \t]*from\s+\.(\w+)\s+import\b/gm;

/**
 * The modules of `models/` packages: what a read `models/__init__.py` re-exports (`from .order import
 * Order`), and `app/models/order.py` where a changed file imports `app.models.order` directly.
 */
export function modelModulePaths(texts: ReadonlyMap<string, string>, known: ReadonlySet<string>): string[] {
  const paths = new Set<string>();
  for (const [path, text] of texts) {
    if (path.endsWith("/models/__init__.py") || path === "models/__init__.py") {
      const dir = path.slice(0, -"__init__.py".length);
      for (const m of text.matchAll(RELATIVE_IMPORT)) paths.add(`${dir}${m[1]}.py`);
    }
    if (!path.endsWith(".py")) continue;
    for (const m of text.matchAll(/^[ \t]*from\s+([\w.]*\bmodels\.\w+)\s+import\b/gm)) {
      if (/^(django|rest_framework)\./.test(m[1] as string)) continue;
      const module = (m[1] as string).replace(/\./g, "/");
      const top = module.split("/")[0] as string;
      const at = path.indexOf(`${top}/`);
      paths.add(`${at > 0 ? path.slice(0, at) : ""}${module}.py`);
    }
  }
  return [...paths].filter((p) => !known.has(p)).slice(0, MAX_MODEL_MODULES);
}

/** Most project modules read for the project-wide index of definitions, and their bytes in all. */
export const MAX_INDEX_MODULES = 120;
export const MAX_INDEX_MODULE_BYTES = 3_000_000;
const DEFINITION_SEGMENTS = new Set([
  ...["models", "serializers", "serializers_", "serializer", "forms", "admin", "viewsets", "api", "tasks"],
  ...["fields", "signals", "receivers", "commands"],
]);

/** Said in the summary when the project index stopped at its bound; undefined when it read them all. */
export function indexNotice(chosen: { paths: string[]; total: number }): string | undefined {
  if (chosen.paths.length >= chosen.total) return undefined;
  return (
    `The project index read ${chosen.paths.length} of ${chosen.total} definition modules (models, serializers, ` +
    `forms, admin, tasks, commands, signals): its bound of ${MAX_INDEX_MODULES} files / 3 MB.`
  );
}

/**
 * The project's definition modules wherever they live (`models/` packages, `api/serializers/`,
 * `serializers_/`, `app/forms.py`), from the head's whole tree: a path counts when one of its folders
 * or its file name is one of DEFINITION_SEGMENTS. Migrations and tests define nothing the checks need.
 * The files nearest the changed ones come first (most folders in common); at most MAX_INDEX_MODULES files and
 * MAX_INDEX_MODULE_BYTES, and `total` says how many there were.
 */
export function definitionModulePaths(
  tree: ReadonlyArray<{ path: string; size?: number }>,
  changedPaths: string[],
  known: ReadonlySet<string>,
): { paths: string[]; total: number } {
  const candidates = tree.filter(
    ({ path }) =>
      path.endsWith(".py") &&
      !known.has(path) &&
      !/(^|\/)(migrations|tests?)\/|(^|\/)(test_[^/]*|[^/]*_tests?|conftest)\.py$/.test(path) &&
      path
        .replace(/\.py$/, "")
        .split("/")
        // `abstract_models.py` (django-oscar keeps every model there) and the like count too.
        .some((segment) => DEFINITION_SEGMENTS.has(segment) || DEFINITION_SEGMENTS.has(segment.split("_").pop() ?? "")),
  );
  // Nearest first: the most folders in common with a changed file (its app, then its project).
  const changedDirs = changedPaths.map((p) => p.split("/").slice(0, -1));
  const nearness = (path: string) => {
    const dirs = path.split("/").slice(0, -1);
    let best = 0;
    for (const other of changedDirs) {
      let common = 0;
      while (common < dirs.length && common < other.length && dirs[common] === other[common]) common++;
      best = Math.max(best, common);
    }
    return best;
  };
  const ranked = candidates
    .map((entry, index) => ({ entry, index, near: nearness(entry.path) }))
    .sort((a, b) => b.near - a.near || a.index - b.index)
    .map(({ entry }) => entry);
  const paths: string[] = [];
  let bytes = 0;
  for (const entry of ranked) {
    if (paths.length >= MAX_INDEX_MODULES || bytes + (entry.size ?? 0) > MAX_INDEX_MODULE_BYTES) break;
    bytes += entry.size ?? 0;
    paths.push(entry.path);
  }
  return { paths, total: candidates.length };
}
