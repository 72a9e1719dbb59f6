import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";
import { gitRepo } from "../helpers/git-repo.js";
import { loopbackModel } from "../helpers/loopback-model.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Packs django-review as `npm publish` would and installs the tarball into a scratch project, as a
 * Django team would. Offline: the dependencies come from npm's cache (filled by `npm ci`), pinned by
 * a lockfile made from this repository's own.
 */
function packAndInstall(): { bin: string; packageDir: string; files: string[] } {
  const scratch = mkdtempSync(join(tmpdir(), "dr-install-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = `file:${join(scratch, packed[0]!.filename)}`;
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<
      string,
      { dev?: boolean; dependencies?: object; version?: string; bin?: object; engines?: object }
    >;
  };
  const own = lock.packages[""]!;
  const packages: Record<string, object> = {
    "": { name: "scratch", dependencies: { "django-review": tarball } },
    "node_modules/django-review": {
      version: own.version,
      resolved: tarball,
      dependencies: own.dependencies,
      bin: own.bin,
      engines: own.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== "" && !entry.dev) packages[path] = entry;
  const project = join(scratch, "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "scratch", private: true, dependencies: { "django-review": tarball } }),
  );
  writeFileSync(
    join(project, "package-lock.json"),
    JSON.stringify({ name: "scratch", lockfileVersion: 3, requires: true, packages }),
  );
  execFileSync("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: project,
    stdio: "ignore",
  });
  return {
    bin: join(project, "node_modules/.bin"),
    packageDir: join(project, "node_modules/django-review"),
    files: packed[0]!.files.map((f) => f.path),
  };
}

/** A Django project on `main`, then a branch `feature`. */
function djangoRepo() {
  return gitRepo(
    {
      "requirements.txt": "Django==5.2\npsycopg==3.2\n",
      "shop/settings.py": "DEBUG = False\n",
      "shop/models.py":
        "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n",
    },
    "dr-django-",
  );
}

let installed: ReturnType<typeof packAndInstall>;
let model: Awaited<ReturnType<typeof loopbackModel>>;

beforeAll(async () => {
  installed = packAndInstall();
  model = await loopbackModel({
    summary: "Checked the settings.",
    comments: [
      { path: "shop/settings.py", line: 2, side: "RIGHT", severity: "minor", body: "Say why the admin URL moved." },
    ],
  });
}, 240_000);

afterAll(() => model?.close());

/**
 * The installed command, run as a user's shell would: found on PATH, in the project's folder. Not
 * spawnSync: the loopback model answers from this process's event loop.
 */
function run(
  command: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [name, ...args] = command;
  const child = spawn(name!, args, {
    cwd,
    env: { PATH: `${installed.bin}${delimiter}${process.env.PATH}`, HOME: process.env.HOME, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

describe("django-review installed from its npm tarball", () => {
  it("ships the compiled CLI, the personas and the pre-commit hooks, and none of the sources or tests", () => {
    expect(installed.files).toEqual(
      expect.arrayContaining([
        "bin/django-review.js",
        "lib/cli.js",
        "lib/review/pure-worker.js",
        "agents/django-backend-engineer.md",
        ".pre-commit-hooks.yaml",
        "README.md",
        "package.json",
      ]),
    );
    expect(installed.files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.endsWith(".map"))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(installed.packageDir, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(manifest.engines.node).toBe(">=20.18");
    expect(Object.keys(manifest.dependencies)).not.toContain("tsx");
  });

  it("`django-review review` reviews a Django branch against main in another repository", async () => {
    const { repo, write } = djangoRepo();
    write(
      "shop/models.py",
      "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n    note = models.CharField(max_length=20)\n",
    );
    const out = await run(["django-review", "review", "--format", "json"], repo, { ANTHROPIC_API_KEY: "" });
    expect(out.stderr).toBe("");
    expect(out.status).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.compared).toMatch(/^the working tree against the default branch \(merge base [0-9a-f]{7}\)$/);
    expect(report.findings.map((f: { rule: string; file: string }) => [f.rule, f.file])).toContainEqual([
      "DJ508",
      "shop/models.py",
    ]);
    expect((await run(["django-review", "--help"], repo)).status).toBe(0);
  });
});

describe("the pre-commit hook", () => {
  const hooks = () =>
    parse(readFileSync(join(installed.packageDir, ".pre-commit-hooks.yaml"), "utf8")) as Array<{
      id: string;
      entry: string;
      language: string;
      pass_filenames: boolean;
      files: string;
    }>;

  /** As pre-commit runs a `language: node` hook: the entry (split like a shell would) with its args, no file names, in the repository. */
  function runHook(repo: string, env: NodeJS.ProcessEnv, args: string[] = []) {
    const hook = hooks().find((h) => h.id === "django-review")!;
    return run([...hook.entry.split(/\s+/), ...args], repo, env);
  }

  it("is a node hook that takes no file names and runs on Django's files", () => {
    const hook = hooks().find((h) => h.id === "django-review")!;
    expect(hook).toMatchObject({ language: "node", pass_filenames: false });
    const files = new RegExp(hook.files);
    for (const path of ["shop/models.py", "shop/templates/shop/order.html", "requirements.txt", "pyproject.toml"])
      expect(files.test(path), path).toBe(true);
    expect(files.test("frontend/app.tsx")).toBe(false);
  });

  it("blocks a commit whose staged change has a major finding, with the checks only when no key is set", async () => {
    const { repo, git, write } = djangoRepo();
    write("shop/settings.py", "DEBUG = True\n");
    git("add", "shop/settings.py");
    const out = await runHook(repo, { ANTHROPIC_API_KEY: "" });
    expect(out.status).toBe(1);
    expect(out.stdout).toContain("compared: the staged changes against HEAD");
    expect(out.stdout).toMatch(/shop\/settings.py\n\s+1\s+major\s+DJ405/);
    expect(out.stdout).toContain("No `ANTHROPIC_API_KEY` is configured");
    expect(model.requests).toHaveLength(0);
    expect((await runHook(repo, { ANTHROPIC_API_KEY: "" }, ["--fail-on", "never"])).status).toBe(0);
  });

  it("asks the model too when ANTHROPIC_API_KEY is set", async () => {
    const { repo, git, write } = djangoRepo();
    write("shop/settings.py", "DEBUG = False\nADMIN_URL = 'staff/'\n");
    git("add", "shop/settings.py");
    const out = await runHook(repo, {
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: model.url,
      DJANGO_REVIEW_MODEL_RETRIES: "0",
    });
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(model.requests).toHaveLength(1);
    expect(out.stdout).toMatch(/shop\/settings.py\n\s+2\s+minor\s+model Say why the admin URL moved\./);
  });
});
