import { describe, expect, it } from "vitest";
import { engineerPrFiles, MODELS_HEAD } from "../fixtures/django-pr.js";
import { type ModelCall, mockModel, mockModelLookups, promptOf } from "../helpers/anthropic-mock.js";
import { GitHubMock } from "../helpers/github-mock.js";
import { pullRequestPayload } from "../helpers/payloads.js";
import { createTestProbot } from "../helpers/probot.js";

const SERIALIZER = `from rest_framework import serializers
from shop.models import Order


class OrderSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True)

    class Meta:
        model = Order
        fields = ["id", "items"]
`;

const SETTINGS = `DEBUG = False
SECRET_KEY = "django-insecure-9x8y7z6w5v4u3t2s1r0q"
`;

async function deliver() {
  const app = await createTestProbot();
  await app.receive({ id: "lookups", name: "pull_request", payload: pullRequestPayload("opened") } as never);
}

/** The tool results the model was given in one request, by the id of the call they answer. */
function toolResults(call: ModelCall): Map<string, string> {
  const results = new Map<string, string>();
  for (const message of call.body.messages)
    if (message.role === "user" && Array.isArray(message.content))
      for (const block of message.content)
        if (block.type === "tool_result") results.set(block.tool_use_id, String(block.content));
  return results;
}

describe("the model's lookups, at the wire", () => {
  it("reads files and definitions from GitHub at the head, refuses secrets files, then submits", async () => {
    const github = new GitHubMock()
      .token()
      .config()
      .files(engineerPrFiles())
      .related()
      // The review lists the tree once and reads the serializer for its project index (a second batched
      // read); the lookups are then answered from what was read, asking GitHub nothing more.
      .tree(
        { "shop/serializers_/order.py": SERIALIZER, "shop/settings.py": SETTINGS, "shop/models.py": MODELS_HEAD },
        { extraPaths: [".env", "shop/static/app.js"], reads: 1 },
      )
      .review();
    const calls: ModelCall[] = [];
    mockModelLookups(
      [
        { name: "read_file", input: { path: "shop/serializers_/order.py" } },
        { name: "read_file", input: { path: ".env" } },
      ],
      { calls },
    );
    mockModelLookups(
      [
        { name: "find_definition", input: { name: "OrderSerializer" } },
        { name: "list_files", input: { glob: "shop/**/*.py" } },
        { name: "read_file", input: { path: "shop/settings.py", start_line: 2, end_line: 2 } },
      ],
      { calls },
    );
    const model = mockModel({ summary: "The serializer nests items.", comments: [] });

    await deliver();

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(calls).toHaveLength(2);
    // The second request carries the first round's answers: the real file from GitHub, numbered...
    const first = toolResults(calls[1]!);
    const serializer = [...first.values()][0]!;
    expect(serializer).toMatch(
      /^<lookup_result tool="read_file" path="shop\/serializers_\/order.py" lines="1-10 of 10">/,
    );
    expect(serializer).toContain("    5  class OrderSerializer(serializers.ModelSerializer):");
    // ...and a refusal for the secrets file, which was never asked of GitHub.
    expect([...first.values()][1]).toContain(".env looks like a secrets file: its content is never sent to the model");
    expect(github.blobReads.flat()).not.toContain(expect.stringContaining(".env"));
    expect(github.blobReads).toHaveLength(2);

    const second = [...toolResults(model.calls[0]!).values()].slice(2);
    expect(second[0]).toContain("# shop/serializers_/order.py lines 5-10 (class)");
    expect(second[0]).toContain("        model = Order");
    expect(second[1]).toBe(
      '<lookup_result tool="list_files" glob="shop/**/*.py" count="4">\nshop/models.py\n' +
        "shop/migrations/0002_order_note.py\nshop/serializers_/order.py\nshop/settings.py\n</lookup_result>",
    );
    // Answers are redacted like the prompt.
    expect(second[2]).toContain('SECRET_KEY = "[REDACTED');
    expect(second[2]).not.toContain("django-insecure-9x8y7z6w5v4u3t2s1r0q");

    // The summary says what the model looked at.
    expect(github.reviews).toHaveLength(1);
    expect(github.reviews[0]!.body).toContain(
      "**The model looked up:** read `shop/serializers_/order.py`; read `.env` (refused); looked for " +
        "`OrderSerializer`; listed `shop/**/*.py`; read `shop/settings.py`.",
    );
    expect(github.reviews[0]!.body).toContain("The serializer nests items.");
  });

  it("ends the loop at max_lookups: the model is then held to submit_review", async () => {
    const github = new GitHubMock()
      .token()
      .config("max_lookups: 2\n")
      .files(engineerPrFiles())
      .related()
      .tree({ "shop/serializers_/order.py": SERIALIZER }, { reads: 1 })
      .review();
    const calls: ModelCall[] = [];
    mockModelLookups(
      [
        { name: "read_file", input: { path: "shop/serializers_/order.py" } },
        { name: "list_files", input: { glob: "**" } },
        { name: "read_file", input: { path: "shop/other.py" } },
      ],
      { calls },
    );
    const model = mockModel({ summary: "ok", comments: [] });

    await deliver();

    expect(github.scope.isDone()).toBe(true);
    expect(calls[0]!.body.tool_choice).toEqual({ type: "any" });
    expect(model.calls[0]!.body.tool_choice).toEqual({ type: "tool", name: "submit_review" });
    // The same tools on every turn, so the cached prefix holds.
    expect(model.calls[0]!.body.tools).toEqual(calls[0]!.body.tools);
    const answers = [...toolResults(model.calls[0]!).values()];
    expect(answers[2]).toContain("The lookup budget of this review is spent: call submit_review now");
    expect(github.reviews[0]!.body).toContain("read `shop/other.py` (budget spent)");
  });

  it("a model that never submits still gets the review posted with the checks' findings", async () => {
    const github = new GitHubMock()
      .token()
      .config("max_lookups: 1\n")
      .files(engineerPrFiles())
      .related()
      .related({ "shop/serializers_/order.py": SERIALIZER })
      .secondRead()
      .review();
    // Lookups on every call, even when only submit_review is allowed (a misbehaving proxy or model).
    const calls: ModelCall[] = [];
    mockModelLookups([{ name: "read_file", input: { path: "shop/serializers_/order.py" } }], { calls, times: 3 });

    await deliver();

    expect(github.scope.isDone()).toBe(true);
    expect(calls).toHaveLength(3); // one round of lookups, then the answer and its one repair
    const body = github.reviews[0]!.body;
    expect(body).toContain("the model did not call submit_review");
    expect(github.reviews[0]!.comments.some((c) => /DJ\d+/.test(c.body))).toBe(true);
  });

  it("max_lookups: 0 offers no lookup tools and reads nothing more", async () => {
    const github = new GitHubMock().token().config("max_lookups: 0\n").files(engineerPrFiles()).related().review();
    const model = mockModel({ summary: "ok", comments: [] });
    await deliver();
    expect(github.scope.isDone()).toBe(true);
    expect(model.calls[0]!.body.tools.map((t: { name: string }) => t.name)).toEqual(["submit_review"]);
    expect(model.calls[0]!.body.tool_choice).toEqual({ type: "tool", name: "submit_review" });
  });
});

describe("the project-wide index, at the wire", () => {
  it("finds the serializer of a changed viewset in a serializers_/ package: the N+1 is caught and shown", async () => {
    const views = [
      "from rest_framework import viewsets",
      "from dcim.serializers_.devices import DeviceSerializer",
      "from dcim.models import Device",
      "",
      "",
      "class DeviceViewSet(viewsets.ModelViewSet):",
      "    queryset = Device.objects.all()",
      "    serializer_class = DeviceSerializer",
      "",
    ].join("\n");
    const serializer = [
      "from rest_framework import serializers",
      "from dcim.models import Device",
      "",
      "",
      "class InterfaceSerializer(serializers.ModelSerializer):",
      "    class Meta:",
      "        model = Interface",
      '        fields = ["id", "name"]',
      "",
      "",
      "class DeviceSerializer(serializers.ModelSerializer):",
      "    interfaces = InterfaceSerializer(many=True)",
      "",
      "    class Meta:",
      "        model = Device",
      '        fields = ["id", "interfaces"]',
      "",
    ].join("\n");
    const patch =
      "@@ -4,6 +4,6 @@ from dcim.models import Device\n \n \n class DeviceViewSet(viewsets.ModelViewSet):\n" +
      '-    queryset = Device.objects.prefetch_related("interfaces")\n+    queryset = Device.objects.all()\n' +
      "     serializer_class = DeviceSerializer\n ";
    const github = new GitHubMock()
      .token()
      .config("max_lookups: 0\n")
      .files([{ filename: "dcim/api/views.py", patch, content: views }])
      .tree({ "dcim/serializers_/devices.py": serializer, "dcim/static/app.js": "x" }, { reads: 1 })
      .review();
    const model = mockModel({ summary: "ok", comments: [] });

    const app = await createTestProbot();
    await app.receive({ id: "index", name: "pull_request", payload: pullRequestPayload("synchronize") } as never);

    expect(github.scope.isDone()).toBe(true);
    // read once, in the review's second batched read, because the tree listed it
    expect(github.blobReads[1]).toEqual([expect.stringMatching(/:dcim\/serializers_\/devices.py$/)]);
    const review = github.reviews[0]!;
    // DJ114 (the removed prefetch) fires from the diff alone; DJ103 needs the serializer, from the index
    expect(review.comments.map((c) => [c.path, c.line, /`(DJ\d+)`/.exec(c.body)?.[1]])).toEqual([
      ["dcim/api/views.py", 7, "DJ103"],
      ["dcim/api/views.py", 7, "DJ114"],
    ]);
    expect(review.comments[0]!.body).toContain("`DeviceSerializer` reads relations");
    // and the model sees the serializer's definition beside the viewset
    expect(promptOf(model.calls[0]!)).toContain("# dcim/serializers_/devices.py\nclass DeviceSerializer(");
  });
});
