import type { GitHubClient, RepoRef } from "./types.js";

export type BlobResult =
  | { kind: "text"; text: string }
  | { kind: "binary" }
  | { kind: "too-large" }
  | { kind: "missing" };

/** Files per GraphQL request: a whole everyday PR in one, split only past it (GitHub's query limits). */
const BATCH_SIZE = 250;
/** Larger files are not read for context (the diff is still reviewed). */
export const MAX_CONTENT_BYTES = 1_000_000;

interface BlobNode {
  text: string | null;
  isBinary: boolean | null;
  isTruncated: boolean;
  byteSize: number;
}

/**
 * Reads many files in one GraphQL request per batch of `BATCH_SIZE`, each as `<rev>:<path>`
 * (`HEAD:` is the default branch). Throws when GraphQL itself fails, so the caller can fall back.
 */
export async function fetchBlobs(
  octokit: GitHubClient,
  repo: RepoRef,
  expressions: string[],
): Promise<Map<string, BlobResult>> {
  const results = new Map<string, BlobResult>();
  const unique = [...new Set(expressions)];
  for (let start = 0; start < unique.length; start += BATCH_SIZE) {
    const batch = unique.slice(start, start + BATCH_SIZE);
    const variables: Record<string, string> = { owner: repo.owner, name: repo.repo };
    const fields = batch.map((expression, i) => {
      variables[`e${i}`] = expression;
      return `f${i}: object(expression: $e${i}) { ... on Blob { text isBinary isTruncated byteSize } }`;
    });
    const declarations = batch.map((_, i) => `$e${i}: String!`).join(", ");
    const query =
      `query($owner: String!, $name: String!, ${declarations}) { repository(owner: $owner, name: ` +
      `$name) { ${fields.join(" ")} } }`;
    const data = await octokit.graphql<{ repository: Record<string, BlobNode | null> | null }>(query, variables);
    for (const [i, expression] of batch.entries())
      results.set(expression, toResult(data.repository?.[`f${i}`] ?? null));
  }
  return results;
}

function toResult(node: BlobNode | null): BlobResult {
  if (!node || node.byteSize === undefined) return { kind: "missing" };
  if (node.isBinary) return { kind: "binary" };
  if (node.byteSize > MAX_CONTENT_BYTES || node.isTruncated || node.text === null) return { kind: "too-large" };
  if (node.text.includes("\u0000")) return { kind: "binary" };
  return { kind: "text", text: node.text };
}
