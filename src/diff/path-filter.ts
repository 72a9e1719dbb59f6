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
    matcher = picomatch(patterns, { dot: true, basename: true, nocase: true });
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, matcher);
  }
  return matcher;
}
