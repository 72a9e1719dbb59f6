import nock from "nock";
import { describe, expect, it } from "vitest";
import { engineerPrFiles, MODELS_HEAD } from "../fixtures/django-pr.js";
import { mockModel, mockModelText } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload, reviewCommentPayload } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

const ROOT = 41;
const FINDING =
  "🟡 **minor** · `DJ502` Nullable text field\n\n`note` is a CharField with `null=True`: two empty values.\n\n" +
  "<!-- django-review fp=0123456789abcdef0123 -->";

async function deliver(name: string, payload: Record<string, any>, env?: NodeJS.ProcessEnv) {
  const app = await createTestProbot(env ? { env } : {});
  await app.receive({ id: `thread-${Math.random()}`, name, payload } as never);
}

const reply = (body: string, login = "maint") => reviewCommentPayload(body, { login, inReplyTo: ROOT });

describe("replies in the app's review threads", () => {
  it("a maintainer's question is answered in the thread: finding, hunk, code at head and thread go as data", async () => {
    const github = new GitHubMock()
      .token()
      .reviewComment(ROOT, { body: FINDING, path: "shop/models.py", line: 11, diffHunk: "@@ -8,6 +8,8 @@" })
      .permission("maint", "write")
      .config()
      .related({ "shop/models.py": MODELS_HEAD })
      .secondRead()
      .reviewComments([
        { id: ROOT, body: FINDING, login: "django-review[bot]" },
        { id: 50, body: "Earlier: is this on purpose?", login: "dev", in_reply_to_id: ROOT },
      ])
      .threadReply(ROOT);
    const model = mockModelText("It is intended only if NULL means 'unknown' here. cc @someone");

    await deliver("pull_request_review_comment", reply("Why not `blank=True` only? @everyone"));

    expect(github.scope.isDone()).toBe(true);
    const user: string = model.calls[0]!.body.messages[0].content;
    expect(user).toContain("<finding>\n🟡 **minor** · `DJ502` Nullable text field");
    expect(user).toContain("<rule>\nDJ502 ");
    expect(user).toContain("<diff_hunk>\n@@ -8,6 +8,8 @@\n</diff_hunk>");
    expect(user).toContain("   11      note = models.CharField(max_length=200, null=True)");
    expect(user).toContain("<replies>\ndev: Earlier: is this on purpose?\n</replies>");
    expect(user).toContain("<question>\nWhy not `blank=True` only? @everyone\n</question>");
    expect(model.calls[0]!.body.system[0].text).toContain("# Your persona: django-backend-engineer");
    expect(github.threadReplies[0]).toMatch(/^It is intended only if NULL means 'unknown' here\. cc @\u200bsomeone/);
    expect(github.threadReplies[0]).toMatch(
      /<sub>Answered as django-backend-engineer · model `claude-sonnet-5-5` · tokens: 2000 input · 120 output · ≈ \$[\d.]+<\/sub>$/,
    );
  });

  it("without an API key a rule finding is explained by its rule", async () => {
    const github = new GitHubMock()
      .token()
      .reviewComment(ROOT, { body: FINDING, path: "shop/models.py", line: 11 })
      .permission("maint", "write")
      .threadReply(ROOT);
    await deliver("pull_request_review_comment", reply("why?"), {});
    expect(github.scope.isDone()).toBe(true);
    expect(github.threadReplies[0]).toMatch(/^\*\*`DJ502` .+\.\*\* A nullable text column has two empty values/);
  });

  it("ignores replies in other threads, from people without write access, and from bots", async () => {
    const other = new GitHubMock()
      .token()
      .reviewComment(ROOT, { body: "A person's comment", path: "shop/models.py", line: 11, userType: "User" });
    await deliver("pull_request_review_comment", reply("agreed"));
    expect(other.scope.isDone()).toBe(true);

    const anotherBot = new GitHubMock()
      .token()
      .reviewComment(ROOT, { body: "Lint: unused import", path: "shop/models.py", line: 11 });
    await deliver("pull_request_review_comment", reply("fixed"));
    expect(anotherBot.scope.isDone()).toBe(true);

    const readOnly = new GitHubMock()
      .token()
      .reviewComment(ROOT, { body: FINDING, path: "shop/models.py", line: 11 })
      .permission("drive-by", "read");
    await deliver("pull_request_review_comment", reply("why?", "drive-by"));
    expect(readOnly.scope.isDone()).toBe(true);

    await deliver(
      "pull_request_review_comment",
      reviewCommentPayload("thanks", { login: "ci[bot]", userType: "Bot", inReplyTo: ROOT }),
    );
    await deliver("pull_request_review_comment", reviewCommentPayload("a new comment, not a reply"));
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("/django-review ignore in a thread dismisses the finding: resolved, and not raised again though its line changes", async () => {
    // The first review posts the DJ502 finding in a thread.
    const github = new GitHubMock().token().config().files(engineerPrFiles()).related().review();
    mockModel({ summary: "ok", comments: [] });
    await deliver("pull_request", pullRequestPayload("opened"));
    const posted = github.reviews[0]!.comments.find((c) => c.body.includes("`DJ502`"))!;
    expect(posted).toBeDefined();

    github
      .token()
      .reviewComment(ROOT, { body: posted.body, path: posted.path, line: posted.line })
      .permission("maint", "write")
      .config()
      .threadReply(ROOT)
      .resolveThreads();
    await deliver("pull_request_review_comment", reply("/django-review ignore NULL is 'unknown' here"));
    expect(github.threadReplies[0]).toMatch(
      /^🔕 Dismissed \(NULL is 'unknown' here\): this finding is not raised again on this pull request\.\n\n<!-- django-review state=ignore-finding:[0-9a-f]{16} -->$/,
    );
    expect(github.resolved).toHaveLength(1);

    // A push that edits the line: the finding's text changes, its file and rule do not.
    const edited = engineerPrFiles().map((f) =>
      f.filename === "shop/models.py"
        ? {
            ...f,
            patch: f.patch?.replace("max_length=200, null=True", "max_length=250, null=True"),
            content: f.content?.replace("max_length=200, null=True", "max_length=250, null=True"),
          }
        : f,
    );
    const newer = "b".repeat(40);
    github.token().config(undefined, { headSha: newer }).files(edited, newer).related().review();
    mockModel({ summary: "ok", comments: [] });
    await deliver("pull_request", pullRequestPayload("opened", { headSha: newer }));
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(github.reviews.at(-1)!.comments.some((c) => c.body.includes("`DJ502`"))).toBe(false);
  });

  it("a 👎 on a finding dismisses it on this PR: read with the review state, no webhook needed", async () => {
    const github = new GitHubMock()
      .token()
      .config(undefined, {
        threads: [
          {
            id: "t1",
            fingerprint: "aaaaaaaaaaaaaaaaaaaa",
            path: "shop/models.py",
            rule: "DJ502",
            reactions: { THUMBS_DOWN: 2 },
          },
          {
            id: "t2",
            fingerprint: "bbbbbbbbbbbbbbbbbbbb",
            path: "shop/models.py",
            rule: "DJ301",
            reactions: { THUMBS_UP: 1 },
          },
        ],
      })
      .files(engineerPrFiles())
      .related()
      .review();
    mockModel({ summary: "ok", comments: [] });
    const app = await createTestProbot();
    await app.receive({ id: "reacted", name: "pull_request", payload: pullRequestPayload("synchronize") } as never);
    expect(github.scope.isDone()).toBe(true);
    const rules = github.reviews[0]!.comments.map((c) => /`(DJ\d+)`/.exec(c.body)?.[1]);
    expect(rules).not.toContain("DJ502");
    expect(rules).toContain("DJ107");
  });
});
