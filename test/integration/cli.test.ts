import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import AjvDraft04Module from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { commitReader, indexReader } from "../../src/cli/local-source.js";
import { type ModelCall, mockModel, mockModelLookups, mockModelText } from "../helpers/anthropic-mock.js";
import { gitRepo } from "../helpers/git-repo.js";
import { FAKE_ANTHROPIC_KEY } from "../helpers/probot.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// ajv-draft-04 is CommonJS: its class is the default export's `default`.
const AjvDraft04 = AjvDraft04Module.default;
// The official SARIF 2.1.0 schema (OASIS), as Microsoft ships it for validating SARIF in tests.
const SARIF_SCHEMA = JSON.parse(
  readFileSync(join(ROOT, "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
);
const EXAMPLE = ["--patch", join(ROOT, "examples/project.diff"), "--root", join(ROOT, "examples/project")];

async function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT, isTTY = false) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY, env, cwd });
  return { code, stdout, stderr };
}

const MODELS = "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n";

describe("django-review review (CLI)", () => {
  it("without an API key runs the Django checks, says so, and fails on major findings", async () => {
    const { code, stdout } = await cli(["review", ...EXAMPLE]);
    expect(code).toBe(1);
    expect(stdout).toContain("No `ANTHROPIC_API_KEY` is configured");
    expect(stdout).toMatch(/shop\/views.py\n\s+10\s+major\s+DJ101/);
    expect(stdout).toContain("8 check findings, 0 model comments."); // two are DJ508: blog's new models have no migration
    expect(stdout).toMatch(/blog\/models.py\n\s+6\s+major\s+DJ508/);
  });

  it("prints JSON whose findings and comments carry file, line, severity, message (and rule, category)", async () => {
    mockModel({
      summary: "Looks risky.",
      comments: [
        {
          path: "shop/views.py",
          line: 17,
          side: "RIGHT",
          severity: "minor",
          body: "Name the template context explicitly.",
        },
      ],
    });
    const { code, stdout } = await cli(["review", ...EXAMPLE, "--format", "json", "--fail-on", "critical"], {
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
      DJANGO_REVIEW_MODEL_RETRIES: "0",
    });
    const report = JSON.parse(stdout);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        file: "shop/views.py",
        line: 10,
        severity: "major",
        rule: "DJ101",
        category: "queries",
        message: expect.any(String),
      }),
    );
    expect(report.comments).toEqual([
      {
        file: "shop/views.py",
        line: 17,
        severity: "minor",
        message: "Name the template context explicitly.",
        fingerprint: expect.stringMatching(/^[0-9a-f]{20}$/),
      },
    ]);
    expect(report.summary).toBe("Looks risky.");
    expect(code).toBe(1); // DJ201 is critical
  });

  it("writes SARIF 2.1.0 for code scanning: valid against the official schema, with rule help, security severities and fingerprints", async () => {
    const { stdout } = await cli(["review", ...EXAMPLE, "--format", "sarif", "--fail-on", "never"]);
    const sarif = JSON.parse(stdout);
    const validate = new AjvDraft04({
      strict: false,
      allErrors: true,
      unicodeRegExp: false,
      validateFormats: false,
    }).compile(SARIF_SCHEMA);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("django-review");
    const rules = new Map(run.tool.driver.rules.map((r: { id: string }) => [r.id, r]));
    expect(rules.get("DJ401")).toMatchObject({
      properties: { "security-severity": "9.0", tags: expect.arrayContaining(["security"]) },
      helpUri: "https://docs.djangoproject.com/en/stable/topics/security/",
    });
    expect(rules.get("DJ101")).not.toHaveProperty("properties.security-severity");
    for (const rule of rules.values())
      expect(rule).toMatchObject({ help: { text: expect.any(String), markdown: expect.stringMatching(/^\*\*/) } });
    expect(rules.get("model")).toMatchObject({ fullDescription: { text: expect.stringContaining("model's review") } });
    expect(run.results).toContainEqual(
      expect.objectContaining({
        ruleId: "DJ301",
        level: "error",
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: "shop/migrations/0007_order_channel.py", uriBaseId: "%SRCROOT%" },
              region: { startLine: 8 },
            },
          },
        ],
        partialFingerprints: { "djangoReviewFingerprint/v1": expect.stringMatching(/^[0-9a-f]{20}(:\d+)?$/) },
      }),
    );
    expect(
      new Set(run.results.map((r: { partialFingerprints: object }) => JSON.stringify(r.partialFingerprints))).size,
    ).toBe(run.results.length);
  });

  it("gives a finding the same SARIF fingerprint on the next push when only its line moved", async () => {
    const { repo, git, write } = gitRepo({ "shop/settings.py": "DEBUG = False\n" });
    write("shop/settings.py", "DEBUG = True\n");
    git("commit", "-qam", "one");
    const first = JSON.parse((await cli(["review", "--base", "main", "--format", "sarif"], {}, repo)).stdout).runs[0]
      .results;
    write("shop/settings.py", "# Local development only.\n\nDEBUG = True\n");
    const second = JSON.parse((await cli(["review", "--base", "main", "--format", "sarif"], {}, repo)).stdout).runs[0]
      .results;
    expect(first.map((r: { ruleId: string }) => r.ruleId)).toEqual(["DJ405"]);
    expect(second[0].locations[0].physicalLocation.region.startLine).toBe(3);
    expect(second[0].partialFingerprints).toEqual(first[0].partialFingerprints);
  });

  it("writes Markdown, and exits 0 below the threshold", async () => {
    const { code, stdout } = await cli(["review", ...EXAMPLE, "--format", "markdown", "--fail-on", "never"]);
    expect(code).toBe(0);
    expect(stdout).toContain("| `shop/views.py` | 10 | major | DJ101 |");
  });

  it("reviews the working tree against the merge base of a git branch, with the project's config", () => {
    const repo = mkdtempSync(join(tmpdir(), "dr-git-"));
    const run = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
    run("init", "-q", "-b", "main");
    run("config", "user.email", "t@example.com");
    run("config", "user.name", "t");
    mkdirSync(join(repo, "shop"));
    writeFileSync(join(repo, "shop/settings.py"), "DEBUG = False\n");
    run("add", ".");
    run("commit", "-qm", "base");
    run("checkout", "-qb", "feature");
    writeFileSync(join(repo, "shop/settings.py"), "DEBUG = True\nALLOWED_HOSTS = ['*']\n");
    mkdirSync(join(repo, ".github"));
    writeFileSync(join(repo, ".github/django-review.yml"), "checks:\n  disable: [DJ407]\n");
    const out = spawnSync(join(ROOT, "bin/django-review.js"), ["review", "--base", "main", "--format", "json"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, ANTHROPIC_API_KEY: "" },
    });
    expect(out.status).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([["DJ405", 1]]);
  });

  it("reviews one commit of a bare repository against its parent, with that commit's files, config and project facts", async () => {
    const work = mkdtempSync(join(tmpdir(), "dr-commit-"));
    const run = (...args: string[]) => execFileSync("git", args, { cwd: work, stdio: "ignore" });
    run("init", "-q", "-b", "main");
    run("config", "user.email", "t@example.com");
    run("config", "user.name", "t");
    mkdirSync(join(work, "shop/migrations"), { recursive: true });
    mkdirSync(join(work, ".github"));
    writeFileSync(join(work, "requirements.txt"), "Django==4.2.9\npsycopg==3.1\n");
    writeFileSync(
      join(work, ".github/django-review.yml"),
      "checks:\n  ignore:\n    - paths: ['shop/settings.py']\n      rules: [DJ405]\nproject:\n  large_tables: true\n",
    );
    writeFileSync(join(work, "shop/settings.py"), "DEBUG = False\n");
    run("add", ".");
    run("commit", "-qm", "base");
    writeFileSync(join(work, "shop/settings.py"), "DEBUG = True\n");
    const migration =
      "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddIndex(model_name='order', index=models.Index(fields=['sku'], name='i')),\n    ]\n";
    writeFileSync(join(work, "shop/migrations/0002_i.py"), migration);
    run("add", ".");
    run("commit", "-qm", "change");
    writeFileSync(join(work, "shop/settings.py"), "SECRET_KEY = 'not-committed-yet-0123456789'\n"); // the working tree must not matter
    const bare = mkdtempSync(join(tmpdir(), "dr-bare-"));
    execFileSync("git", ["clone", "-q", "--bare", work, bare]);
    const { code, stdout } = await cli([
      "review",
      "--root",
      bare,
      "--commit",
      "HEAD",
      "--format",
      "json",
      "--fail-on",
      "never",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(
      report.findings.map((f: { rule: string; file: string; severity: string }) => [f.rule, f.file, f.severity]),
    ).toEqual([["DJ307", "shop/migrations/0002_i.py", "minor"]]);
    expect(report.suppressed).toBe(1);
    expect(report.project).toBe(
      "Django 4.2 (from requirements.txt), PostgreSQL (from requirements.txt), large tables (from config)",
    );
    expect((await cli(["review", "--root", bare, "--commit", "HEAD", "--patch", "x.diff"])).code).toBe(2);
  });

  it("replays a fix backwards with --revert: the change that brings the bug back, files as they were before the fix", async () => {
    const work = mkdtempSync(join(tmpdir(), "dr-revert-"));
    const run = (...args: string[]) => execFileSync("git", args, { cwd: work, stdio: "ignore" });
    run("init", "-q", "-b", "main");
    run("config", "user.email", "t@example.com");
    run("config", "user.name", "t");
    mkdirSync(join(work, "shop"));
    const view = (qs: string) => `from shop.models import Order\n\n\ndef orders(request):\n    return ${qs}\n`;
    writeFileSync(join(work, "shop/views.py"), view("Order.objects.all()"));
    run("add", ".");
    run("commit", "-qm", "bug");
    writeFileSync(join(work, "shop/views.py"), view('Order.objects.select_related("customer")'));
    run("commit", "-qam", "fix");
    const { code, stdout } = await cli([
      "review",
      "--root",
      work,
      "--revert",
      "HEAD",
      "--format",
      "json",
      "--fail-on",
      "never",
    ]);
    expect(code).toBe(0);
    expect(
      JSON.parse(stdout).findings.map((f: { rule: string; file: string; line: number }) => [f.rule, f.file, f.line]),
    ).toEqual([["DJ114", "shop/views.py", 5]]);
    expect((await cli(["review", "--root", work, "--revert", "HEAD", "--commit", "HEAD"])).code).toBe(2);
  });

  it("a model change whose migration the change deletes (a revert) has its migration change: no DJ508", async () => {
    const work = mkdtempSync(join(tmpdir(), "dr-revert-migration-"));
    const run = (...args: string[]) => execFileSync("git", args, { cwd: work, stdio: "ignore" });
    run("init", "-q", "-b", "main");
    run("config", "user.email", "t@example.com");
    run("config", "user.name", "t");
    mkdirSync(join(work, "shop/migrations"), { recursive: true });
    const models = (field: string) => `from django.db import models\n\nclass Order(models.Model):\n${field}\n`;
    writeFileSync(join(work, "shop/models.py"), models("    sku = models.CharField(max_length=9)"));
    writeFileSync(join(work, "shop/migrations/0001_initial.py"), "from django.db import migrations\n");
    run("add", ".");
    run("commit", "-qm", "base");
    writeFileSync(join(work, "shop/models.py"), models("    sku = models.CharField(max_length=20)"));
    writeFileSync(join(work, "shop/migrations/0002_sku.py"), "from django.db import migrations\n");
    run("add", ".");
    run("commit", "-qm", "widen sku");
    const review = async (args: string[]) =>
      JSON.parse(
        (await cli(["review", "--root", work, ...args, "--format", "json", "--fail-on", "never"])).stdout,
      ).findings.map((f: { rule: string }) => f.rule);
    // Undoing the change deletes its migration along with the model edit.
    expect(await review(["--revert", "HEAD"])).toEqual([]);
    // The same model edit with no migration change at all is flagged.
    rmSync(join(work, "shop/migrations/0002_sku.py"));
    run("add", "-A");
    run("commit", "-qm", "drop migration only");
    writeFileSync(join(work, "shop/models.py"), models("    sku = models.CharField(max_length=30)"));
    run("commit", "-qam", "widen again");
    expect(await review(["--commit", "HEAD"])).toEqual(["DJ508"]);
  });

  it("--dry-run prints exactly what would be sent, redacted, and sends nothing (no key needed)", async () => {
    const { repo, write } = gitRepo({ "shop/models.py": MODELS });
    write(
      "shop/views.py",
      'API_TOKEN = "tok_live_abcdefghijklmnop1234"\ndef v(request):\n    return Order.objects.all()\n',
    );
    // nock has no interceptor: any request to the model would fail the run
    const { code, stdout } = await cli(["review", "--base", "main", "--dry-run"], {}, repo);
    expect(code).toBe(0);
    const [header, ...rest] = stdout.split("\n");
    expect(header).toMatch(
      /^--- model call 1 of 1: about [\d,]+ prompt tokens \(estimate\), up to 16,000 output tokens ---$/,
    );
    const body = JSON.parse(rest.join("\n").split("\n\ndjango-review --dry-run")[0]!);
    expect(body.tools.map((t: { name: string }) => t.name)).toEqual([
      "read_file",
      "find_definition",
      "list_files",
      "submit_review",
    ]);
    expect(body.system[0].text).toContain("You are reviewing a GitHub pull request of a Django project");
    const prompt: string = body.messages[0].content[0].text;
    expect(prompt).toContain('<file path="shop/views.py" status="added">');
    expect(prompt).toContain('API_TOKEN = "[REDACTED');
    expect(stdout).not.toContain("tok_live_abcdefghijklmnop1234");
    expect(stdout).toContain("django-review --dry-run: nothing was sent. 1 model call would be made.");
  });

  it("answers the model's lookups from the working tree", async () => {
    const { repo, write } = gitRepo({
      "shop/models.py": MODELS,
      "shop/api/serializers_/order.py": "class OrderSerializer:\n    pass\n",
    });
    write("shop/views.py", "def v(request):\n    return Order.objects.all()\n");
    const calls: ModelCall[] = [];
    mockModelLookups([{ name: "find_definition", input: { name: "OrderSerializer" } }], { calls });
    const model = mockModel({ summary: "Checked the serializer.", comments: [] });
    const { stdout } = await cli(
      ["review", "--base", "main", "--format", "json"],
      {
        ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
        DJANGO_REVIEW_MODEL_RETRIES: "0",
      },
      repo,
    );
    const results = model.calls[0]!.body.messages[2].content;
    expect(results[0].content).toContain("# shop/api/serializers_/order.py lines 1-2 (class)\nclass OrderSerializer:");
    expect(JSON.parse(stdout).summary).toBe("Checked the serializer.");
  });

  it("ask answers a question about the local change; without a key or a question it says what is missing", async () => {
    const { repo, write } = gitRepo({ "shop/models.py": MODELS });
    write("shop/views.py", "def v(request):\n    return Order.objects.all()\n");
    const model = mockModelText("It loads every order; paginate it.");
    const env = { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, DJANGO_REVIEW_MODEL_RETRIES: "0" };
    const answered = await cli(["ask", "--base", "main", "Is", "this", "view", "safe?"], env, repo);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toMatch(
      /^It loads every order; paginate it\.\n\n\(django-backend-\w+ · claude-sonnet-5-5 · compared /,
    );
    const user: string = model.calls[0]!.body.messages[0].content;
    expect(user).toContain("<question>\nIs this view safe?\n</question>");
    expect(user).toContain('<file path="shop/views.py" status="added">');

    expect((await cli(["ask", "--base", "main", "why?"], {}, repo)).stderr).toContain(
      "needs a model: set ANTHROPIC_API_KEY",
    );
    const bare = await cli(["ask", "--base", "main"], env, repo);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('ask what? django-review ask "your question"');
  });

  it("reads many files of a commit or the index in one git call, as one by one would", () => {
    const { repo, git, write } = gitRepo({ "a.py": "x = 1\n", "b/c.py": "ünï = 'côdé'\n", "bin.dat": "a\u0000b" });
    write("a.py", "x = 2\n");
    git("add", "a.py");
    const paths = ["a.py", "b/c.py", "bin.dat", "missing.py"];
    for (const read of [commitReader(repo, "main"), indexReader(repo)]) {
      const many = read.many!(paths);
      expect(many).toEqual(new Map(paths.flatMap((p) => (read(p) === undefined ? [] : [[p, read(p)!]]))));
    }
    expect(commitReader(repo, "main").many!(paths)).toEqual(
      new Map([
        ["a.py", "x = 1\n"],
        ["b/c.py", "ünï = 'côdé'\n"],
      ]),
    );
    expect(indexReader(repo).many!(["a.py"]).get("a.py")).toBe("x = 2\n");
  });

  it("rejects bad arguments with usage and exit code 2", async () => {
    expect((await cli(["review", "--format", "xml"])).code).toBe(2);
    expect((await cli(["review", "--fail-on", "loud"])).code).toBe(2);
    expect((await cli(["lint"])).code).toBe(2);
    const missing = await cli(["review", "--patch", "/nonexistent.diff"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("django-review: ENOENT");
  });

  it("reviews untracked files as new (a fresh migration), and says so", async () => {
    const { repo, write } = gitRepo({
      "shop/models.py": MODELS,
      "shop/migrations/__init__.py": "",
      "requirements.txt": "Django==5.2\npsycopg==3.2\n",
    });
    write(
      "shop/migrations/0002_index.py",
      "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddIndex(model_name='order', index=models.Index(fields=['total'], name='i')),\n    ]\n",
    );
    write("shop/ignored.py", "x = 1\n");
    write(".gitignore", "shop/ignored.py\n");
    const { stdout } = await cli(["review", "--base", "main", "--format", "json", "--fail-on", "never"], {}, repo);
    const report = JSON.parse(stdout);
    // (index advice on tables of unknown size is held back for the model, with its condition)
    expect(report.conditional.map((f: { rule: string; file: string }) => [f.rule, f.file])).toContainEqual([
      "DJ307",
      "shop/migrations/0002_index.py",
    ]);
    expect(report.notices).toContain("2 untracked files reviewed as new: .gitignore, shop/migrations/0002_index.py");
    expect(report.compared).toBe("the working tree against main");
  });

  it("says what it compared when there is nothing to review, and exits 0", async () => {
    const { repo } = gitRepo({ "shop/models.py": MODELS });
    const { code, stdout } = await cli(["review"], {}, repo);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^django-review: no changes to review: compared the working tree against the default branch \(merge base [0-9a-f]{7}\)\.\n$/,
    );
  });

  it("reviews the staged changes with the files as staged (pre-commit), not the working tree", async () => {
    const { repo, git, write } = gitRepo({ "shop/settings.py": "DEBUG = False\n" });
    write("shop/settings.py", "DEBUG = True\n");
    git("add", "shop/settings.py");
    write("shop/settings.py", "DEBUG = False\nSECURE_SSL_REDIRECT = False\n"); // not staged: not part of the commit
    const { code, stdout } = await cli(["review", "--staged", "--format", "json"], {}, repo);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.compared).toBe("the staged changes against HEAD");
    expect(report.findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([["DJ405", 1]]);
  });

  it("explains a folder that is not a git repository, and guesses mistyped options and commands", async () => {
    const plain = mkdtempSync(join(tmpdir(), "dr-plain-"));
    const outside = await cli(["review"], {}, plain);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(
      `django-review: ${plain} is not a git repository: run django-review inside one, or review a patch with --patch FILE`,
    );
    const option = await cli(["review", "--bse", "main"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("did you mean '--base'?");
    const command = await cli(["reveiw"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'reveiw'; did you mean 'review'?");
    expect((await cli(["frobnicate"])).stderr).not.toContain("did you mean");
  });

  it("colours a terminal unless NO_COLOR is set", async () => {
    const coloured = await cli(["review", ...EXAMPLE, "--fail-on", "never"], {}, ROOT, true);
    expect(coloured.stdout).toContain("\x1b[33mmajor");
    const plainText = await cli(["review", ...EXAMPLE, "--fail-on", "never"], { NO_COLOR: "1" }, ROOT, true);
    expect(plainText.stdout).not.toContain("\x1b[");
    expect(plainText.stdout).toContain("major");
  });

  it("shows the seconds ticking while the model works, and a suggestion as the diff it would make", async () => {
    const { repo, write } = gitRepo({ "shop/models.py": MODELS });
    write("shop/money.py", "def cents(amount):\n    return int(amount * 100)\n");
    mockModel(
      {
        summary: "One fix.",
        comments: [
          {
            path: "shop/money.py",
            line: 2,
            side: "RIGHT",
            severity: "minor",
            body: "int() truncates 0.29 * 100 to 28.",
            suggestion: "    return round(amount * 100)",
          },
        ],
      },
      { delayMs: 2_200 },
    );
    const { stdout, stderr } = await cli(
      ["review", "--base", "main", "--fail-on", "never"],
      { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, DJANGO_REVIEW_MODEL_RETRIES: "0", NO_COLOR: "1" },
      repo,
      true,
    );
    expect(stderr).toContain("⏳ asking the model… 0s");
    expect(stderr).toMatch(/asking the model… [12]s/);
    expect(stderr.endsWith("\r\x1b[K")).toBe(true);
    expect(stdout).toContain(
      [
        "model int() truncates 0.29 * 100 to 28.",
        "         -     return int(amount * 100)",
        "         +     return round(amount * 100)",
      ].join("\n"),
    );
  });
});
