import picomatch from "picomatch";

/** Files whose content must never reach the model, whatever the repository config says. */
export const SECRET_PATH_PATTERNS = [
  ".env",
  ".env.*",
  "*.env",
  "*.pem",
  "*.key",
  "*.p12",
  "*.pfx",
  "*.jks",
  "*.keystore",
  "id_rsa*",
  "id_dsa*",
  "id_ecdsa*",
  "id_ed25519*",
  "credentials*",
  "*.credentials",
  ".netrc",
  ".pgpass",
  ".npmrc",
  ".pypirc",
  ".dockercfg",
  ".git-credentials",
  "*.tfstate",
  "service-account*.json",
  "secrets.y*ml",
];

export type PathMatcher = (path: string) => boolean;

const compiled = new Map<string, PathMatcher>();

/**
 * Globs without a slash match the file name anywhere in the tree (`*.pem` matches `deploy/x.pem`).
 * Compiled once per distinct pattern list: every review asks for the same few.
 */
export function pathMatcher(patterns: string[]): PathMatcher {
  if (patterns.length === 0) return () => false;
  const key = JSON.stringify(patterns);
  let matcher = compiled.get(key);
  if (!matcher) {
    // picomatch's `basename` option applies to every pattern, so `legacy/**` would never match a
    // path: only slash-free patterns are matched against the file name.
    const names = patterns.filter((p) => !p.includes("/"));
    const paths = patterns.filter((p) => p.includes("/"));
    const byName =
      names.length > 0 ? picomatch(names, { dot: true, basename: true, nocase: true, noextglob: true }) : () => false;
    const byPath = paths.length > 0 ? picomatch(paths, { dot: true, nocase: true, noextglob: true }) : () => false;
    matcher = (path: string) => byName(path) || byPath(path);
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, matcher);
  }
  return matcher;
}
