import nock from "nock";
import { HEAD_SHA, INSTALLATION_ID, OWNER, PR_NUMBER, REPO } from "./payloads.js";

export const GITHUB_API = "https://api.github.com";

export interface MockFile {
  filename: string;
  status?: string;
  patch?: string;
  additions?: number;
  deletions?: number;
  previous_filename?: string;
  /** Head-side content served by the contents API; omit to skip that request. */
  content?: string;
}

export interface PostedReview {
  commit_id: string;
  event: string;
  body: string;
  comments: Array<{ path: string; line: number; side: string; start_line?: number; start_side?: string; body: string }>;
}

/** Fakes GitHub at the wire for one review run, and records what the app posted. */
export class GitHubMock {
  readonly scope: nock.Scope;
  readonly reviews: PostedReview[] = [];
  private readonly prefix: string;

  /** `baseUrl` may carry a path, as GitHub Enterprise's `https://host/api/v3` does. */
  constructor(baseUrl = GITHUB_API) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/$/, "");
    this.scope = nock(url.origin);
  }

  token(): this {
    this.scope.post(`${this.prefix}/app/installations/${INSTALLATION_ID}/access_tokens`).reply(200, { token: "ghs_test", permissions: {} });
    return this;
  }

  /** `.github/django-review.yml` in the repo (or 404 there and in the org's `.github` repo). */
  config(yaml?: string, options: { delayMs?: number } = {}): this {
    const path = "/contents/.github%2Fdjango-review.yml";
    if (yaml === undefined) {
      this.scope.get(`${this.prefix}/repos/${OWNER}/${REPO}${path}`).delay(options.delayMs ?? 0).reply(404, { message: "Not Found" });
      this.scope.get(`${this.prefix}/repos/${OWNER}/.github${path}`).reply(404, { message: "Not Found" });
    } else {
      this.scope.get(`${this.prefix}/repos/${OWNER}/${REPO}${path}`).reply(200, yaml, { "content-type": "text/plain; charset=utf-8" });
    }
    return this;
  }

  files(files: MockFile[], headSha = HEAD_SHA): this {
    const listed = files.map((f) => ({
      sha: "0000000000000000000000000000000000000000",
      filename: f.filename,
      status: f.status ?? "modified",
      additions: f.additions ?? countLines(f.patch, "+"),
      deletions: f.deletions ?? countLines(f.patch, "-"),
      changes: (f.additions ?? countLines(f.patch, "+")) + (f.deletions ?? countLines(f.patch, "-")),
      blob_url: `https://github.com/${OWNER}/${REPO}/blob/${HEAD_SHA}/${f.filename}`,
      raw_url: `https://github.com/${OWNER}/${REPO}/raw/${HEAD_SHA}/${f.filename}`,
      contents_url: `${GITHUB_API}/repos/${OWNER}/${REPO}/contents/${f.filename}?ref=${HEAD_SHA}`,
      ...(f.patch !== undefined ? { patch: f.patch } : {}),
      ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
    }));
    this.scope.get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files`).query({ per_page: "100" }).reply(200, listed);
    for (const file of files) {
      if (file.content === undefined) continue;
      this.scope
        .get(`${this.prefix}/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(file.filename)}`)
        .query({ ref: headSha })
        .reply(200, file.content, { "content-type": "text/plain; charset=utf-8" });
    }
    return this;
  }

  /**
   * Project files the checks read for context (models/serializers next to changed code, base
   * templates): served from `files`, 404 for any other path. Optional, so tests need not list them.
   */
  related(files: Record<string, string> = {}): this {
    for (const [path, content] of Object.entries(files)) {
      this.scope
        .get(`${this.prefix}/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(path)}`)
        .query({ ref: HEAD_SHA })
        .reply(200, content, { "content-type": "text/plain; charset=utf-8" });
    }
    this.scope
      .get(new RegExp(`^${this.prefix}/repos/${OWNER}/${REPO}/contents/`))
      .query(true)
      .optionally()
      .times(100)
      .reply(404, { message: "Not Found" });
    return this;
  }

  review(status = 200): this {
    this.scope.post(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/reviews`, (body: PostedReview) => {
      this.reviews.push(body);
      return true;
    }).reply(status, { id: 80 + this.reviews.length });
    return this;
  }

  permission(login: string, permission: string, roleName = permission): this {
    this.scope
      .get(`${this.prefix}/repos/${OWNER}/${REPO}/collaborators/${login}/permission`)
      .reply(200, { permission, role_name: roleName, user: { login } });
    return this;
  }

  reaction(commentId: number, onBody?: (body: { content: string }) => void): this {
    this.scope
      .post(`${this.prefix}/repos/${OWNER}/${REPO}/issues/comments/${commentId}/reactions`, (body: { content: string }) => {
        onBody?.(body);
        return body.content === "eyes";
      })
      .reply(201, { id: 1, content: "eyes" });
    return this;
  }

  pull(pr: Record<string, unknown>): this {
    this.scope.get(`${this.prefix}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}`).reply(200, pr);
    return this;
  }
}

function countLines(patch: string | undefined, sign: "+" | "-"): number {
  if (!patch) return 0;
  return patch.split("\n").filter((l) => l.startsWith(sign) && !l.startsWith(`${sign}${sign}${sign} `)).length;
}
