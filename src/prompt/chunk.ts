import type { PromptFile } from "./build.js";
import { estimateTokens } from "./estimate.js";

export interface ChunkLimits {
  /** Prompt tokens allowed in one model call, everything included. */
  perCallTokens: number;
  /** Tokens every call spends besides the files (system prompt, PR header, hints). */
  fixedTokens: number;
  maxCalls: number;
  /** Prompt tokens allowed across all calls for this PR. */
  maxTotalTokens: number;
}

export interface ChunkPlan {
  chunks: PromptFile[][];
  notSent: Array<{ path: string; reason: string }>;
  estimatedTokens: number;
}

/** Files of the same Django app (top-level folder) are reviewed in the same call when they fit. */
export function groupOf(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/**
 * Splits the files (already in review order) into model calls under the per-call budget, keeping
 * an app's files together where they fit, within the per-PR ceilings. Files left out are listed
 * with the reason.
 */
export function planChunks(files: PromptFile[], limits: ChunkLimits): ChunkPlan {
  const room = limits.perCallTokens - limits.fixedTokens;
  const notSent: ChunkPlan["notSent"] = [];
  const groups = new Map<string, Array<{ file: PromptFile; tokens: number }>>();
  for (const file of files) {
    const tokens = estimateTokens(file.rendered) + estimateTokens(file.path) + 20;
    if (tokens > room) {
      notSent.push({
        path: file.path,
        reason:
          `too large for one model call (about ${tokens} tokens; \`max_prompt_tokens\` is ` +
          `${limits.perCallTokens})`,
      });
      continue;
    }
    const key = groupOf(file.path);
    groups.set(key, [...(groups.get(key) ?? []), { file, tokens }]);
  }

  const chunks: Array<{ files: PromptFile[]; tokens: number }> = [];
  let current: { files: PromptFile[]; tokens: number } | undefined;
  for (const members of groups.values()) {
    const groupTokens = members.reduce((n, m) => n + m.tokens, 0);
    // Start a fresh call for a group that fits one call but not what is left of the current one.
    if (current && current.tokens + groupTokens > room && groupTokens <= room) current = undefined;
    for (const { file, tokens } of members) {
      if (!current || current.tokens + tokens > room) {
        current = { files: [], tokens: 0 };
        chunks.push(current);
      }
      current.files.push(file);
      current.tokens += tokens;
    }
  }

  const kept: PromptFile[][] = [];
  let total = 0;
  for (const [index, chunk] of chunks.entries()) {
    const cost = chunk.tokens + limits.fixedTokens;
    if (index >= limits.maxCalls) {
      for (const f of chunk.files)
        notSent.push({
          path: f.path,
          reason: `over the limit of ${limits.maxCalls} model calls per pull request (\`max_model_calls\`)`,
        });
    } else if (total + cost > limits.maxTotalTokens) {
      for (const f of chunk.files)
        notSent.push({
          path: f.path,
          reason: `over the per-PR budget of ${limits.maxTotalTokens} prompt tokens (\`max_total_tokens\`)`,
        });
    } else {
      kept.push(chunk.files);
      total += cost;
    }
  }
  return { chunks: kept, notSent, estimatedTokens: total };
}
