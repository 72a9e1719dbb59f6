// GitHub and the model, faked at the wire with nock for the benchmark: they answer at once, so what
// is measured is the app's own overhead. Every request is counted.
import nock from "nock";
import type { GeneratedFile } from "./generate-django-pr.js";

export const OWNER = "bench-org";
export const REPO = "bench-repo";
export const INSTALLATION_ID = 1;

export interface FakePr {
  number: number;
  headSha: string;
  files: GeneratedFile[];
}

export interface Counters {
  github: number;
  modelCalls: number;
  promptTokens: number;
  cacheReadTokens: number;
  reviewsPosted: number;
  lookups: number;
}

const SYSTEM_CACHE_MIN = 1024;

function zeroCounters(): Counters {
  return { github: 0, modelCalls: 0, promptTokens: 0, cacheReadTokens: 0, reviewsPosted: 0, lookups: 0 };
}

function patchOf(content: string): string {
  const lines = content.replace(/\n$/, "").split("\n");
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n");
}

export class FakeServices {
  readonly counters: Counters = zeroCounters();
  private readonly prs = new Map<number, FakePr>();
  private readonly blobs = new Map<string, string>();
  private systemSeen = new Set<string>();
  private readonly promptsSeen = new Set<string>();

  /**
   * `modelLooksUp`: on its first turn the model looks up two things (a definition and a changed file)
   * before it submits, as a reviewer opens what the diff relies on; otherwise it submits at once.
   */
  constructor(private readonly options: { modelLooksUp?: boolean } = {}) {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)/);
    this.installGitHub();
    this.installModel();
  }

  /** Told the pull request number of every review posted (the fairness burst times them). */
  onReviewPosted?: (pullNumber: number) => void;

  addPr(pr: FakePr): void {
    this.prs.set(pr.number, pr);
    for (const f of pr.files) this.blobs.set(`${pr.headSha}:${f.path}`, f.content);
  }

  reset(): void {
    Object.assign(this.counters, zeroCounters());
  }

  close(): void {
    nock.cleanAll();
    nock.enableNetConnect();
  }

  private installGitHub(): void {
    const count = () => this.counters.github++;
    const api = nock("https://api.github.com").persist();
    // Any installation: the fairness burst uses several.
    api.post(/^\/app\/installations\/\d+\/access_tokens$/).reply(200, () => ({ token: "ghs_bench", permissions: {} }));
    api.post("/graphql").reply(200, (_uri, body) => {
      count();
      const { query, variables } = body as { query: string; variables: Record<string, string> };
      if (/org: repository/.test(query)) return { data: { repo: { object: null }, org: null } };
      const repository: Record<string, unknown> = {};
      for (const [name, expression] of Object.entries(variables)) {
        if (!/^e\d+$/.test(name)) continue;
        const text = this.blobs.get(expression);
        repository[`f${name.slice(1)}`] =
          text === undefined ? null : { text, isBinary: false, isTruncated: false, byteSize: text.length };
      }
      return { data: { repository } };
    });
    api
      .get(new RegExp(`^/repos/${OWNER}/${REPO}/pulls/\\d+/files`))
      .query(true)
      .reply((uri) => {
        count();
        const url = new URL(uri, "https://api.github.com");
        const number = Number(url.pathname.split("/")[5]);
        const page = Number(url.searchParams.get("page") ?? "1");
        const files = this.prs.get(number)?.files ?? [];
        const slice = files.slice((page - 1) * 100, page * 100).map((f) => {
          const lines = f.content.split("\n").length;
          return {
            filename: f.path,
            status: "added",
            additions: lines,
            deletions: 0,
            changes: lines,
            patch: patchOf(f.content),
          };
        });
        const headers: Record<string, string> = {};
        if (page * 100 < files.length)
          headers.link = `<https://api.github.com${url.pathname}?per_page=100&page=${page + 1}>; rel="next"`;
        return [200, slice, headers];
      });
    // The head's tree, as the model's lookups list it: the PR's own files.
    api
      .get(new RegExp(`^/repos/${OWNER}/${REPO}/git/trees/\\w+`))
      .query(true)
      .reply((uri) => {
        count();
        const sha = new URL(uri, "https://api.github.com").pathname.split("/").pop();
        const pr = [...this.prs.values()].find((p) => p.headSha === sha);
        const tree = (pr?.files ?? []).map((f) => ({
          path: f.path,
          type: "blob",
          mode: "100644",
          sha: "0".repeat(40),
        }));
        return [200, { sha, truncated: false, tree }];
      });
    api.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, () => {
      count();
      return { id: 1 };
    });
    api.post(new RegExp(`^/repos/${OWNER}/${REPO}/pulls/\\d+/reviews`)).reply(200, (uri) => {
      count();
      this.onReviewPosted?.(Number(uri.split("/")[5]));
      this.counters.reviewsPosted++;
      return { id: this.counters.reviewsPosted };
    });
  }

  /**
   * A zero-latency model: an empty review (after a round of lookups with `modelLooksUp`), with usage as
   * the API would report it: the system prompt and tools cached after their first use, and a
   * conversation's earlier turns read from the cache on its later ones.
   */
  private installModel(): void {
    nock("https://api.anthropic.com")
      .persist()
      .post("/v1/messages")
      .reply(200, (_uri, body) => {
        const request = body as {
          system: Array<{ text: string }>;
          tools: unknown[];
          tool_choice: { type: string };
          messages: Array<{ content: unknown }>;
          model: string;
        };
        const system = request.system.map((b) => b.text).join("") + JSON.stringify(request.tools);
        const systemTokens = Math.ceil(system.length / 3.5);
        const first = JSON.stringify(request.messages[0]?.content ?? "");
        const firstTokens = Math.ceil(first.length / 3.5);
        const restTokens = Math.ceil(JSON.stringify(request.messages.slice(1)).length / 3.5);
        const cached = systemTokens >= SYSTEM_CACHE_MIN && this.systemSeen.has(system);
        const laterTurn = this.promptsSeen.has(first);
        this.systemSeen.add(system);
        this.promptsSeen.add(first);
        this.counters.modelCalls++;
        this.counters.promptTokens += systemTokens + firstTokens + restTokens;
        const cacheRead = (cached ? systemTokens : 0) + (laterTurn ? firstTokens : 0);
        this.counters.cacheReadTokens += cacheRead;
        const lookUp = this.options.modelLooksUp && request.tool_choice.type === "any" && request.messages.length === 1;
        const path = /<file path="([^"]+)"/.exec(first)?.[1] ?? "missing.py";
        const content = lookUp
          ? [
              { type: "tool_use", id: "toolu_def", name: "find_definition", input: { name: "Customer0" } },
              { type: "tool_use", id: "toolu_read", name: "read_file", input: { path, start_line: 1, end_line: 40 } },
            ]
          : [
              {
                type: "tool_use",
                id: "toolu_bench",
                name: "submit_review",
                input: { summary: "Benchmark review.", comments: [] },
              },
            ];
        if (lookUp) this.counters.lookups += 2;
        return {
          id: "msg_bench",
          type: "message",
          role: "assistant",
          model: request.model,
          content,
          stop_reason: "tool_use",
          stop_sequence: null,
          usage: {
            input_tokens: systemTokens + firstTokens + restTokens - cacheRead - (cached ? 0 : systemTokens),
            output_tokens: 20,
            cache_creation_input_tokens: cached ? 0 : systemTokens,
            cache_read_input_tokens: cacheRead,
          },
        };
      });
  }
}

export function changedLines(files: GeneratedFile[]): number {
  return files.reduce((n, f) => n + f.content.replace(/\n$/, "").split("\n").length, 0);
}
