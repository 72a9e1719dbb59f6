/**
 * What the project runs on, read from its own files at the reviewed commit: the Django version
 * (requirements, pyproject, lock files) and the database (settings `DATABASES`, dj-database-url,
 * database drivers). Rules use it so that PostgreSQL-only advice reaches PostgreSQL projects only and
 * no API is suggested that the project's Django does not have.
 */

export const DATABASES = ["postgresql", "mysql", "sqlite", "oracle"] as const;
export type Database = (typeof DATABASES)[number];

export interface ProjectFacts {
  /** `major.minor`, e.g. `4.2`: the lowest the project supports when it is a reusable app. */
  django?: { version: string; source: string };
  database?: { engine: Database; source: string };
  /**
   * A reusable app: a package other projects install (it names the Django versions it supports in its
   * classifiers). It has no deployment of its own: the database is its users', its settings modules
   * are for its tests and sandbox, its requirements files are the developers' environment.
   */
  reusable?: { source: string };
  /** Said in config only (`project.large_tables`): the code does not tell how big a table grows. */
  largeTables?: boolean;
  /**
   * Old code keeps serving while migrations run: a release phase that migrates before the new code is live
   * (Heroku's `release:`, Fly's `release_command`, Render's `preDeployCommand`), or django-safemigrate, which
   * exists to order migrations around such deploys. Where the service is stopped to upgrade (most
   * self-hosted apps), dropping or renaming a column in the same release as the code is fine.
   */
  rollingDeploys?: { source: string };
}

/** Packaging metadata, where a reusable app declares itself. */
const PACKAGING_FILES = ["pyproject.toml", "setup.cfg", "setup.py"];

/** Root dependency files, strongest evidence first (a lock pins what is installed). */
const DEPENDENCY_FILES = [
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "requirements.txt",
  "requirements/base.txt",
  "requirements/common.txt",
  "requirements/production.txt",
  "requirements/prod.txt",
  "requirements/main.txt",
  "requirements.in",
  "pyproject.toml",
  "setup.cfg",
  "setup.py",
  "Pipfile",
];

/** Platform files that say how a deploy runs its migrations. */
const DEPLOY_FILES: Array<[string, RegExp]> = [
  ["Procfile", /^release:.*\bmigrate\b/m],
  ["fly.toml", /^\s*release_command\s*=.*\bmigrate\b/m],
  ["render.yaml", /preDeployCommand:.*\bmigrate\b/],
];

const SETTINGS_NAMES = ["settings.py", "settings/__init__.py", "settings/base.py", "settings/production.py"];

/** Files worth reading to learn the facts, given the changed paths (their top folders hold the settings). */
export function projectFactPaths(changedPaths: readonly string[]): string[] {
  const tops = new Set<string>(["config", "project", "core"]);
  for (const path of changedPaths) {
    const parts = path.split("/");
    if (parts.length > 1) tops.add(parts[0] as string);
    const settingsAt = parts.indexOf("settings");
    if (settingsAt > 0) tops.add(parts.slice(0, settingsAt).join("/"));
  }
  const settings = [...tops].slice(0, 6).flatMap((top) => SETTINGS_NAMES.map((name) => `${top}/${name}`));
  return [...DEPENDENCY_FILES, ...DEPLOY_FILES.map(([path]) => path), ...settings];
}

/** Detects the facts from file texts (path -> text); `override` (config `project:`) wins field by field. */
export function detectProjectFacts(
  files: ReadonlyMap<string, string>,
  override: {
    django?: string;
    database?: Database;
    reusable?: boolean;
    large_tables?: boolean;
    rolling_deploys?: boolean;
  } = {},
): ProjectFacts {
  const facts: ProjectFacts = override.large_tables ? { largeTables: true } : {};
  const reusable =
    override.reusable === undefined ? reusableApp(files) : override.reusable ? { source: "config" } : undefined;
  if (reusable) facts.reusable = reusable;
  // A reusable app's own lock and requirements files pin its developers' environment, not what it
  // runs on; its packaging metadata says what it supports.
  const dependencyFiles = reusable ? PACKAGING_FILES : DEPENDENCY_FILES;
  const django = override.django
    ? { version: override.django, source: "config" }
    : djangoVersion(files, dependencyFiles);
  if (django) facts.django = django;
  const database = override.database
    ? { engine: override.database, source: "config" }
    : databaseEngine(files, dependencyFiles, !reusable);
  if (database) facts.database = database;
  const rolling =
    override.rolling_deploys === undefined
      ? reusable
        ? undefined // its Procfile or fly.toml deploys a sandbox; its users' deploys are unknown
        : rollingDeploys(files)
      : override.rolling_deploys
        ? { source: "config" }
        : undefined;
  if (rolling) facts.rollingDeploys = rolling;
  return facts;
}

function rollingDeploys(files: ReadonlyMap<string, string>): ProjectFacts["rollingDeploys"] {
  const platform = DEPLOY_FILES.find(([path, release]) => release.test(files.get(path) ?? ""));
  if (platform) return { source: platform[0] };
  // Installed (a dependency) or enabled (INSTALLED_APPS in settings).
  for (const [path, text] of files) if (/django[-_]safemigrate/i.test(text)) return { source: path };
  return undefined;
}

/** `Framework :: Django :: 4.2` classifiers: a package published for projects on those Django versions. */
function reusableApp(files: ReadonlyMap<string, string>): ProjectFacts["reusable"] {
  const path = PACKAGING_FILES.find((p) => /Framework\s*::\s*Django\s*::\s*\d/.test(files.get(p) ?? ""));
  return path ? { source: path } : undefined;
}

function djangoVersion(files: ReadonlyMap<string, string>, paths: readonly string[]): ProjectFacts["django"] {
  for (const path of paths) {
    const text = files.get(path);
    if (!text) continue;
    const version = /\.lock$/.test(path) ? lockedDjango(text) : requiredDjango(mainDependencies(path, text));
    if (version) return { version, source: path };
  }
  return undefined;
}

/** `[[package]] name = "django" version = "4.2.7"` (poetry, uv) or `"django": {"version": "==4.2.7"` (Pipfile.lock). */
function lockedDjango(text: string): string | undefined {
  const toml = /name\s*=\s*"django"\s*\n(?:[^\n[]*\n){0,3}?version\s*=\s*"(\d+\.\d+)/i.exec(text);
  if (toml) return toml[1];
  return /"django"\s*:\s*\{[^}]*?"version"\s*:\s*"==(\d+\.\d+)/i.exec(text)?.[1];
}

/** `Django==4.2.7`, `django>=4.2,<5`, `Django~=5.0`, `"django>=4.2"`, poetry's `django = "^4.2"`. */
function requiredDjango(text: string): string | undefined {
  for (const line of text.split("\n")) {
    const m = /^\s*["']?django(?:\[[\w,]+\])?\s*(?:=\s*["'])?\s*(?:==|>=|~=|\^|~|===)?\s*(\d+\.\d+)/i.exec(
      line.replace(/#.*$/, ""),
    );
    if (m) return m[1];
  }
  return undefined;
}

const ENGINES: Array<[RegExp, Database]> = [
  [/postgres|postgis|psycopg/i, "postgresql"],
  [/\bmysql\b|mysqlclient|mysql:\/\//i, "mysql"],
  [/sqlite3?\b/i, "sqlite"],
  [/\boracle\b/i, "oracle"],
];

function databaseEngine(
  files: ReadonlyMap<string, string>,
  paths: readonly string[],
  readSettings: boolean,
): ProjectFacts["database"] {
  // Settings first: `"ENGINE": "django.db.backends.postgresql"` or a dj-database-url default URL.
  for (const [path, text] of files) {
    if (!readSettings || !/settings/.test(path) || !path.endsWith(".py")) continue;
    const engine =
      /["']ENGINE["']\s*:\s*["']([\w.]+)["']/.exec(text)?.[1] ??
      /(?:dj_database_url(?:\.\w+)?|env\.db(?:_url)?|db_url)\([^)]*?["'](\w+):\/\//.exec(text)?.[1];
    const found = engine ? ENGINES.find(([re]) => re.test(engine)) : undefined;
    if (found) return { engine: found[1], source: path };
  }
  // Then the driver the project installs.
  for (const path of paths) {
    const whole = files.get(path);
    if (!whole) continue;
    const text = mainDependencies(path, whole);
    if (/^[ \t]*["']?psycopg(2|2-binary|\[binary\])?\b/im.test(text) || /name\s*=\s*"psycopg2?(-binary)?"/i.test(text))
      return { engine: "postgresql", source: path };
    if (/^[ \t]*["']?mysqlclient\b/im.test(text) || /name\s*=\s*"mysqlclient"/i.test(text))
      return { engine: "mysql", source: path };
  }
  return undefined;
}

/**
 * The dependencies the project runs with, without its test, dev and optional extras: a reusable app
 * that tests against PostgreSQL (`psycopg2-binary` in a `test` extra) still ships to every database.
 */
export function mainDependencies(path: string, text: string): string {
  const entries = (list: string | undefined) =>
    (list ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .join("\n");
  if (path === "pyproject.toml") {
    const project = tomlTable(text, "project") ?? "";
    const listAt = /^dependencies\s*=\s*\[/m.exec(project);
    const pep621 = entries(listAt ? bracketed(project, listAt.index + listAt[0].length) : "");
    return `${pep621}\n${tomlTable(text, "tool.poetry.dependencies") ?? ""}`;
  }
  if (path === "setup.py") {
    const listAt = /install_requires\s*=\s*\[/.exec(text);
    return entries(listAt ? bracketed(text, listAt.index + listAt[0].length) : "");
  }
  if (path === "setup.cfg") return /^install_requires\s*=([\s\S]*?)^(?=\S)/m.exec(`${text}\n[end]`)?.[1] ?? "";
  return text;
}

/** The text from `from` up to the `]` that closes the list opened just before it (brackets in strings skipped). */
function bracketed(text: string, from: number): string {
  let depth = 1;
  let quote = "";
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return text.slice(from, i);
  }
  return text.slice(from);
}

/** The body of one `[table]` of a TOML file, up to the next table header. */
function tomlTable(text: string, name: string): string | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim() === `[${name}]`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^\s*\[/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** `4.2` >= `4.1`. */
export function atLeast(version: string | undefined, wanted: string): boolean {
  if (!version) return false;
  const [a = 0, b = 0] = version.split(".").map(Number);
  const [c = 0, d = 0] = wanted.split(".").map(Number);
  return a > c || (a === c && b >= d);
}

const DATABASE_NAMES: Record<Database, string> = {
  postgresql: "PostgreSQL",
  mysql: "MySQL",
  sqlite: "SQLite",
  oracle: "Oracle",
};

/**
 * One line for the summary: what was detected and from where (a path reduced to plain characters: it is repository
 * data).
 */
export function describeFacts(facts: ProjectFacts): string {
  const from = (source: string) => `from ${source.replace(/[^\w./-]/g, "")}`;
  const django = facts.django
    ? `Django ${facts.django.version} (${from(facts.django.source)})`
    : "Django version unknown";
  const database = facts.database
    ? `${DATABASE_NAMES[facts.database.engine]} (${from(facts.database.source)})`
    : "database unknown";
  const reusable = facts.reusable ? `, a reusable app (${from(facts.reusable.source)})` : "";
  const large = facts.largeTables ? ", large tables (from config)" : "";
  const rolling = facts.rollingDeploys ? `, rolling deploys (${from(facts.rollingDeploys.source)})` : "";
  return `${django}, ${database}${reusable}${large}${rolling}`;
}
