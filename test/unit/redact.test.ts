import { describe, expect, it } from "vitest";
import { buildUserPrompt } from "../../src/prompt/build.js";
import { redactSecrets } from "../../src/prompt/redact.js";

// Every kind of secret the issue names, in the syntax it is found in. Values are made up.
const KINDS: Array<[string, string, string]> = [
  ["AWS access key id", "AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'", "AKIAIOSFODNN7EXAMPLE"],
  [
    "AWS secret access key",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ],
  ["GitHub token", "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
  ["Anthropic key", "key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz'", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz"],
  [
    "OpenAI key",
    "client = OpenAI(api_key='sk-proj-abcdefghijklmnopqrstuvwxyz0123456789')",
    "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
  ],
  ["Stripe key", "stripe.api_key = 'sk_live_abcdefghijklmnop1234'", "sk_live_abcdefghijklmnop1234"],
  ["Slack token", "SLACK = 'xoxb-1234567890-abcdefghij'", "xoxb-1234567890-abcdefghij"],
  ["Google API key", "MAPS = 'AIzaSyA1234567890abcdefghijklmnopqrstuv'", "AIzaSyA1234567890abcdefghijklmnopqrstuv"],
  [
    "JWT",
    "auth = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'",
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  ],
  [
    "npm token",
    "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "npm_abcdefghijklmnopqrstuvwxyz0123456789",
  ],
  [
    "PyPI token",
    "password = pypi-AgEIcHlwaS5vcmcCJGE0ZjYwNzJkLTk4YjMtNDQ5ZS04ZjQ2LWZhYzY5OWFkZjg3OQ",
    "pypi-AgEIcHlwaS5vcmcCJGE0ZjYwNzJkLTk4YjMtNDQ5ZS04ZjQ2LWZhYzY5OWFkZjg3OQ",
  ],
  [
    "SendGrid key",
    "EMAIL_HOST_PASSWORD = 'SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'",
    "SG.abcdefghijklmnopqrstuv",
  ],
  ["Twilio key", "TWILIO_SID = 'AC0123456789abcdef0123456789abcdef'", "AC0123456789abcdef0123456789abcdef"],
  [
    "Azure storage key",
    "CONN = 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH==;'",
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH==",
  ],
  [
    "GCP private_key_id",
    '  "private_key_id": "0123456789abcdef0123456789abcdef01234567",',
    "0123456789abcdef0123456789abcdef01234567",
  ],
  ["DATABASES password", "        'PASSWORD': 'hunter2-db',", "hunter2-db"],
  ["redis URL without user", "CELERY_BROKER_URL = 'redis://:s3cretpw@redis:6379/0'", "s3cretpw"],
  ["URL with credentials, any scheme", "DSN = 'amqp://guest:guestpass@rabbit//'", "guestpass"],
  ["SECRET_KEY assignment", "SECRET_KEY = 'django-insecure-abcdefghijklmnop'", "django-insecure-abcdefghijklmnop"],
  ["DJANGO_SECRET_KEY in .env", "DJANGO_SECRET_KEY=abcdefghijklmnop0123", "abcdefghijklmnop0123"],
  ["annotated SECRET_KEY", "SECRET_KEY: str = 'abcdefghijklmnop0123'", "abcdefghijklmnop0123"],
  ["SECRET_KEY in a dict", "settings = {'SECRET_KEY': 'abcdefghijklmnop0123'}", "abcdefghijklmnop0123"],
  [
    "os.environ.get fallback",
    "SECRET_KEY = os.environ.get('SECRET_KEY', 'dev-fallback-key-123')",
    "dev-fallback-key-123",
  ],
  ["getenv fallback", "TOKEN = getenv('API_TOKEN', default='fallback-token-9')", "fallback-token-9"],
  ["docker-compose environment", "      POSTGRES_PASSWORD: composepw", "composepw"],
  ["compose list form", "      - POSTGRES_PASSWORD=listpw", "listpw"],
  ["export in a shell file", "export API_KEY=shellkey123", "shellkey123"],
  ["TOML", 'api_key = "tomlkey123"', "tomlkey123"],
  ["INI", "password = inipass123", "inipass123"],
  [".pypirc", "password: pypirc-pass", "pypirc-pass"],
  ["passwd", "passwd = 'abc123xyz'", "abc123xyz"],
  ["PR body", "use password=bodypass1 to log in", "bodypass1"],
];

describe("every kind of secret is redacted", () => {
  it.each(KINDS)("%s", (_, line, secret) => {
    const { text, count } = redactSecrets(line);
    expect(text).not.toContain(secret);
    expect(text).toContain("[REDACTED");
    expect(count).toBeGreaterThan(0);
  });
});

describe("key material", () => {
  const body = [
    "MIIEowIBAAKCAQEAv7abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL",
    "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuvwxyz0123",
  ];
  it("with BEGIN and END in view", () => {
    const { text, count } = redactSecrets(
      ["-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----", "x = 1"].join("\n"),
    );
    expect(text).toBe(
      "[REDACTED private key]\n[REDACTED private key]\n[REDACTED private key]\n[REDACTED private key]\nx = 1",
    );
    expect(count).toBe(1);
  });

  it("with its BEGIN line outside the window, or neither marker", () => {
    for (const lines of [[...body, "-----END RSA PRIVATE KEY-----"], body]) {
      const { text } = redactSecrets(
        ["R3 + x = 1", ...lines.map((l, i) => `R${4 + i} + ${l}`), "R9 + y = 2"].join("\n"),
      );
      for (const b of body) expect(text).not.toContain(b);
      expect(text).toContain("R3 + x = 1");
      expect(text).toContain("R9 + y = 2");
    }
  });

  it("a lone BEGIN comment redacts its own line, never the code after it", () => {
    const text =
      "R1 + # -----BEGIN PRIVATE KEY-----\nR2 + def backdoor(request):\nR3 +     return eval(request.GET['c'])";
    expect(redactSecrets(text).text).toBe(
      "R1 + # [REDACTED private key]\nR2 + def backdoor(request):\nR3 +     return eval(request.GET['c'])",
    );
  });
});

describe("code that only looks like a secret stays", () => {
  it.each([
    "password = form.cleaned_data['password']",
    "token = request.GET.get('token')",
    "SECRET_KEY = os.environ['SECRET_KEY']",
    "api_key = settings.API_KEY",
    "password: ${DB_PASSWORD}",
    "AUTH_PASSWORD_VALIDATORS = [",
    "PASSWORD_RESET_TIMEOUT = 3600",
    "max_tokens = 1000",
    "secret = None",
    "user.set_password(raw_password)",
  ])("%s", (line) => {
    expect(redactSecrets(line, { unquoted: false }).text).toBe(line);
  });

  it("bare values are secrets in YAML and .env, variables in Python", () => {
    const user = buildUserPrompt({
      pr: { title: "t", body: "", baseRef: "main", headRef: "x" },
      files: [
        { path: "shop/views.py", status: "modified", rendered: "R1 + password = form_password" },
        { path: "deploy/app.env", status: "modified", rendered: "R1 + PASSWORD=envpass1" },
      ],
      hints: [],
    });
    expect(user.text).toContain("R1 + password = form_password");
    expect(user.text).not.toContain("envpass1");
    expect(user.redacted).toBe(1);
  });
});

describe("hostile input", () => {
  it("a 220 KB line of a.b.b.b… is redacted in linear time", () => {
    const line = `a${".b".repeat(110_000)}`;
    const started = performance.now();
    redactSecrets(`${line}\n${line.replace(/\./g, ":")}\n${"=".repeat(200_000)}`);
    // Generous: the quadratic version took over 20 s on this input.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("redaction details that keep code readable and secrets out", () => {
  const b = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"; // a 64-character PEM line

  it("Python code is not a secret, a Python literal is; bare values only outside Python", () => {
    expect(redactSecrets("password = form_password", { unquoted: false })).toEqual({
      text: "password = form_password",
      count: 0,
    });
    expect(redactSecrets('PASSWORD = "hunter2pass"', { unquoted: false })).toEqual({
      text: 'PASSWORD = "[REDACTED secret]"',
      count: 1,
    });
    expect(redactSecrets("PASSWORD=hunter2pass", { unquoted: false })).toEqual({
      text: "PASSWORD=hunter2pass",
      count: 0,
    });
    expect(redactSecrets("PASSWORD=hunter2pass")).toEqual({ text: "PASSWORD=[REDACTED secret]", count: 1 });
  });

  it("booleans and nulls are not secrets, but a value that only starts like one is", () => {
    expect(redactSecrets("password: false\nSECRET = None\npassword: nobody123\ntoken: yes")).toEqual({
      text: "password: false\nSECRET = None\npassword: [REDACTED secret]\ntoken: yes",
      count: 1,
    });
  });

  it("is idempotent: what is redacted is not counted again", () => {
    const once = redactSecrets('API_KEY = "abcdef123456"\nDB_PASSWORD=s3cr3tpass');
    expect(redactSecrets(once.text)).toEqual({ text: once.text, count: 0 });
  });

  it("a key on one line, between its markers, keeps the code around it", () => {
    expect(
      redactSecrets(`KEY = "-----BEGIN RSA PRIVATE KEY-----${b}-----END RSA PRIVATE KEY-----"  # inline`, {
        unquoted: false,
      }),
    ).toEqual({ text: 'KEY = "[REDACTED private key]"  # inline', count: 1 });
  });

  it('a whole key in one long string with escaped newlines (JWT_PRIVATE_KEY = "…\\n…") is redacted', () => {
    const line = `SIGNING = "-----BEGIN PRIVATE KEY-----\\n${Array(20).fill(b).join("\\n")}\\n-----END PRIVATE KEY-----\\n"`;
    expect(line.length).toBeGreaterThan(400);
    expect(redactSecrets(line, { unquoted: false })).toEqual({
      text: 'SIGNING = "[REDACTED private key]\\n"',
      count: 1,
    });
  });

  it("counts each key once, and redacts the body lines of prompt lines (R<n> + …) before an END whose BEGIN is out of view", () => {
    const two = [
      "-----BEGIN PRIVATE KEY-----",
      b,
      b,
      "-----END PRIVATE KEY-----",
      "x = 1",
      "-----BEGIN EC PRIVATE KEY-----",
      b,
      "-----END EC PRIVATE KEY-----",
    ].join("\n");
    const redacted = redactSecrets(two, { unquoted: false });
    expect(redacted.count).toBe(2);
    expect(redacted.text.split("\n")).toEqual([
      ...Array(4).fill("[REDACTED private key]"),
      "x = 1",
      ...Array(3).fill("[REDACTED private key]"),
    ]);
    const cut = redactSecrets(`R1 + ${b}\nR2 + ${b}\nR3 + -----END PRIVATE KEY-----\nR4 + after = 1`, {
      unquoted: false,
    });
    expect(cut).toEqual({
      text: "R1 + [REDACTED private key]\nR2 + [REDACTED private key]\nR3 + [REDACTED private key]\nR4 + after = 1",
      count: 1,
    });
  });

  it("a run of key-shaped lines with no marker in view is a key; one such line alone is not", () => {
    expect(redactSecrets(`R1 + ${b}\nR2 + ${b}\nR3 + x = 1`, { unquoted: false })).toEqual({
      text: "R1 + [REDACTED private key]\nR2 + [REDACTED private key]\nR3 + x = 1",
      count: 1,
    });
    expect(redactSecrets(`R1 + ${b}\nR2 + x = 1`, { unquoted: false }).count).toBe(0);
  });
});
