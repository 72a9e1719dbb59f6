import { describe, expect, it } from "vitest";
import { RULES, runChecks } from "../../src/checks/index.js";
import { SourceFile } from "../../src/checks/source.js";

/** Every line of `text` counts as changed, as in a new file; `removed` lines were deleted before line 2. */
function changedFile(path: string, text: string, removed: string[] = []): SourceFile {
  const count = text.split("\n").length;
  const at = removed.length > 0 ? new Set([2]) : new Set<number>();
  return new SourceFile(
    path,
    text,
    new Set(Array.from({ length: count }, (_, i) => i + 1)),
    removed,
    at,
    removed.map((line) => ({ text: line, line: 2 })),
  );
}

function rulesFired(
  path: string,
  text: string,
  context: Record<string, string> = {},
  removed: string[] = [],
): string[] {
  const ctx = Object.entries(context).map(([p, t]) => new SourceFile(p, t, new Set()));
  // The examples are written for a PostgreSQL project; project-facts.test covers other databases. A finding
  // held back under a condition (index advice, background code) is the rule firing too: it goes to the model.
  const result = runChecks([changedFile(path, text, removed)], ctx, {
    facts: { database: { engine: "postgresql", source: "test" } },
  });
  return [...result.findings, ...result.conditional].map((f) => f.rule);
}

const MODELS = `from django.db import models

class Customer(models.Model):
    name = models.CharField(max_length=100)

class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    sku = models.CharField(max_length=40)
    slug = models.SlugField(db_index=True)
    created = models.DateTimeField()
`;

const SERIALIZERS = `from rest_framework import serializers

class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["name"]

class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer()
    class Meta:
        model = Order
        fields = ["id", "customer"]
`;

interface RuleCase {
  path: string;
  positive: string;
  negative: string;
  context?: Record<string, string>;
  /** Base-side lines the change deletes. */
  removed?: string[];
}

const M = "app/migrations/0002_change.py";
const mig = (ops: string, extra = "") =>
  `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n${extra}    operations = [\n${ops}\n    ]\n`;

const CASES: Record<string, RuleCase> = {
  DJ101: {
    path: "app/views.py",
    positive: "def v():\n    for o in Order.objects.all():\n        print(o.customer.name)\n",
    negative: "def v():\n    for o in Order.objects.select_related('customer'):\n        print(o.customer.name)\n",
    context: { "app/models.py": MODELS },
  },
  DJ102: {
    path: "app/services.py",
    positive: "def f(ids):\n    for i in ids:\n        Order.objects.get(pk=i)\n",
    negative: "def f(ids):\n    orders = Order.objects.in_bulk(ids)\n    for i in ids:\n        orders[i]\n",
  },
  DJ103: {
    path: "app/api.py",
    positive:
      "class V(viewsets.ModelViewSet):\n    queryset = Order.objects.all()\n    serializer_class = OrderSerializer\n",
    negative:
      "class V(viewsets.ModelViewSet):\n    queryset = Order.objects.select_related('customer')\n    serializer_class = OrderSerializer\n",
    context: { "app/serializers.py": SERIALIZERS },
  },
  DJ104: {
    path: "app/a.py",
    positive: "def f():\n    return len(Order.objects.filter(sku='x'))\n",
    negative: "def f():\n    return len([1, 2])\n",
  },
  DJ105: {
    path: "app/a.py",
    positive: "def f(u):\n    if Order.objects.filter(customer=u):\n        return 1\n",
    negative: "def f(u):\n    if Order.objects.filter(customer=u).exists():\n        return 1\n",
  },
  DJ106: {
    path: "app/a.py",
    positive: "def f(u):\n    return Order.objects.filter(customer=u).count() > 0\n",
    negative: "def f(u):\n    return Order.objects.filter(customer=u).count() > 10\n",
  },
  DJ107: {
    path: "app/templates/list.html",
    positive: "{% for p in posts %}{{ p.comment_set.count }}{% endfor %}",
    negative: "{% for p in posts %}{{ p.comment_count }}{% endfor %}",
  },
  DJ108: {
    path: "app/api.py",
    positive: "def get(self, request):\n    return Response(OrderSerializer(Order.objects.all(), many=True).data)\n",
    negative:
      "def get(self, request):\n    return Response(OrderSerializer(Order.objects.all()[:20], many=True).data)\n",
  },
  DJ109: {
    path: "app/admin.py",
    positive:
      "@admin.register(Order)\nclass OrderAdmin(admin.ModelAdmin):\n    list_display = ['sku', 'customer__name']\n",
    negative:
      "@admin.register(Order)\nclass OrderAdmin(admin.ModelAdmin):\n    list_display = ['sku', 'customer__name']\n    list_select_related = ['customer']\n",
    context: { "app/models.py": MODELS },
  },
  DJ111: {
    path: "app/serializers.py",
    positive:
      "class S(serializers.ModelSerializer):\n    n = serializers.SerializerMethodField()\n    def get_n(self, obj):\n        return obj.comment_set.count()\n",
    negative:
      "class S(serializers.ModelSerializer):\n    n = serializers.SerializerMethodField()\n    def get_n(self, obj):\n        return obj.comment_count\n",
  },
  DJ112: {
    path: "app/views.py",
    positive: "def v(pk):\n    order = Order.objects.get(pk=pk)\n    return order.customer.id\n",
    negative: "def v(pk):\n    order = Order.objects.get(pk=pk)\n    return order.customer_id\n",
    context: { "app/models.py": MODELS },
  },
  DJ113: {
    path: "app/views.py",
    positive:
      "def v(request):\n    orders = Order.objects.all()\n    return render(request, 'app/orders.html', {'orders': orders})\n",
    negative:
      "def v(request):\n    orders = Order.objects.select_related('customer')\n    return render(request, 'app/orders.html', {'orders': orders})\n",
    context: {
      "app/models.py": MODELS,
      "app/templates/app/orders.html": "{% for o in orders %}{{ o.customer.name }}{% endfor %}\n",
    },
  },
  DJ114: {
    path: "app/views.py",
    positive: "def v(request):\n    return Order.objects.filter(sku='x')\n",
    negative: "def v(request):\n    return Order.objects.filter(sku='x').select_related('customer')\n",
    removed: ["    return Order.objects.filter(sku='x').select_related('customer')"],
  },
  DJ115: {
    path: "app/views.py",
    positive: "def v(request):\n    return Order.objects.filter(sku='x').prefetch_related('customer')\n",
    negative: "def v(request):\n    return Order.objects.filter(sku='x').select_related('customer')\n",
    context: { "app/models.py": MODELS },
  },
  DJ417: {
    path: "app/tables.py",
    positive:
      "from glob import escape\nfrom django.utils.safestring import mark_safe\n\n" +
      "def render_name(value):\n    return mark_safe(f'<b>{escape(value)}</b>')\n",
    negative:
      "from django.utils.html import escape\nfrom django.utils.safestring import mark_safe\n\n" +
      "def render_name(value):\n    return mark_safe(f'<b>{escape(value)}</b>')\n",
  },
  DJ418: {
    path: "app/templatetags/text.py",
    positive:
      "import markdown\nfrom django import template\nregister = template.Library()\n\n" +
      "@register.filter(is_safe=True)\ndef md(value):\n    return markdown.markdown(value)\n",
    negative:
      "import markdown\nimport nh3\nfrom django import template\nregister = template.Library()\n\n" +
      "@register.filter(is_safe=True)\ndef md(value):\n    return nh3.clean(markdown.markdown(value))\n",
  },
  DJ110: {
    path: "app/jobs.py",
    positive: "def f():\n    for o in Order.objects.all():\n        o.sku = 'x'\n        o.save()\n",
    negative: "def f():\n    Order.objects.update(sku='x')\n",
  },
  DJ201: {
    path: "app/views.py",
    positive: "async def v(request, pk):\n    return Order.objects.get(pk=pk)\n",
    negative: "async def v(request, pk):\n    return await Order.objects.aget(pk=pk)\n",
  },
  DJ202: {
    path: "app/views.py",
    positive: "async def v(request):\n    requests.get('https://x')\n",
    negative: "async def v(request):\n    async with httpx.AsyncClient() as c:\n        await c.get('https://x')\n",
  },
  DJ203: {
    path: "app/views.py",
    positive: "async def v(request):\n    Order.objects.acreate(sku='x')\n",
    negative: "async def v(request):\n    await Order.objects.acreate(sku='x')\n",
  },
  DJ301: {
    path: M,
    positive: mig("        migrations.AddField(model_name='order', name='c', field=models.CharField(max_length=5)),"),
    negative: mig(
      "        migrations.AddField(model_name='order', name='c', field=models.CharField(max_length=5, default='')),",
    ),
  },
  DJ302: {
    path: M,
    positive: mig("        migrations.RunPython(forward),"),
    negative: mig("        migrations.RunPython(forward, migrations.RunPython.noop),"),
  },
  DJ303: {
    path: M,
    positive: mig("        migrations.RunSQL('UPDATE t SET a = 1'),"),
    negative: mig("        migrations.RunSQL('UPDATE t SET a = 1', reverse_sql=migrations.RunSQL.noop),"),
  },
  DJ304: {
    path: M,
    positive: mig("        migrations.RemoveField(model_name='order', name='sku'),"),
    negative: mig(
      "        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(model_name='order', name='sku')]),",
    ),
  },
  DJ305: {
    path: M,
    positive: mig("        migrations.RenameField(model_name='order', old_name='sku', new_name='code'),"),
    negative: mig("        migrations.AlterModelOptions(name='order', options={'ordering': ['id']}),"),
  },
  DJ306: {
    path: M,
    positive: mig(
      "        migrations.AlterField(model_name='order', name='sku', field=models.CharField(max_length=40, unique=True)),",
    ),
    negative: mig(
      "        migrations.AlterField(model_name='order', name='sku', field=models.CharField(max_length=80)),",
    ),
  },
  DJ307: {
    path: M,
    positive: mig("        migrations.AddIndex(model_name='order', index=models.Index(fields=['sku'], name='i')),"),
    negative: mig(
      "        AddIndexConcurrently(model_name='order', index=models.Index(fields=['sku'], name='i')),",
      "    atomic = False\n",
    ),
  },
  DJ308: {
    path: M,
    positive: mig(
      "        AddIndexConcurrently(model_name='order', index=models.Index(fields=['sku'], name='i')),\n        migrations.AddField(model_name='order', name='c', field=models.IntegerField(null=True)),",
      "    atomic = False\n",
    ),
    negative: mig(
      "        AddIndexConcurrently(model_name='order', index=models.Index(fields=['sku'], name='i')),",
      "    atomic = False\n",
    ),
  },
  DJ309: {
    path: M,
    positive:
      "from django.db import migrations\nfrom shop.models import Order\n\ndef forwards(apps, schema_editor):\n    Order.objects.update(sku='x')\n",
    negative: "from django.db import migrations, models\n",
  },
  DJ310: {
    path: M,
    positive: mig(
      '        migrations.RunSQL(\n            """\n            CREATE INDEX order_sku ON shop_order (sku);\n            """,\n            "DROP INDEX order_sku",\n        ),',
    ),
    negative: mig(
      '        migrations.RunSQL(\n            """\n            CREATE INDEX CONCURRENTLY order_sku ON shop_order (sku);\n            """,\n            "DROP INDEX order_sku",\n        ),',
      "    atomic = False\n",
    ),
  },
  DJ508: {
    path: "shop/models.py",
    positive: "from django.db import models\n\nclass Order(models.Model):\n    sku = models.CharField(max_length=40)\n",
    negative:
      "from django.db import models\n\nclass Order(models.Model):\n    sku = models.CharField(max_length=40)\n\n    class Meta:\n        managed = False\n",
  },
  DJ509: {
    path: "shop/models.py",
    positive:
      "from django.db import models\n\nclass Order(models.Model):\n    sku = models.CharField(max_length=40, unique=True)\n",
    negative: "from django.db import models\n\nclass Order(models.Model):\n    sku = models.CharField(max_length=80)\n",
    removed: ["    sku = models.CharField(max_length=40)"],
  },
  DJ510: {
    path: "shop/models.py",
    positive:
      "from django.db import models\n\nclass Order(models.Model):\n    coupon = models.ForeignKey(Coupon, null=True, on_delete=models.CASCADE)\n",
    negative:
      "from django.db import models\n\nclass Order(models.Model):\n    coupon = models.ForeignKey(Coupon, null=True, on_delete=models.SET_NULL)\n",
  },
  DJ401: {
    path: "app/db.py",
    positive: "def f(c, x):\n    c.execute(f\"SELECT * FROM t WHERE a = '{x}'\")\n",
    negative: "def f(c, x):\n    c.execute('SELECT * FROM t WHERE a = %s', [x])\n",
  },
  DJ402: {
    path: "app/tags.py",
    positive: "def f(name):\n    return mark_safe('<b>%s</b>' % name)\n",
    negative: "def f(name):\n    return format_html('<b>{}</b>', name)\n",
  },
  DJ403: { path: "app/templates/a.html", positive: "<p>{{ body|safe }}</p>", negative: "<p>{{ body|linebreaks }}</p>" },
  DJ404: {
    path: "app/views.py",
    positive: "@csrf_exempt\ndef v(request):\n    pass\n",
    negative: "@require_POST\ndef v(request):\n    pass\n",
  },
  DJ405: {
    path: "proj/settings.py",
    positive: "DEBUG = True\n",
    negative: "DEBUG = env.bool('DEBUG', default=False)\n",
  },
  DJ406: {
    path: "proj/settings.py",
    positive: "SECRET_KEY = 'django-insecure-abcdef'\n",
    negative: "SECRET_KEY = os.environ['SECRET_KEY']\n",
  },
  DJ407: {
    path: "proj/settings.py",
    positive: "ALLOWED_HOSTS = ['*']\n",
    negative: "ALLOWED_HOSTS = ['example.com']\n",
  },
  DJ408: {
    path: "proj/settings.py",
    positive: "SESSION_COOKIE_SECURE = False\n",
    negative: "SESSION_COOKIE_SECURE = True\n",
  },
  DJ409: {
    path: "app/views.py",
    positive: "def v(request):\n    return pickle.loads(request.body)\n",
    negative: "def v(request):\n    return json.loads(request.body)\n",
  },
  DJ410: {
    path: "app/templates/a.html",
    positive: '<button hx-post="/x">x</button>',
    negative: '<body hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\'><button hx-post="/x">x</button></body>',
  },
  DJ411: {
    path: "app/templates/a.html",
    positive: '<form method="post"><input name=a></form>',
    negative: '<form method="post">{% csrf_token %}<input name=a></form>',
  },
  DJ412: {
    path: "app/views.py",
    positive: "def v(request):\n    return redirect(request.GET['next'])\n",
    negative: "def v(request):\n    return redirect('/home/')\n",
  },
  DJ413: {
    path: "app/forms.py",
    positive: "class F(forms.ModelForm):\n    class Meta:\n        model = Order\n        fields = '__all__'\n",
    negative: "class F(forms.ModelForm):\n    class Meta:\n        model = Order\n        fields = ['sku']\n",
  },
  DJ414: {
    path: "app/views.py",
    positive: "def v(request):\n    return HttpResponse(f\"Hello {request.GET['name']}\")\n",
    negative: "def v(request):\n    return HttpResponse(f\"Hello {escape(request.GET['name'])}\")\n",
  },
  DJ415: {
    path: "app/templates/a.html",
    positive: '<script>const name = "{{ user.name }}";</script>',
    negative:
      "{{ user.name|json_script:\"user-name\" }}<script>const name = JSON.parse(document.getElementById('user-name').textContent);</script>",
  },
  DJ416: {
    path: "app/views.py",
    positive: "def v(request):\n    r = HttpResponse()\n    r.set_cookie('t', '1')\n    return r\n",
    negative:
      "def v(request):\n    r = HttpResponse()\n    r.set_cookie('t', '1', secure=True, httponly=True, samesite='Lax')\n    return r\n",
  },
  DJ501: {
    path: "app/models.py",
    positive: "class A(models.Model):\n    b = models.ForeignKey(B)\n",
    negative: "class A(models.Model):\n    b = models.ForeignKey(B, on_delete=models.CASCADE)\n",
  },
  DJ502: {
    path: "app/models.py",
    positive: "class A(models.Model):\n    n = models.CharField(max_length=5, null=True)\n",
    negative: "class A(models.Model):\n    n = models.CharField(max_length=5, blank=True, default='')\n",
  },
  DJ503: {
    path: "app/models.py",
    positive:
      "class Item(models.Model):\n    code = models.CharField(max_length=9)\n\ndef by_code(c):\n    return Item.objects.filter(code=c)\n",
    negative:
      "class Item(models.Model):\n    code = models.CharField(max_length=9, db_index=True)\n\ndef by_code(c):\n    return Item.objects.filter(code=c)\n",
  },
  DJ504: {
    path: "app/models.py",
    positive:
      "class A(models.Model):\n    created = models.DateTimeField()\n    class Meta:\n        ordering = ['-created']\n",
    negative:
      "class A(models.Model):\n    created = models.DateTimeField(db_index=True)\n    class Meta:\n        ordering = ['-created']\n",
  },
  DJ505: {
    path: "app/models.py",
    positive: "class A(models.Model):\n    def save(self):\n        super().save()\n",
    negative: "class A(models.Model):\n    def save(self, *args, **kwargs):\n        super().save(*args, **kwargs)\n",
  },
  DJ506: {
    path: "app/models.py",
    positive: "class A(models.Model):\n    b = models.ForeignKey(B, on_delete=models.SET_NULL)\n",
    negative: "class A(models.Model):\n    b = models.ForeignKey(B, on_delete=models.SET_NULL, null=True)\n",
  },
  DJ507: {
    path: "app/models.py",
    positive: "class A(models.Model):\n    price = models.FloatField()\n",
    negative: "class A(models.Model):\n    price = models.DecimalField(max_digits=9, decimal_places=2)\n",
  },
  DJ601: {
    path: "app/views.py",
    positive: "def v(request):\n    order = Order.objects.create(sku='a')\n    send.delay(order)\n",
    negative: "def v(request):\n    order = Order.objects.create(sku='a')\n    send.delay(order.pk)\n",
  },
  DJ602: {
    path: "app/views.py",
    positive:
      "def v(request):\n    with transaction.atomic():\n        o = Order.objects.create()\n        send.delay(o.pk)\n",
    negative:
      "def v(request):\n    with transaction.atomic():\n        o = Order.objects.create()\n        transaction.on_commit(lambda: send.delay(o.pk))\n",
  },
};

describe("rule catalogue", () => {
  it("has at least 30 rules, each fully described, across every category", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.category))).toEqual(
      new Set(["queries", "async", "migrations", "security", "models", "tasks"]),
    );
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^DJ\d{3}$/);
      expect(rule.explanation.length).toBeGreaterThan(40);
      expect(["architect", "engineer"]).toContain(rule.persona);
    }
  });

  it("has a positive and a negative test for every rule", () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });
});

describe.each(Object.entries(CASES))("%s", (id, c) => {
  it("fires on the positive example", () => {
    expect(rulesFired(c.path, c.positive, c.context, c.removed)).toContain(id);
  });
  it("stays quiet on the negative example", () => {
    expect(rulesFired(c.path, c.negative, c.context, c.removed)).not.toContain(id);
  });
});

describe("DJ306 across files", () => {
  it("sees a type change from the models.py lines the PR deletes", () => {
    const migration = changedFile(
      M,
      mig("        migrations.AlterField(model_name='order', name='ref', field=models.CharField(max_length=9)),"),
    );
    const models = new SourceFile(
      "app/models.py",
      "class Order(models.Model):\n    ref = models.CharField(max_length=9)\n",
      new Set([2]),
      ["    ref = models.IntegerField()"],
    );
    expect(runChecks([migration, models]).findings.map((f) => [f.rule, f.message])).toEqual([
      ["DJ306", expect.stringContaining("from `IntegerField` to `CharField`")],
    ]);
    const sameType = new SourceFile(
      "app/models.py",
      "class Order(models.Model):\n    ref = models.CharField(max_length=9)\n",
      new Set([2]),
      ["    ref = models.CharField(max_length=5)"],
    );
    expect(runChecks([migration, sameType]).findings).toEqual([]);
  });
});

describe("runChecks", () => {
  const text =
    "def v():\n    for o in Order.objects.all():\n        print(o.customer.name)\n    return len(Order.objects.all())\n";

  it("reports only findings on changed lines or caused by them", () => {
    const onlyLast = new SourceFile("app/views.py", text, new Set([4]));
    const ctx = [new SourceFile("app/models.py", MODELS, new Set())];
    expect(runChecks([onlyLast], ctx).findings.map((f) => [f.rule, f.line])).toEqual([["DJ104", 4]]);
    const loopChanged = new SourceFile("app/views.py", text, new Set([2]));
    expect(runChecks([loopChanged], ctx).findings.map((f) => [f.rule, f.line])).toEqual([["DJ101", 3]]);
  });

  it("never reports on context files", () => {
    const ctx = [new SourceFile("app/views.py", text, new Set())];
    expect(runChecks([], ctx).findings).toEqual([]);
  });

  it("honours disabled rules, disabled categories and a minimum severity", () => {
    const file = changedFile("app/views.py", text);
    const ctx = [new SourceFile("app/models.py", MODELS, new Set())];
    expect(runChecks([file], ctx, { disabled: ["DJ104"] }).findings.map((f) => f.rule)).toEqual(["DJ101"]);
    expect(runChecks([file], ctx, { disabled: ["queries"] }).findings).toEqual([]);
    expect(runChecks([file], ctx, { minSeverity: "major" }).findings.map((f) => f.rule)).toEqual(["DJ101"]);
  });

  it("gives every finding its rule's id, category, persona and explanation", () => {
    const [finding] = runChecks([changedFile("proj/settings.py", "DEBUG = True\n")]).findings;
    expect(finding).toMatchObject({
      rule: "DJ405",
      category: "security",
      severity: "major",
      persona: "architect",
      file: "proj/settings.py",
      line: 1,
    });
    expect(finding?.explanation).toContain("environment");
  });

  it("parses broken Python without throwing", () => {
    const broken = changedFile("app/views.py", "def v(:\n    for o in Order.objects.all(:\n        o.customer.name\n");
    expect(() => runChecks([broken])).not.toThrow();
  });
});
