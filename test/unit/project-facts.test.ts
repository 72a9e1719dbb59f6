import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import {
  atLeast,
  describeFacts,
  detectProjectFacts,
  type ProjectFacts,
  projectFactPaths,
} from "../../src/checks/project-facts.js";
import { POSTGRES_UNKNOWN, TABLE_SIZE } from "../../src/checks/conditions.js";
import { SourceFile } from "../../src/checks/source.js";
import { parseRepoConfig } from "../../src/config/schema.js";

const detect = (files: Record<string, string>, override = {}) =>
  detectProjectFacts(new Map(Object.entries(files)), override);

describe("Django version", () => {
  it.each([
    ["requirements.txt", "celery==5.3\nDjango==4.2.7  # LTS\n", "4.2"],
    ["requirements/base.txt", "django>=5.0,<5.1\n", "5.0"],
    ["requirements.txt", "Django~=3.2.0\n", "3.2"],
    ["pyproject.toml", '[project]\ndependencies = [\n  "django>=4.1",\n]\n', "4.1"],
    ["pyproject.toml", '[tool.poetry.dependencies]\ndjango = "^5.1"\n', "5.1"],
    ["poetry.lock", '[[package]]\nname = "django"\nversion = "4.2.11"\ndescription = "x"\n', "4.2"],
    ["uv.lock", '[[package]]\nname = "django"\nversion = "5.2.1"\nsource = { registry = "x" }\n', "5.2"],
    ["Pipfile.lock", '{"default": {"django": {"hashes": [], "version": "==3.2.25"}}}', "3.2"],
  ])("from %s", (path, text, version) => {
    expect(detect({ [path]: text }).django).toEqual({ version, source: path });
  });

  it("prefers the lock file to a looser requirement, and ignores look-alike packages", () => {
    expect(
      detect({
        "requirements.txt": "django>=4.0\n",
        "poetry.lock": '[[package]]\nname = "django"\nversion = "4.2.3"\n',
      }).django?.version,
    ).toBe("4.2");
    expect(detect({ "requirements.txt": "django-filter==23.5\ndjangorestframework==3.15\n" }).django).toBeUndefined();
  });
});

describe("database", () => {
  it.each([
    [
      "proj/settings.py",
      'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}}',
      "postgresql",
    ],
    [
      "proj/settings/base.py",
      "DATABASES = {'default': {'ENGINE': 'django.contrib.gis.db.backends.postgis'}}",
      "postgresql",
    ],
    ["proj/settings.py", "DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql'}}", "mysql"],
    ["proj/settings.py", "DATABASES = {'default': dj_database_url.config(default='sqlite:///db.sqlite3')}", "sqlite"],
    [
      "config/settings/production.py",
      "DATABASES = {'default': env.db('DATABASE_URL', default='postgres://localhost/app')}",
      "postgresql",
    ],
  ])("from %s", (path, text, engine) => {
    expect(detect({ [path]: text }).database).toEqual({ engine, source: path });
  });

  it("falls back to the installed driver", () => {
    expect(detect({ "requirements.txt": "Django==5.0\npsycopg[binary]==3.1\n" }).database).toEqual({
      engine: "postgresql",
      source: "requirements.txt",
    });
    expect(detect({ "requirements.txt": "mysqlclient==2.2\n" }).database?.engine).toBe("mysql");
    expect(detect({ "requirements.txt": "Django==5.0\n" }).database).toBeUndefined();
  });

  it("reads the dependencies the project runs with, not its test, dev or optional extras", () => {
    const pyproject = (main: string, extra: string) =>
      `[project]\nname = "app"\ndependencies = [\n    "django>=4.2,<5.0",${main}\n]\n\n[project.optional-dependencies]\ntest = [\n    ${extra}\n]\n`;
    expect(detect({ "pyproject.toml": pyproject("", '"psycopg2-binary>=2.8,<2.10",') }).database).toBeUndefined();
    expect(detect({ "pyproject.toml": pyproject('\n    "psycopg[binary]>=3.1",', '"pytest"') })).toEqual({
      django: { version: "4.2", source: "pyproject.toml" },
      database: { engine: "postgresql", source: "pyproject.toml" },
    });
    expect(
      detect({ "pyproject.toml": '[project]\ndependencies = ["Django>=5.0", "psycopg[binary]"]\n' }).database?.engine,
    ).toBe("postgresql");
    const poetry =
      '[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^5.1"\n\n[tool.poetry.group.dev.dependencies]\npsycopg2-binary = "^2.9"\n';
    expect(detect({ "pyproject.toml": poetry })).toEqual({ django: { version: "5.1", source: "pyproject.toml" } });
    const setup =
      "setup(\n    install_requires=['Django>=4.2', 'requests[socks]'],\n    extras_require={'test': ['psycopg2']},\n)\n";
    expect(detect({ "setup.py": setup })).toEqual({ django: { version: "4.2", source: "setup.py" } });
    expect(detect({ "setup.py": setup.replace("'requests[socks]'", "'psycopg2'") }).database?.engine).toBe(
      "postgresql",
    );
    const cfg = "[options]\ninstall_requires =\n    Django>=4.2\n\n[options.extras_require]\ntest =\n    psycopg2\n";
    expect(detect({ "setup.cfg": cfg })).toEqual({ django: { version: "4.2", source: "setup.cfg" } });
  });

  it("gives way to config, field by field", () => {
    const files = { "requirements.txt": "Django==4.2\npsycopg2==2.9\n" };
    expect(detect(files, { database: "mysql" })).toEqual({
      django: { version: "4.2", source: "requirements.txt" },
      database: { engine: "mysql", source: "config" },
    });
    expect(parseRepoConfig({ project: { django: "four" } }).problems[0]).toMatch(/project\.django/);
    expect(parseRepoConfig({ project: { django: "5.1", database: "postgresql" } }).config.project).toEqual({
      django: "5.1",
      database: "postgresql",
    });
  });
});

describe("reusable app", () => {
  const classifiers = (versions: string) =>
    `[project]\nname = "shop"\ndependencies = ["Django>=4.2"]\nclassifiers = [\n  "Framework :: Django",\n${versions}]\n`;
  const devEnv = { "requirements.txt": "Django==5.1\npsycopg2-binary==2.9\n" };
  const sandbox = { "sandbox/settings.py": "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}" };

  it("is a package that names the Django versions it supports; its dev environment and sandbox say nothing", () => {
    const files = { "pyproject.toml": classifiers('  "Framework :: Django :: 4.2",\n'), ...devEnv, ...sandbox };
    expect(detect(files)).toEqual({
      reusable: { source: "pyproject.toml" },
      django: { version: "4.2", source: "pyproject.toml" },
    });
    expect(detect({ "setup.py": "setup(classifiers=['Framework :: Django :: 5.0'])", ...devEnv }).reusable).toEqual({
      source: "setup.py",
    });
  });

  it("is not an application that only says it uses Django", () => {
    const files = { "pyproject.toml": classifiers(""), ...devEnv, ...sandbox };
    expect(detect(files)).toEqual({
      django: { version: "5.1", source: "requirements.txt" },
      database: { engine: "postgresql", source: "sandbox/settings.py" },
    });
  });

  it("gives way to config both ways, and the summary says it", () => {
    const library = { "pyproject.toml": classifiers('  "Framework :: Django :: 4.2",\n'), ...devEnv };
    expect(detect(library, { reusable: false }).database?.engine).toBe("postgresql");
    expect(detect(devEnv, { reusable: true })).toEqual({ reusable: { source: "config" } });
    expect(parseRepoConfig({ project: { reusable: true } }).config.project).toEqual({ reusable: true });
    expect(describeFacts({ reusable: { source: "setup.py" } })).toBe(
      "Django version unknown, database unknown, a reusable app (from setup.py)",
    );
  });

  it("has no deployment: its settings modules are not checked as production settings", () => {
    const settings = 'DEBUG = True\nSECRET_KEY = "django-insecure-abcdefgh"\n';
    const rules = (facts: ProjectFacts) =>
      runChecks([new SourceFile("tp/tp/settings.py", settings, new Set([1, 2]))], [], { facts }).findings.map(
        (f) => f.rule,
      );
    expect(rules({})).toEqual(["DJ405", "DJ406"]);
    expect(rules({ reusable: { source: "pyproject.toml" } })).toEqual([]);
  });
});

describe("rolling deploys (old code serving while migrations run)", () => {
  it("are read from a release phase that migrates, or from django-safemigrate", () => {
    expect(detect({ Procfile: "web: gunicorn app.wsgi\nrelease: python manage.py migrate --noinput\n" })).toEqual({
      rollingDeploys: { source: "Procfile" },
    });
    expect(detect({ "fly.toml": '[deploy]\n  release_command = "python manage.py migrate"\n' }).rollingDeploys).toEqual(
      {
        source: "fly.toml",
      },
    );
    expect(
      detect({ "render.yaml": "services:\n  - type: web\n    preDeployCommand: python manage.py migrate\n" })
        .rollingDeploys,
    ).toEqual({ source: "render.yaml" });
    expect(detect({ "requirements/base.txt": "Django==4.2\ndjango-safemigrate==4.3\n" }).rollingDeploys).toEqual({
      source: "requirements/base.txt",
    });
    expect(
      detect({ "proj/settings/base.py": 'INSTALLED_APPS = ["django_safemigrate.apps.SafeMigrateConfig"]' })
        .rollingDeploys,
    ).toEqual({ source: "proj/settings/base.py" });
  });

  it("are not a web process that migrates as it starts, a release phase doing something else, or a reusable app's sandbox", () => {
    // The service restarts to migrate (babybuddy's Procfile.sh shape): no old code serves meanwhile.
    expect(detect({ Procfile: "web: bash Procfile.sh\n" }).rollingDeploys).toBeUndefined();
    expect(detect({ Procfile: "web: python manage.py migrate && gunicorn app.wsgi\n" }).rollingDeploys).toBeUndefined();
    expect(detect({ Procfile: "release: python manage.py collectstatic\n" }).rollingDeploys).toBeUndefined();
    const library = {
      "setup.py": "setup(classifiers=['Framework :: Django :: 4.2'])",
      Procfile: "release: python manage.py migrate\n",
    };
    expect(detect(library).rollingDeploys).toBeUndefined();
  });

  it("give way to config both ways, and the summary says where they came from", () => {
    expect(detect({ Procfile: "release: ./manage.py migrate\n" }, { rolling_deploys: false })).toEqual({});
    expect(detect({}, { rolling_deploys: true })).toEqual({ rollingDeploys: { source: "config" } });
    expect(parseRepoConfig({ project: { rolling_deploys: "yes" } }).problems[0]).toMatch(/project\.rolling_deploys/);
    expect(describeFacts({ rollingDeploys: { source: "Procfile" } })).toBe(
      "Django version unknown, database unknown, rolling deploys (from Procfile)",
    );
    expect(projectFactPaths(["shop/views.py"])).toEqual(
      expect.arrayContaining(["Procfile", "fly.toml", "render.yaml"]),
    );
  });
});

describe("facts in use", () => {
  const migration = (ops: string) =>
    `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n${ops}\n    ]\n`;
  const check = (path: string, text: string, facts: ProjectFacts) =>
    runChecks([new SourceFile(path, text, new Set(text.split("\n").map((_, i) => i + 1)))], [], { facts });
  const run = (path: string, text: string, facts: ProjectFacts) => check(path, text, facts).findings;
  const addIndex = migration(
    "        migrations.AddIndex(model_name='order', index=models.Index(fields=['sku'], name='i')),",
  );
  const pg: ProjectFacts = { database: { engine: "postgresql", source: "s" }, largeTables: true };

  it("PostgreSQL index advice: on PostgreSQL as is, none on MySQL, a hint for the model only when unknown", () => {
    expect(run("a/migrations/0002_i.py", addIndex, pg).map((f) => [f.rule, f.severity])).toEqual([["DJ307", "minor"]]);
    expect(check("a/migrations/0002_i.py", addIndex, pg).conditional).toEqual([]);
    // On PostgreSQL with tables of unknown size the lock may not matter: a hint, until the config says large.
    const small = check("a/migrations/0002_i.py", addIndex, { database: pg.database });
    expect([small.findings, small.conditional.map((f) => [f.rule, f.condition])]).toEqual([
      [],
      [["DJ307", TABLE_SIZE.hint]],
    ]);
    expect(detect({}, { large_tables: true })).toEqual({ largeTables: true });
    expect(describeFacts({ largeTables: true })).toBe(
      "Django version unknown, database unknown, large tables (from config)",
    );
    expect(parseRepoConfig({ project: { large_tables: "yes" } }).problems[0]).toMatch(/project\.large_tables/);
    const mysql = check("a/migrations/0002_i.py", addIndex, { database: { engine: "mysql", source: "s" } });
    expect([mysql.findings, mysql.conditional]).toEqual([[], []]);
    // A reusable app ships its migrations to every database: it cannot take the concurrent operations.
    const unknown = check("a/migrations/0002_i.py", addIndex, {});
    expect(unknown.findings).toEqual([]);
    expect(unknown.conditional.map((f) => [f.rule, f.severity, f.condition])).toEqual([
      ["DJ307", "minor", POSTGRES_UNKNOWN.hint],
    ]);
    const sql = migration("        migrations.RunSQL('CREATE INDEX i ON shop_order (sku)', 'DROP INDEX i'),");
    expect(check("a/migrations/0003_s.py", sql, {}).conditional.map((f) => f.rule)).toEqual(["DJ310"]);
    expect(check("a/migrations/0003_s.py", sql, pg).findings.map((f) => f.rule)).toEqual(["DJ310"]);
  });

  it("db_default only where Django has it", () => {
    const add = migration("        migrations.AddField(model_name='order', name='n', field=models.IntegerField()),");
    const message = (version?: string) =>
      run("a/migrations/0003_n.py", add, version ? { django: { version, source: "r" } } : {})[0]?.message ?? "";
    expect(message("5.1")).toContain("(or with `db_default=`)");
    expect(message("4.2")).not.toContain("db_default");
    expect(message()).toContain("on Django 5.0+");
  });

  it("the async ORM only from Django 4.1", () => {
    const view = "async def v(request):\n    return Order.objects.get(pk=1)\n";
    expect(run("a/views.py", view, { django: { version: "5.0", source: "r" } })[0]?.message).toContain("aget()");
    expect(run("a/views.py", view, { django: { version: "4.0", source: "r" } })[0]?.message).toMatch(
      /sync_to_async.*Django 4\.0 has no async ORM/,
    );
  });

  it("says what was detected, with paths reduced to plain characters", () => {
    expect(
      describeFacts({
        django: { version: "4.2", source: "requirements.txt" },
        database: { engine: "postgresql", source: "a`@x/settings.py" },
      }),
    ).toBe("Django 4.2 (from requirements.txt), PostgreSQL (from ax/settings.py)");
    expect(describeFacts({})).toBe("Django version unknown, database unknown");
  });

  it("compares versions numerically and reads settings next to the changed code", () => {
    expect([atLeast("4.10", "4.2"), atLeast("4.1", "4.1"), atLeast("3.2", "4.1"), atLeast(undefined, "4.1")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(projectFactPaths(["shop/views.py", "proj/settings/dev.py"])).toEqual(
      expect.arrayContaining(["requirements.txt", "shop/settings.py", "proj/settings/base.py"]),
    );
  });
});
