import { describe, expect, it } from "vitest";
import { parseChangedFile } from "../../src/diff/parse.js";
import { changedKinds } from "../../src/personas/code-kinds.js";
import { modifiedFile } from "../helpers/changed-file.js";

/** A file whose head is `head`, every line of it added. */
function added(path: string, head: string) {
  const lines = head.split("\n");
  return parseChangedFile({
    path,
    status: "added",
    additions: lines.length,
    deletions: 0,
    patch: [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n"),
  });
}

const kinds = (files: Record<string, string>) =>
  changedKinds(
    Object.entries(files).map(([p, t]) => added(p, t)),
    new Map(Object.entries(files)),
  ).map((k) => `${k.kind.persona}:${k.kind.one}:${k.count}@${k.path}`);

describe("changedKinds: what the changed code is", () => {
  it("recognises the architect's kinds by their bases, decorators and imports", () => {
    expect(
      kinds({
        "a/tasks.py": "@shared_task\ndef send(pk):\n    pass\n\n@app.task(bind=True)\ndef other(self):\n    pass\n",
        "a/consumers.py": "class Chat(AsyncJsonWebsocketConsumer):\n    async def connect(self):\n        pass\n",
        "a/views.py": "async def feed(request):\n    return JsonResponse({})\n",
        "a/api.py": "from ninja import Router\nrouter = Router()\n",
        "a/cache.py": "from django.core.cache import cache\n",
        "p/asgi.py": "application = ProtocolTypeRouter({})\n",
      }),
    ).toEqual([
      "architect:Celery task:2@a/tasks.py",
      "architect:channels consumer:1@a/consumers.py",
      "architect:async view:1@a/views.py",
      "architect:django-ninja API:1@a/api.py",
      "architect:caching module:1@a/cache.py",
      "architect:ASGI module:1@p/asgi.py",
    ]);
  });

  it("recognises the engineer's kinds, and tells a model from a serializer and a form from a view", () => {
    expect(
      kinds({
        "s/models.py": "class Order(TimeStampedModel):\n    sku = models.CharField()\n",
        "s/migrations/0002_x.py": "class Migration(migrations.Migration):\n    operations = []\n",
        "s/forms.py":
          "class OrderForm(forms.ModelForm):\n    pass\n\nclass LoginForm(LoginFormMixin, View):\n    pass\n",
        "s/admin.py": "class OrderAdmin(admin.ModelAdmin):\n    pass\n",
        "s/templates/a.html": "{% extends 'b.html' %}\n",
        "s/templates/b.html": '<button hx-post="/x">{% csrf_token %}</button>\n',
        "s/templatetags/t.py": "register = template.Library()\n",
        "s/serializers.py": "class OrderSerializer(serializers.ModelSerializer):\n    pass\n",
      }),
    ).toEqual([
      "engineer:model:1@s/models.py",
      "engineer:migration:1@s/migrations/0002_x.py",
      "engineer:form:1@s/forms.py",
      "engineer:admin class:1@s/admin.py",
      "engineer:template:1@s/templates/a.html",
      "engineer:htmx template:1@s/templates/b.html",
      "engineer:template tag library:1@s/templatetags/t.py",
      "architect:DRF serializer:1@s/serializers.py",
    ]);
  });
});

const modified = modifiedFile;

describe("changedKinds: where a definition starts and ends", () => {
  const head = [
    "@shared_task", // 1
    "@retry(3)", // 2
    "def send(pk):", // 3
    "    a = 1", // 4
    "", // 5
    "    b = 2", // 6
    "x = 3", // 7
    "class Device(", // 8
    "    Mixin,", // 9
    "    models.Model", // 10
    "):", // 11
    "    name = 1", // 12
    "y = 4", // 13
  ].join("\n");
  const at = (changed: number[], deleted: number[] = []) =>
    changedKinds([modified("a/m.py", head, changed, deleted)], new Map([["a/m.py", head]])).map(
      (k) => `${k.kind.one}:${k.count}:${k.changedLines}`,
    );

  it("a decorated function runs from its first decorator through its body, blank lines included", () => {
    expect(at([1])).toEqual(["Celery task:1:1"]);
    expect(at([2, 3])).toEqual(["Celery task:1:2"]);
    expect(at([6])).toEqual(["Celery task:1:1"]);
    expect(at([7])).toEqual([]);
  });

  it("a class with bases over several lines runs through its header and its body", () => {
    expect(at([9])).toEqual(["model:1:1"]);
    expect(at([12])).toEqual(["model:1:1"]);
    expect(at([13])).toEqual([]);
  });

  it("a deleted line counts where it was, in the definition around it", () => {
    expect(at([], [12])).toEqual(["model:1:1"]);
    expect(at([], [13])).toEqual(["model:1:1"]); // deleted just after `name = 1`: the class's end
    expect(at([], [8])).toEqual([]); // deleted just after `x = 3`, before the class
  });

  it("counts several definitions of a kind and the lines changed in them", () => {
    const two = "class A(models.Model):\n    x = 1\n    y = 2\nclass B(models.Model):\n    z = 3\n";
    const kinds = changedKinds([modified("m.py", two, [2, 3, 5])], new Map([["m.py", two]]));
    expect(kinds.map((k) => [k.kind.one, k.count, k.changedLines])).toEqual([["model", 2, 3]]);
  });

  it("reads imports in every form it knows, and template formats", () => {
    const files = {
      "g/schema.py": "import strawberry\n",
      "g/views.py": "from django.views.decorators.cache import cache_page\n",
      "n/api.py": "import ninja\n",
      "t/mail.txt": "Hello {{ name }}\n",
      "t/page.jinja2": '<a hx-get="/x">x</a>\n',
      "t/plain.html": "<p>no template tags</p>\n",
      "p/asgi.py": "application = get_asgi_application()\n",
    };
    expect(kinds(files)).toEqual([
      "architect:strawberry GraphQL schema:1@g/schema.py",
      "architect:caching module:1@g/views.py",
      "architect:django-ninja API:1@n/api.py",
      "engineer:template:1@t/mail.txt",
      "engineer:htmx template:1@t/page.jinja2",
      "architect:ASGI module:1@p/asgi.py",
    ]);
  });

  it("a file without its head, or with nothing changed, says nothing", () => {
    const file = modified("a/m.py", "class A(models.Model):\n    x = 1", [2]);
    expect(changedKinds([file], new Map())).toEqual([]);
    expect(
      changedKinds([modified("a/m.py", "class A(models.Model):\n    x = 1", [])], new Map([["a/m.py", "x"]])),
    ).toEqual([]);
  });
});

describe("changedKinds: the lines just outside a definition", () => {
  it("a one-line definition ends on its own line; an indented import or a template without tags is not of a kind", () => {
    const head = "async def v(request): return 1\nz = 1\n@shared_task\ndef t(): pass\nw = 2";
    const file = (changed: number[]) =>
      changedKinds([modified("a/v.py", head, changed)], new Map([["a/v.py", head]])).map((k) => k.kind.one);
    expect(file([2])).toEqual([]);
    expect(file([1])).toEqual(["async view"]);
    expect(file([5])).toEqual([]);
    expect(file([4])).toEqual(["Celery task"]);
    expect(
      kinds({
        "a/x.py":
          "def f():\n    from ninja import Router\n    import strawberry\n    from django.core.cache import cache\n",
        "a/migrations/helpers.py": "x = 1\n",
        "a/page.html.bak": "{% block x %}",
        "a/b.html": "{{ value }}",
      }),
    ).toEqual(["engineer:template:1@a/b.html"]);
  });
});
