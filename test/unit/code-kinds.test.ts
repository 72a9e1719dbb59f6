import { describe, expect, it } from "vitest";
import { parseChangedFile } from "../../src/diff/parse.js";
import { changedKinds } from "../../src/personas/code-kinds.js";

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
