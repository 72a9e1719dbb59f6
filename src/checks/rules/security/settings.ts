import type { SyntaxNode } from "@lezer/common";
import { callParts, isPlainString, simpleAssignments } from "../../python.js";
import type { ProjectIndex } from "../../project.js";
import type { SourceFile } from "../../source.js";
import type { Rule, RuleHit } from "../../types.js";
import { code } from "../../../comments/markdown.js";

interface SettingCheck {
  name: RegExp;
  bad: (value: string) => boolean;
  message: (name: string, value: string) => string;
}

/** Development and test settings legitimately turn DEBUG on and relax hosts and cookies. */
export function isProductionSettings(f: SourceFile): boolean {
  const name = f.path.split("/").pop() ?? "";
  return f.isSettings && !/(^|[_.-])(dev|devel|develop|development|local|test|tests|testing|ci)([_.-]|$)/i.test(name);
}

/**
 * A reusable app has no deployment: its settings modules configure its tests, sandbox or example project
 * (production settings are its users', in their own repositories).
 */
function deployed(project: ProjectIndex): boolean {
  return !project.facts.reusable;
}

function settingsRule(rule: Omit<Rule, "appliesTo" | "check">, checks: SettingCheck[]): Rule {
  return {
    ...rule,
    appliesTo: isProductionSettings,
    check(file, project) {
      if (!deployed(project)) return [];
      const py = file.python;
      const hits: RuleHit[] = [];
      for (const { name, value, statement } of simpleAssignments(py, py.tree.topNode)) {
        const text = py.src(value).replace(/\s+/g, " ").trim();
        for (const check of checks) {
          if (check.name.test(name) && check.bad(text))
            hits.push({ line: py.lineOf(statement), message: check.message(name, text) });
        }
      }
      return hits;
    },
  };
}

export const debugTrue = settingsRule(
  {
    id: "DJ405",
    title: "`DEBUG = True` in settings",
    severity: "major",
    category: "security",
    tags: ["settings"],
    persona: "architect",
    explanation:
      "With DEBUG on, error pages show settings, SQL and stack frames to anyone, and Django keeps every query in " +
      'memory. Read it from the environment, default off: `DEBUG = env.bool("DEBUG", default=False)`.',
  },
  [
    {
      name: /^DEBUG$/,
      bad: (v) => v === "True",
      message: () => "`DEBUG = True` is hard-coded: read it from the environment, defaulting to False.",
    },
  ],
);

export const hardcodedSecretKey: Rule = {
  id: "DJ406",
  title: "Hard-coded `SECRET_KEY`",
  severity: "critical",
  category: "security",
  tags: ["settings", "secrets"],
  persona: "architect",
  explanation:
    "Anyone with the source can forge sessions, password-reset links and signed data. Load it from the environment " +
    'or a secrets manager, with no literal fallback: `SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]`.',
  appliesTo: isProductionSettings,
  check(file, project) {
    if (!deployed(project)) return [];
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const { name, value, statement } of simpleAssignments(py, py.tree.topNode)) {
      if (name !== "SECRET_KEY") continue;
      if (isPlainString(py, value) && py.src(value).length > 4) {
        hits.push({
          line: py.lineOf(statement),
          message: "`SECRET_KEY` is a literal in the source: load it from the environment.",
        });
        continue;
      }
      if (value.name === "CallExpression") {
        const parts = callParts(py, value);
        const fallback = parts?.keywords.get("default") ?? parts?.positional[1];
        if (
          parts &&
          /^(get|getenv|env|str|config)$/.test(parts.name) &&
          fallback &&
          isPlainString(py, fallback) &&
          py.src(fallback).length > 4
        ) {
          hits.push({
            line: py.lineOf(statement),
            message: "`SECRET_KEY` falls back to a literal when the environment variable is missing: fail instead.",
          });
        }
      }
    }
    return hits;
  },
};

export const hostsAndCors = settingsRule(
  {
    id: "DJ407",
    title: "Wildcard `ALLOWED_HOSTS` or CORS allowing every origin",
    severity: "major",
    category: "security",
    tags: ["settings", "cors"],
    persona: "architect",
    explanation:
      '`ALLOWED_HOSTS = ["*"]` enables Host-header attacks (poisoned password-reset links, cache poisoning). ' +
      "`CORS_ALLOW_ALL_ORIGINS = True` lets any site read your API responses from a user's browser, worst " +
      "with credentials. List the real hosts and origins.",
  },
  [
    {
      name: /^ALLOWED_HOSTS$/,
      bad: (v) => /^[[(]\s*['"]\*['"]\s*,?\s*[\])]$/.test(v),
      message: () => "`ALLOWED_HOSTS` accepts any host: list your domains.",
    },
    {
      name: /^(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL)$/,
      bad: (v) => v === "True",
      message: (n) =>
        `${code(`${n} = True`)} lets every website read responses from this API: list allowed origins in ` +
        `\`CORS_ALLOWED_ORIGINS\`.`,
    },
    {
      name: /^CORS_(ALLOWED_ORIGIN_REGEXES|ORIGIN_REGEX_WHITELIST)$/,
      bad: (v) => /['"]\^?\.\*\$?['"]/.test(v),
      message: (n) => `${code(`${n}`)} matches every origin.`,
    },
  ],
);

export const insecureCookies = settingsRule(
  {
    id: "DJ408",
    title: "Cookie, HTTPS or HSTS protection turned off",
    severity: "major",
    category: "security",
    tags: ["settings"],
    persona: "architect",
    explanation:
      "Session and CSRF cookies sent over plain HTTP can be stolen on the network; without SSL redirect and HSTS a " +
      "user can be downgraded to HTTP. In production set `SESSION_COOKIE_SECURE`, `CSRF_COOKIE_SECURE`, " +
      "`SECURE_SSL_REDIRECT` to True and `SECURE_HSTS_SECONDS` to a large value (`manage.py check --deploy`).",
  },
  [
    {
      name: /^(SESSION_COOKIE_SECURE|CSRF_COOKIE_SECURE|SECURE_SSL_REDIRECT|SESSION_COOKIE_HTTPONLY)$/,
      bad: (v) => v === "False",
      message: (n) => `${code(`${n} = False`)} turns off a protection \`check --deploy\` expects in production.`,
    },
    { name: /^SECURE_HSTS_SECONDS$/, bad: (v) => v === "0", message: () => "`SECURE_HSTS_SECONDS = 0` disables HSTS." },
    {
      name: /^(SESSION_COOKIE_SAMESITE|CSRF_COOKIE_SAMESITE)$/,
      bad: (v) => /^(None|['"]None['"])$/.test(v),
      message: (n) => `${code(`${n} = None`)} sends the cookie on cross-site requests.`,
    },
  ],
);

export const insecureSetCookie: Rule = {
  id: "DJ416",
  title: "`set_cookie` without `secure` / `httponly`",
  severity: "minor",
  category: "security",
  tags: ["cookies"],
  persona: "architect",
  explanation:
    "A cookie set without `secure=True` travels over plain HTTP, and without `httponly=True` any injected script " +
    "can read it. Set both (and `samesite`) unless the cookie must be read by JavaScript.",
  appliesTo: (f) => f.kind === "python" && /set_cookie\(/.test(f.text),
  check(file) {
    const py = file.python;
    const hits: RuleHit[] = [];
    for (const call of py.nodes("CallExpression")) {
      const parts = callParts(py, call);
      if (parts?.name !== "set_cookie" || !parts.receiver || parts.hasStarArgs) continue;
      const missing = ["secure", "httponly"].filter(
        (k) => !parts.keywords.has(k) || py.src(parts.keywords.get(k) as SyntaxNode) === "False",
      );
      if (missing.length === 0) continue;
      hits.push({
        line: py.lineOf(call),
        message: `\`set_cookie\` without ${missing.map((k) => code(`${k}=True`)).join(" and ")}.`,
      });
    }
    return hits;
  },
};
