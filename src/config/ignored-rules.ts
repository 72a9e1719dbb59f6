import type { RepoConfig } from "./schema.js";

/** The config with the rules switched off on this pull request (`/django-review ignore DJ101`) disabled too. */
export function withIgnoredRules(config: RepoConfig, rules: string[]): RepoConfig {
  if (rules.length === 0) return config;
  return { ...config, checks: { ...config.checks, disable: [...new Set([...config.checks.disable, ...rules])] } };
}
