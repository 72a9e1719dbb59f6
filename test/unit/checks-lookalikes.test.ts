/**
 * Look-alikes of the false positives seen on real, shipped commits (test/noise/judgements.tsv has the
 * references). Each shape is written here from scratch, with a near miss that must still fire, so the
 * mechanism cannot regress in either direction.
 */
import { describe, expect, it } from "vitest";
import { SCRIPT_STRING_TEXT, WRITERS_UNTRUSTED } from "../../src/checks/conditions.js";
import { runChecks } from "../../src/checks/index.js";
import { SourceFile } from "../../src/checks/source.js";
import type { ProjectFacts } from "../../src/checks/project-facts.js";
import { changedSourceFile } from "../helpers/changed-source-file.js";

const MODELS = `from django.db import models
from shop.fields import NullCharField

class Customer(models.Model):
    name = models.CharField(max_length=100)

class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    referrer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(max_length=40)
    created = models.DateTimeField()
`;

const FIELDS = `from django.db.models import CharField

class NullCharField(CharField):
    def __init__(self, *args, **kwargs):
        kwargs["null"] = kwargs["blank"] = True
        super().__init__(*args, **kwargs)

class UpperField(CharField):
    pass
`;

/**
 * The look-alikes are written for a PostgreSQL project with large tables and rolling deploys (project-facts.test
 * and checks-project-kind.test cover the others).
 */
const PG: ProjectFacts = {
  database: { engine: "postgresql", source: "test" },
  largeTables: true,
  rollingDeploys: { source: "test" },
};

type Options = { context?: Record<string, string>; removed?: string[]; includeTests?: boolean; disabled?: string[] };

/** What the checks post, as `RULE@line`. */
function fired(path: string, text: string, options: Options = {}): string[] {
  return checked(path, text, options).findings.map((f) => `${f.rule}@${f.line}`);
}

/** What the checks hold back as hints for the model (conditions.ts), as `RULE@line`. */
function held(path: string, text: string, options: Options = {}): string[] {
  return checked(path, text, options).conditional.map((f) => `${f.rule}@${f.line}`);
}

/** Posted and held back alike: for shapes that must raise nothing at all. */
function anything(path: string, text: string, options: Options = {}): string[] {
  return [...fired(path, text, options), ...held(path, text, options)];
}

function checked(path: string, text: string, options: Options) {
  const lines = text.split("\n").length;
  const file = new SourceFile(
    path,
    text,
    new Set(Array.from({ length: lines }, (_, i) => i + 1)),
    options.removed ?? [],
  );
  const context = Object.entries({ "shop/models.py": MODELS, "shop/fields.py": FIELDS, ...options.context }).map(
    ([p, t]) => new SourceFile(p, t, new Set()),
  );
  const result = runChecks([file], context, {
    facts: PG,
    includeTests: options.includeTests ?? false,
    disabled: options.disabled ?? [],
  });
  // A rule that throws is skipped and reported, not failed: a quiet look-alike must be quiet, not a crash.
  expect(result.failures).toEqual([]);
  return result;
}

/** `text` as a change leaves it that rewrote head line `line`, whose old text was `removed`. */
const replacing = (path: string, text: string, line: number, removed: string) =>
  new SourceFile(path, text, new Set([line]), [removed], new Set([line]), [{ text: removed, line }]);

const mig = (ops: string, head = "") =>
  `from django.db import migrations, models\nimport shop.fields\n${head}\nclass Migration(migrations.Migration):\n    operations = [\n${ops}\n    ]\n`;

describe("test code", () => {
  const loop = "def test_x():\n    for o in Order.objects.all():\n        print(o.customer.name)\n";
  it.each(["shop/tests/test_views.py", "shop/tests.py", "conftest.py", "tests/_site/apps/shop/migrations/0002_x.py"])(
    "%s is not checked by default",
    (path) => {
      expect(fired(path, loop)).toEqual([]);
    },
  );
  it("is checked with include_tests", () =>
    expect(fired("shop/tests/test_views.py", loop, { includeTests: true })).toEqual(["DJ101@3"]));
});

describe("queries in loops", () => {
  it("a loop over a literal tuple or a constant runs a fixed handful of queries", () => {
    expect(
      anything(
        "shop/signals.py",
        "def f(ids):\n    for model in (Order, Customer):\n        model.objects.filter(pk__in=ids).delete()\n",
      ),
    ).toEqual([]);
    expect(
      anything(
        "shop/forms.py",
        "def f(ct):\n    for key in PERMISSION_ACTIONS:\n        Permission.objects.get(content_type=ct, codename=key)\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/forms.py",
        "def f(ct):\n    for key in ct.actions.all():\n        Permission.objects.get(content_type=ct, codename=key.name)\n",
      ),
    ).toEqual(["DJ102@3"]);
  });

  it("a loop body that always returns runs once", () => {
    expect(
      anything(
        "shop/counters.py",
        "def f(fields, obj):\n    for name in fields:\n        if not Order.objects.filter(pk=obj.pk).exists():\n            obj.gone = True\n        return\n",
      ),
    ).toEqual([]);
  });

  it("batches by the loop's own data are not N+1", () => {
    expect(
      anything(
        "shop/tree.py",
        "def walk(root):\n    level = {root.pk}\n    while level:\n        level = set(Order.objects.filter(parent_id__in=level).values_list('pk', flat=True))\n",
      ),
    ).toEqual([]);
    expect(
      anything(
        "shop/jobs.py",
        "def f(chunks):\n    for chunk in chunks:\n        Order.objects.filter(pk__in=chunk).update(sku='x')\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/jobs.py",
        "def f(users, ids):\n    for user in users:\n        Order.objects.filter(pk__in=ids, customer=user).first()\n",
      ),
    ).toEqual(["DJ102@3"]);
    // pks grouped by type, one batch per group: any name the loop binds may feed the batch
    const grouped = (lookup: string) =>
      `def downcast(by_type):\n    for model, pks in by_type.items():\n        list(model.objects.filter(${lookup}))\n`;
    expect(held("shop/plugins.py", grouped("pk__in=pks"))).toEqual([]);
    expect(held("shop/plugins.py", grouped("pk=1"))).toEqual(["DJ102@3"]);
  });

  it("a filtered related manager in a loop gets Prefetch advice, not prefetch_related", () => {
    const findings = runChecks(
      [
        new SourceFile(
          "shop/tasks.py",
          "def f():\n    for c in Customer.objects.all():\n        c.order_set.filter(sku='x')\n",
          new Set([1, 2, 3]),
        ),
      ],
      [new SourceFile("shop/models.py", MODELS, new Set())],
    ).findings;
    expect(findings.map((f) => f.rule)).toEqual(["DJ101"]);
    // A reverse relation without related_name is prefetched by its accessor name.
    expect(findings[0]?.message).toContain('Prefetch("order_set", queryset=');
  });

  it("a loop header edited for another reason does not re-flag the unchanged body", () => {
    const text = "def v():\n    for o in Order.objects.filter(sku='x'):\n        print(o.customer.name)\n";
    const context = [new SourceFile("shop/models.py", MODELS, new Set())];
    const edited = new SourceFile(
      "shop/views.py",
      text,
      new Set([2]),
      ["    for o in Order.objects.all():"],
      new Set([2]),
    );
    expect(runChecks([edited], context).findings).toEqual([]);
    const lostLoading = new SourceFile(
      "shop/views.py",
      text,
      new Set([2]),
      ["    for o in Order.objects.select_related('customer'):"],
      new Set([2]),
    );
    expect(runChecks([lostLoading], context).findings.map((f) => f.rule)).toEqual(["DJ101"]);
  });
});

describe("receivers need evidence", () => {
  it("`.filter()` on something not known to be a queryset is not a queryset", () => {
    expect(
      fired(
        "shop/actions.py",
        "def f(form):\n    partners = form.cleaned_data.get('partners')\n    partners = partners.filter(active=True)\n    if not partners:\n        raise ValueError\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/search.py",
        "def f(index):\n    hits = index.search().filter(term='x')\n    if hits:\n        return 1\n",
      ),
    ).toEqual([]);
    expect(
      fired("shop/views.py", "def f():\n    qs = Order.objects.filter(sku='x')\n    if qs:\n        return 1\n"),
    ).toEqual(["DJ105@3"]);
  });

  it("an `x_set` attribute is a reverse manager only where a model is named `x` (saleor f0371bdd4c)", () => {
    // a GraphQL AST node's `selection_set` is a list of selections: no model `Selection` exists
    const graphql = (attr: string) =>
      `def enter(node):\n    if node.operation == "mutation" and node.${attr}:\n        return len(node.${attr}.all())\n`;
    expect(fired("shop/validators.py", graphql("selection_set"))).toEqual([]);
    expect(
      fired("shop/views.py", "async def v(node):\n    for s in node.selection_set.all():\n        pass\n"),
    ).toEqual([]);
    // `customer.order_set` is `Order`'s default reverse accessor: still a queryset
    expect(fired("shop/validators.py", graphql("order_set"))).toEqual(["DJ105@2", "DJ104@3"]);
    expect(fired("shop/views.py", "async def v(c):\n    for o in c.order_set.all():\n        pass\n")).toEqual([
      "DJ201@2",
    ]);
  });

  it("x.fk.id only where x holds a model that has the ForeignKey", () => {
    expect(fired("shop/tasks.py", "class Task:\n    def run(self):\n        send(self.data.customer.pk)\n")).toEqual(
      [],
    );
    expect(fired("shop/services.py", "def f(obj):\n    return obj.customer.id\n")).toEqual([]);
    expect(fired("shop/services.py", "def f(order):\n    return order.customer.id\n")).toEqual(["DJ112@2"]);
    expect(fired("shop/services.py", "def f(order: Order):\n    return order.customer.id\n")).toEqual(["DJ112@2"]);
    expect(
      fired("shop/services.py", "def f(pk):\n    o = get_object_or_404(Order, pk=pk)\n    return o.customer.pk\n"),
    ).toEqual(["DJ112@3"]);
  });

  it("x.fk.id the deleted lines read already is not the change's (zds 9a2d086427 pulls it into a variable)", () => {
    const text =
      "def f(order: Order, other: Order):\n    moved = order.customer.pk != other.customer_id\n    return moved\n";
    const removed = (old: string) => fired("shop/services.py", text, { removed: [old] });
    expect(removed("    if order.customer.pk != other.customer_id:")).toEqual([]);
    expect(removed("    if order.id != other.customer_id:")).toEqual(["DJ112@2"]);
  });
});

describe("writes in loops", () => {
  it("create() whose row feeds the next statement, or through a custom manager, is not bulk-able", () => {
    expect(
      fired(
        "shop/copy.py",
        "def f(items):\n    for item in items:\n        new = Order.objects.create(sku=item)\n        log(new.pk)\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/copy.py",
        "def f(items, u):\n    for item in items:\n        Order.objects.with_user(u).create(sku=item)\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/copy.py",
        "def f():\n    for item in Order.objects.all():\n        Order.objects.create(sku=item.sku)\n",
      ),
    ).toEqual(["DJ110@3"]);
    expect(
      held("shop/copy.py", "def f(items):\n    for item in items:\n        Order.objects.create(sku=item)\n"),
    ).toEqual(["DJ110@3"]);
  });

  it("a delete() per row is advised as queryset.delete(), not as an update (LibrePhotos 644639ef67)", () => {
    const result = runChecks([
      new SourceFile(
        "shop/services.py",
        "def purge():\n    for o in Order.objects.filter(sku=''):\n        o.delete()\n",
        new Set([3]),
      ),
    ]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([["DJ110", 3]]);
    expect(result.findings[0]?.message).toContain("`queryset.delete()` deletes them in one go");
    expect(result.findings[0]?.message).not.toContain("bulk_update");
  });

  it("save() after another model call (hooks, change logging) is left alone", () => {
    expect(
      fired("shop/jobs.py", "def f():\n    for o in Order.objects.all():\n        o.snapshot()\n        o.save()\n"),
    ).toEqual([]);
  });
});

describe("admin list_display", () => {
  const admin = (display: string) =>
    `@admin.register(Order)\nclass OrderAdmin(admin.ModelAdmin):\n    list_display = ${display}\n`;
  it("follows Django: plain ForeignKeys are joined by the changelist itself", () => {
    expect(fired("shop/admin.py", admin("('sku', 'customer')"))).toEqual([]);
    expect(fired("shop/admin.py", admin("('sku', 'customer', 'customer__name')"))).toEqual([]);
    expect(fired("shop/admin.py", admin("('sku', 'customer__name')"))).toEqual(["DJ109@3"]);
    expect(fired("shop/admin.py", admin("('sku', 'referrer')"))).toEqual(["DJ109@3"]);
  });

  it("a relation column shown before the change adds no query: an edit that drops other columns is not flagged", () => {
    const edited = (display: string, before: string) =>
      runChecks([
        new SourceFile("shop/admin.py", admin(display), new Set([3]), [before], new Set([3]), [
          { text: before, line: 3 },
        ]),
        new SourceFile("shop/models.py", MODELS, new Set()),
      ]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(edited("('sku', 'referrer')", "    list_display = ('sku', 'referrer', 'active')")).toEqual([]);
    expect(edited("('sku', 'referrer')", "    list_display = ('sku', 'active')")).toEqual(["DJ109@3"]);
    // one line of a multi-line list changed, the relation's line kept
    const multi =
      "@admin.register(Order)\nclass OrderAdmin(admin.ModelAdmin):\n    list_display = (\n        'referrer',\n        'sku',\n    )\n";
    const file = (changed: number) =>
      new SourceFile("shop/admin.py", multi, new Set([changed]), ["        'active',"], new Set([5]), [
        { text: "        'active',", line: 5 },
      ]);
    expect(runChecks([file(5), new SourceFile("shop/models.py", MODELS, new Set())]).findings).toEqual([]);
    expect(
      runChecks([file(4), new SourceFile("shop/models.py", MODELS, new Set())]).findings.map((f) => f.rule),
    ).toEqual(["DJ109"]);
  });

  it("a column method reading a relation of the row queries per row, unless the changelist or the admin loads it", () => {
    const column = (display: string, body: string, extra = "") =>
      `@admin.register(Order)\nclass OrderAdmin(admin.ModelAdmin):\n    list_display = ${display}\n${extra}` +
      `    @admin.display(description="Who")\n    def who(self, obj):\n        ${body}\n`;
    // line 6: the method's body
    expect(fired("shop/admin.py", column("('sku', 'who')", "return obj.customer.name"))).toEqual(["DJ109@6"]);
    expect(fired("shop/admin.py", column("('sku', 'who')", "return obj.referrer.name"))).toEqual(["DJ109@6"]);
    // the changelist joins non-null ForeignKeys itself when list_display names one
    expect(fired("shop/admin.py", column("('customer', 'who')", "return obj.customer.name"))).toEqual([]);
    // ...but not nullable ones
    expect(fired("shop/admin.py", column("('customer', 'who')", "return obj.referrer.name"))).toEqual(["DJ109@6"]);
    // loaded by the admin, not a relation, not a column
    const loaded = "    list_select_related = ('customer',)\n";
    expect(fired("shop/admin.py", column("('sku', 'who')", "return obj.customer.name", loaded))).toEqual([]);
    expect(fired("shop/admin.py", column("('sku', 'who')", "return obj.sku.upper()"))).toEqual([]);
    expect(fired("shop/admin.py", column("('sku',)", "return obj.customer.name"))).toEqual([]);
  });
});

describe("migrations", () => {
  it("a project field that forces null=True is nullable; a blank string column is filled with ''", () => {
    expect(
      fired(
        "shop/migrations/0002_code.py",
        mig(
          "        migrations.AddField(model_name='order', name='code', field=shop.fields.NullCharField(max_length=9, unique=True)),",
        ),
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/migrations/0002_code.py",
        mig("        migrations.AddField(model_name='order', name='note', field=models.TextField(blank=True)),"),
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/migrations/0002_code.py",
        mig(
          "        migrations.AddField(model_name='order', name='code', field=shop.fields.UpperField(max_length=9)),",
        ),
      ),
    ).toEqual(["DJ301@6"]);
  });

  it("a change of field class on the same column type is not a type change", () => {
    const alter = (to: string) =>
      mig(
        `        migrations.AlterField(model_name='order', name='alias', field=models.${to}(max_length=255, blank=True)),`,
      );
    expect(
      fired("shop/migrations/0003_alias.py", alter("CharField"), {
        removed: ["    alias = models.SlugField(max_length=255)"],
      }),
    ).toEqual([]);
    expect(
      fired("shop/migrations/0003_alias.py", alter("IntegerField"), {
        removed: ["    alias = models.SlugField(max_length=255)"],
      }),
    ).toEqual(["DJ306@6"]);
    // a third-party class named after the Django field it extends (django-annoying's AutoOneToOneField)
    const toOneToOne = mig(
      "        migrations.AlterField(model_name='order', name='owner', field=models.OneToOneField(on_delete=models.CASCADE, to='auth.user')),",
    );
    expect(
      fired("shop/migrations/0004_owner.py", toOneToOne, {
        removed: ["    owner = AutoOneToOneField(User, on_delete=models.CASCADE)"],
      }),
    ).toEqual([]);
    // ...while BigIntegerField is not an IntegerField's column
    const toInteger = mig(
      "        migrations.AlterField(model_name='order', name='total', field=models.IntegerField()),",
    );
    expect(
      fired("shop/migrations/0005_total.py", toInteger, { removed: ["    total = models.BigIntegerField()"] }),
    ).toEqual(["DJ306@6"]);
  });

  it("a drop marked Safe.after_deploy (django-safemigrate) is the second step of a safe removal", () => {
    const ops = "        migrations.RemoveField(model_name='order', name='old'),";
    expect(
      fired(
        "shop/migrations/0004_drop.py",
        mig(ops, "from django_safemigrate import Safe\n").replace(
          "    operations",
          "    safe = Safe.after_deploy()\n    operations",
        ),
      ),
    ).toEqual([]);
    expect(fired("shop/migrations/0004_drop.py", mig(ops))).toEqual(["DJ304@6"]);
  });

  it("atomic = False around a RunPython that is the concurrent operation, or explained by a comment, is deliberate", () => {
    const runPython =
      "def build(apps, schema_editor):\n    schema_editor.execute('CREATE INDEX CONCURRENTLY i ON t (a)')\n";
    const nonAtomic = (ops: string, head = "") =>
      mig(ops, head).replace("    operations", "    atomic = False\n    operations");
    expect(
      fired(
        "shop/migrations/0005_x.py",
        nonAtomic("        migrations.RunPython(build, migrations.RunPython.noop),", runPython),
      ),
    ).toEqual([]);
    const mixed =
      "        migrations.RunPython(fix, migrations.RunPython.noop),\n        migrations.AlterField(model_name='order', name='sku', field=models.CharField(max_length=40)),";
    expect(
      fired(
        "shop/migrations/0005_x.py",
        nonAtomic(mixed).replace(
          "    atomic = False",
          "    # the data fix must commit before the table is rewritten\n    atomic = False",
        ),
      ),
    ).toEqual([]);
    // a function the migration defines, whose body holds nothing that needs to run outside a transaction
    const local = nonAtomic(
      mixed,
      "def fix(apps, schema_editor):\n    apps.get_model('shop', 'Order').objects.update(sku='')\n",
    );
    const unexplained = runChecks([
      new SourceFile("shop/migrations/0005_x.py", local, new Set(local.split("\n").map((_, i) => i + 1))),
    ]).findings;
    expect(unexplained.map((f) => f.rule)).toEqual(["DJ308"]);
    expect(unexplained[0]?.message).toContain("its own (atomic) migration");
    // a function imported from another module may be the step that needs it (kpi b2fead316f): no evidence, no claim
    expect(fired("shop/migrations/0005_x.py", nonAtomic(mixed, "from shop.migration_utils import fix\n"))).toEqual([]);
    // ...but a lambda is read where it stands
    const lambda = mixed.replace("RunPython(fix,", "RunPython(lambda apps, schema_editor: None,");
    expect(fired("shop/migrations/0005_x.py", nonAtomic(lambda))).toEqual(["DJ308@5"]);
  });

  it("unique constraints get advice that exists: there is no concurrent AddConstraint", () => {
    const findings = runChecks(
      [
        new SourceFile(
          "shop/migrations/0006_u.py",
          mig(
            "        migrations.AddConstraint(model_name='order', constraint=models.UniqueConstraint(fields=['sku'], name='u')),",
          ),
          new Set([1, 2, 3, 4, 5, 6, 7, 8]),
        ),
      ],
      [],
      { facts: PG },
    ).findings;
    expect(findings.map((f) => f.rule)).toEqual(["DJ307"]);
    expect(findings[0]?.message).toContain("USING INDEX");
    expect(findings[0]?.message).not.toContain("AddConstraintConcurrently");
  });

  it("`import app.models` written by makemigrations is not a direct model import; a model class used in code is", () => {
    expect(fired("shop/migrations/0007_m.py", "import shop.models\nfrom django.db import migrations\n")).toEqual([]);
    expect(
      fired(
        "shop/migrations/0007_m.py",
        "from shop.models import Order\n\ndef f(apps, schema_editor):\n    Order = apps.get_model('shop', 'Order')\n    Order.objects.update(sku='x')\n",
      ),
    ).toEqual([]);
  });

  it("a deleted reverse_code inside an unchanged RunPython call raises the rule on the construct", () => {
    const text = mig("        migrations.RunPython(\n            forwards,\n        ),");
    const deleted = "            reverse_code=backwards,";
    const file = new SourceFile("shop/migrations/0008_r.py", text, new Set(), [deleted], new Set([8]), [
      { text: deleted, line: 8 },
    ]);
    expect(runChecks([file]).findings.map((f) => `${f.rule}@${f.line}`)).toEqual(["DJ302@6"]);
  });

  it("a reverse deleted from a one-line RunPython counts; code deleted above an untouched one does not (wagtail f88c169665)", () => {
    const text = mig("        migrations.RunPython(initial_data),");
    const dropped = (old: string, written: boolean) =>
      runChecks([
        new SourceFile(
          "home/migrations/0002_initial_data.py",
          text,
          new Set(),
          [old],
          new Set([6]),
          [{ text: old, line: 6 }],
          new Set(written ? [6] : []),
        ),
      ]).findings.map((f) => `${f.rule}@${f.line}`);
    // the diff rewrites the line without its reverse: no token added, one deleted
    expect(dropped("        migrations.RunPython(initial_data, remove_initial_data),", true)).toEqual(["DJ302@6"]);
    // the near miss: an operation deleted above the untouched call
    expect(dropped("        migrations.RunPython(other, undo_other),", false)).toEqual([]);
  });

  it("an edit inside an old RunPython/RunSQL that never had a reverse is not this change's", () => {
    // A 2014 migration whose function is renamed: it was as irreversible before.
    const renamed = mig("        migrations.RunPython(create_gitlab_user),");
    const edit = (text: string, line: number, old: string) =>
      runChecks([
        new SourceFile("shop/migrations/0001_initial.py", text, new Set([line]), [old], new Set([line]), [
          { text: old, line },
        ]),
      ]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(edit(renamed, 6, "        migrations.RunPython(create_github_user),")).toEqual([]);
    // The same edit that also drops the reverse, on one line or several, is this change's.
    expect(edit(renamed, 6, "        migrations.RunPython(create_github_user, drop_github_user),")).toEqual([
      "DJ302@6",
    ]);
    const sql = mig("        migrations.RunSQL(\n            'CREATE VIEW v AS SELECT 2',\n        ),");
    expect(edit(sql, 7, "            'CREATE VIEW v AS SELECT 1',")).toEqual([]);
    expect(edit(sql, 7, "            'CREATE VIEW v AS SELECT 1', 'DROP VIEW v',")).toEqual(["DJ303@6"]);
    // Two old operations rewritten as a block (a squash adding elidable=True): the diff lists both deleted
    // lines before both new ones, and neither ever had a reverse.
    const block = mig(
      "        migrations.RunPython(a, elidable=True),\n        migrations.RunPython(b, elidable=True),",
    );
    const rewrite = (old: string[]) =>
      runChecks([
        new SourceFile("shop/migrations/0001_initial.py", block, new Set([6, 7]), old, new Set([6, 7]), [
          ...old.map((text) => ({ text, line: 6 })),
        ]),
      ]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(rewrite(["        migrations.RunPython(a),", "        migrations.RunPython(b),"])).toEqual([]);
    expect(rewrite(["        migrations.RunPython(a),", "        migrations.RunPython(b, undo_b),"])).toEqual([
      "DJ302@6",
    ]);
    // An operation the change adds to an old migration, in place of another, is the change's.
    expect(edit(renamed, 6, "        migrations.AddField('order', 'sku', models.TextField()),")).toEqual(["DJ302@6"]);
  });
});

describe("marked HTML built only from escaped parts (DJ402; ArchiveBox b749b26c5d, f400a2cd67, 0e2ae425ce)", () => {
  const admin = (body: string) => fired("core/admin.py", `def snapshots(obj):\n${body}\n`);
  it("a join of format_html() rows over a queryset, plus a pk and a count, is escaped HTML", () => {
    const rows =
      "    total = obj.snapshot_set.count()\n    return mark_safe('<br/>'.join(format_html('<b>{}</b>', s.title) " +
      "for s in obj.snapshot_set.all()[:10]) + f'<a href=\"?id={obj.pk}\">{total} records</a>')";
    expect(admin(rows)).toEqual([]);
    expect(
      admin(
        "    parts = [format_html('<i>{}</i>', r.name) for r in obj.results.all()]\n    return mark_safe(''.join(parts))",
      ),
    ).toEqual([]);
    // the near miss: rows formatted with an f-string carry the titles unescaped
    expect(admin("    return mark_safe('<br/>'.join(f'<b>{s.title}</b>' for s in obj.snapshot_set.all()))")).toEqual([
      "DJ402@2",
    ]);
  });
  it("a module helper whose returns are format_html() pieces whatever it is handed is escaped HTML", () => {
    const helper = (ret: string) =>
      `def tag_list(values):\n    tags = ''.join(str(format_html('<code>{}</code>', v)) for v in values)\n    return ${ret}\n\n` +
      "def view(config):\n    return mark_safe(tag_list(config.get('binaries')))\n";
    expect(fired("config/views.py", helper("f'<div>{tags}</div>'"))).toEqual([]);
    // a parameter with a default (ArchiveBox 50286d3c38's `url_resolver=None`) is still the caller's value
    expect(fired("config/views.py", helper("f'<div>{tags}</div>'").replace("(values)", "(values, sep='')"))).toEqual(
      [],
    );
    // the near misses: a helper returning what it was handed, or a default it puts in place of a missing value
    expect(fired("config/views.py", helper("f'<div>{values}</div>'"))).toEqual(["DJ402@6"]);
    expect(fired("config/views.py", helper("f'<div>{sep}</div>'").replace("(values)", "(values, sep='<br>')"))).toEqual(
      ["DJ402@6"],
    );
  });
  it("a module-private helper's parameters hold what its callers in the module hand it (ArchiveBox f400a2cd67)", () => {
    const form = (calls: string, helper = "_mode_label") =>
      fired(
        "personas/forms.py",
        `def ${helper}(title, description):\n    return mark_safe(f'<strong>{title}</strong><span>{description}</span>')\n\n` +
          `CHOICES = (\n${calls}\n)\n`,
      );
    expect(
      form(
        `    ("none", _mode_label("Blank", "Create it empty.")),\n    ("new", _mode_label("New", description=_("Fresh."))),`,
      ),
    ).toEqual([]);
    // the near misses: one caller handing it request data, a public helper, a helper nobody in the module calls
    expect(
      form(`    ("none", _mode_label("Blank", "Create it empty.")),\n    ("q", _mode_label(request.GET["q"], "x")),`),
    ).toEqual(["DJ402@2"]);
    expect(form(`    ("none", mode_label("Blank", "Create it empty.")),`, "mode_label")).toEqual(["DJ402@2"]);
    expect(form(`    ("none", "Blank"),`)).toEqual(["DJ402@2"]);
    // a `*args`/`**kwargs` parameter holds every argument it gathers, not only the one at its position
    const gathered = (signature: string, use: string, calls: string) =>
      fired(
        "personas/forms.py",
        `def _labels(${signature}):\n    return mark_safe(f'<span>{${use}}</span>')\n\nCHOICES = (\n${calls}\n)\n`,
      );
    expect(gathered("*parts", "parts", `    _labels("a", "b"),`)).toEqual([]);
    expect(gathered("*parts", "parts", `    _labels("a", request.GET["q"]),`)).toEqual(["DJ402@2"]);
    expect(gathered("first, *rest", "rest", `    _labels(request.GET["q"], "b", request.GET["r"]),`)).toEqual([
      "DJ402@2",
    ]);
    expect(gathered("first, *rest", "first", `    _labels("a", request.GET["q"]),`)).toEqual([]);
    expect(gathered("**attrs", "attrs", `    _labels(title="a"),`)).toEqual([]);
    expect(gathered("**attrs", "attrs", `    _labels(title="a", note=request.GET["q"]),`)).toEqual(["DJ402@2"]);
    expect(gathered("title, **attrs", "attrs", `    _labels(request.GET["q"], note="b"),`)).toEqual([]);
  });
  it("DJ106: a count() that runs a locking query is run for its locks, which exists() would not take (GDQ 8d4041b78a)", () => {
    const locked = (test: string) =>
      fired(
        "tracker/api/views/run.py",
        `def move(queryset):\n    with transaction.atomic():\n        if not ${test}:\n            raise ValidationError('x')\n`,
      );
    expect(locked("queryset.select_for_update().count()")).toEqual([]);
    expect(locked("Run.objects.filter(event=1).select_for_update(of=('self',)).count()")).toEqual([]);
    // the near miss: the same test with no lock asks only whether a row exists
    expect(locked("queryset.filter(event=1).count()")).toEqual(["DJ106@3"]);
  });
  it("code deleted above an untouched construct is not a change of it (GDQ b2650e9e4a's csrf_exempt donate view)", () => {
    const text = "@csrf_exempt\n@cache_page(300)\ndef donate(request, event):\n    return redirect('x')\n";
    const raised = (changed: number[], deletedBefore: number) =>
      runChecks(
        [
          new SourceFile(
            "tracker/views.py",
            text,
            new Set(changed),
            ["def process_form(request, event):", "    return None"],
            new Set([deletedBefore]),
            [
              { text: "def process_form(request, event):", line: deletedBefore },
              { text: "    return None", line: deletedBefore },
            ],
          ),
        ],
        [],
        { facts: PG },
      ).findings.map((f) => `${f.rule}@${f.line}`);
    expect(raised([], 1)).toEqual([]);
    // the near miss: the decorator written by the change
    expect(raised([1], 1)).toEqual(["DJ404@1"]);
  });
  it("a widget's own escaping helpers and allow-list ids make its HTML (ArchiveBox b749b26c5d)", () => {
    const widget = (pill: string, helper = "return escape(str(value)) if value else ''", base = "forms.Widget") =>
      fired(
        "core/widgets.py",
        `class TagEditor(forms.Widget):\n    def _escape(self, value):\n        ${helper}\n\n` +
          "    def _normalize_id(self, value):\n        return re.sub(r'[^A-Za-z0-9_]', '_', str(value))\n\n" +
          `class InlineTagEditor(${base}):\n    def render(self, name, value, attrs=None):\n` +
          `        html = ''.join(f'<span id="{self._normalize_id(attrs["id"])}">{${pill}}</span>' for tag in value)\n` +
          "        return mark_safe(html)\n",
      );
    expect(widget("self._escape(tag)", undefined, "TagEditor")).toEqual([]);
    // the near misses: a helper that hands the value back, a method the class does not have, the raw value,
    // a substitution that leaves other characters
    expect(widget("self._escape(tag)", "return str(value)", "TagEditor")).toEqual(["DJ402@11"]);
    expect(widget("self._escape(tag)")).toEqual(["DJ402@11"]);
    expect(widget("tag", undefined, "TagEditor")).toEqual(["DJ402@11"]);
    expect(
      fired("core/widgets.py", 'def render(value):\n    return mark_safe(f\'<b>{re.sub(r"[<>]", "", value)}</b>\')\n'),
    ).toEqual(["DJ402@2"]);
  });
  it("dates and times formatted by Python or Django print no markup (DMOJ 6285f972d5)", () => {
    const span = (value: string) =>
      fired(
        "judge/jinja2/datetime.py",
        `def relative_time(time, **kwargs):\n    abs_time = date(time, 'N j, Y')\n    return mark_safe(f'<span>{${value}}</span>')\n`,
      );
    expect(span("time.astimezone(timezone.utc).isoformat()")).toEqual([]);
    expect(span("time.strftime('%Y-%m-%d')")).toEqual([]);
    expect(span("abs_time")).toEqual([]);
    expect(span("escape(kwargs.get('abs', 'on {time}')).replace('{time}', abs_time)")).toEqual([]);
    // the near misses: a format the caller chose, text put in place of the marker, a replace on raw text
    expect(span("time.strftime(kwargs['format'])")).toEqual(["DJ402@3"]);
    expect(span("escape(kwargs.get('abs')).replace('{time}', kwargs['rel'])")).toEqual(["DJ402@3"]);
    expect(span("kwargs['abs'].replace('{time}', abs_time)")).toEqual(["DJ402@3"]);
  });
  it("HTML cut to an allow-list by bleach or nh3 is what marking safe is for (Kiwi TCMS 22a48976f8)", () => {
    const filter = (clean: string) =>
      fired(
        "tcms/core/templatetags/extra_filters.py",
        `def sanitise(html):\n    return ${clean}\n\ndef markdown2html(md_str):\n    extensions = ['tables']\n` +
          "    for plugin in entry_points():\n        extensions.append(f'{plugin.value}.markdown')\n" +
          "    return mark_safe(sanitise(markdown.markdown(md_str, extensions=extensions)))\n",
      );
    expect(filter("bleach.clean(html, ALLOWED_TAGS)")).toEqual([]);
    expect(filter("nh3.clean(html)")).toEqual([]);
    // the near miss: another object's clean() says nothing about HTML
    expect(filter("form.clean(html)")).toEqual(["DJ402@8"]);
  });
  it("a parameter holds what the caller passed unless the body replaces it first", () => {
    const widget = (body: string) => fired("core/widgets.py", `def render(name, value):\n${body}\n`);
    expect(widget("    value = escape(value)\n    return mark_safe(f'<b>{value}</b>')")).toEqual([]);
    // the near miss: a replacement on one path only leaves the caller's text on the other
    expect(widget("    if not value:\n        value = '(none)'\n    return mark_safe(f'<b>{value}</b>')")).toEqual([
      "DJ402@4",
    ]);
  });
  it("a list holds what is appended to it, not the empty list it started as", () => {
    const rows = (add: string) =>
      admin(
        `    tags = ['<br>']\n    for s in obj.snapshot_set.all():\n        ${add}\n    return mark_safe(''.join(tags))`,
      );
    expect(rows("tags.append(format_html('<b>{}</b>', s.title))")).toEqual([]);
    expect(rows("tags.insert(0, str(s.pk))")).toEqual([]);
    // the near misses: raw titles appended, inserted or extended with are HTML from the rows
    expect(rows("tags.append(s.title)")).toEqual(["DJ402@5"]);
    expect(rows("tags.insert(0, s.title)")).toEqual(["DJ402@5"]);
    expect(rows("tags.extend(f'<b>{t}</b>' for t in s.tags.names())")).toEqual(["DJ402@5"]);
    expect(rows("tags.extend(format_html('<b>{}</b>', t) for t in s.tags.names())")).toEqual([]);
  });
  it("the output of a Django template's or a widget's render() is escaped; another object's is not known to be", () => {
    const render = (build: string) =>
      `def card(result):\n    tpl = ${build}\n    rendered = tpl.render(Context({'result': result}))\n    return mark_safe(rendered)\n`;
    expect(fired("core/templatetags/cards.py", render("template.Template(TEMPLATE)"))).toEqual([]);
    expect(fired("core/templatetags/cards.py", render("get_template('card.html')"))).toEqual([]);
    expect(fired("core/templatetags/cards.py", render("jinja_env.from_string(TEMPLATE)"))).toEqual(["DJ402@4"]);
    // a widget answers for its own render() (ArchiveBox b749b26c5d's tag editor): a mark_safe in it is judged there
    expect(fired("core/templatetags/cards.py", render("InlineTagEditorWidget(snapshot_id=result.pk)"))).toEqual([]);
    expect(fired("core/templatetags/cards.py", render("TagEditor(snapshot_id=result.pk)"))).toEqual(["DJ402@4"]);
  });
  it("what a renderer's render methods return is its templates' output (django CMS d123d118db)", () => {
    const bits = (call: string) =>
      fired(
        "cms/templatetags/cms_js_tags.py",
        `def structure(context, renderer, obj):\n    bits = []\n    for p in obj.placeholders:\n        bits.append(${call})\n` +
          "    return mark_safe('\\n'.join(bits))\n",
      );
    expect(bits("renderer.render_placeholder(p, language='en')")).toEqual([]);
    expect(bits("context['cms_renderer'].render(p)")).toEqual(["DJ402@5"]);
    expect(bits("self.content_renderer.render_plugin(p, context)")).toEqual([]);
    // the near misses: a renderer's other methods, and another object's render_x()
    expect(bits("renderer.get_plugin_toolbar_js(p)")).toEqual(["DJ402@5"]);
    expect(bits("builder.render_row(p)")).toEqual(["DJ402@5"]);
  });
});

describe("escaping knows trusted values", () => {
  it("SQL built from constants is not injection; from a parameter it is", () => {
    expect(
      fired(
        "shop/store.py",
        "TABLE = 'vectors'\ndef f(conn):\n    conn.execute('DELETE FROM ' + TABLE + ' WHERE id = ?', [1])\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/migrations/0009_p.py",
        "TABLES = ['a', 'b']\ndef f(apps, schema_editor):\n    schema_editor.execute(f\"CREATE PUBLICATION p FOR TABLE {', '.join(TABLES)}\")\n",
      ),
    ).toEqual([]);
    expect(fired("shop/store.py", "def f(conn, table):\n    conn.execute('DELETE FROM ' + table)\n")).toEqual([
      "DJ401@2",
    ]);
  });

  it("an f-string that only names identifiers in SQL's quotes takes no parameters (onadata 2fd59bfc49)", () => {
    const run = (sql: string) => fired("shop/indexes.py", `def f(cursor, name, table):\n    cursor.execute(${sql})\n`);
    expect(run(`f'DROP INDEX CONCURRENTLY "{name}"'`)).toEqual([]);
    expect(run(`f'ALTER INDEX "{name}" RENAME TO "{name}_old"'`)).toEqual([]);
    expect(run(`f'ALTER INDEX "{name}" RENAME TO "{table}"'`)).toEqual([]);
    // a value outside the quotes, or half-quoted, is still built into the SQL
    expect(run(`f'DELETE FROM "{table}" WHERE name = {name}'`)).toEqual(["DJ401@2"]);
    expect(run(`f"DELETE FROM t WHERE name = '{name}'"`)).toEqual(["DJ401@2"]);
  });

  it("a fragment built with its parameters and passed with them is parameterised SQL", () => {
    const store = (build: string, run: string) =>
      `TABLE = 'vectors'\ndef find(conn, filters):\n    ${build}\n    sql = 'SELECT id FROM ' + TABLE\n    if where:\n        sql += ' WHERE ' + where\n    return ${run}\n`;
    expect(fired("shop/store.py", store("where, params = build_where(filters)", "conn.execute(sql, params)"))).toEqual(
      [],
    );
    expect(
      fired("shop/store.py", store("where, params = build_where(filters)", "conn.execute(sql, [1, *params])")),
    ).toEqual([]);
    expect(
      fired(
        "shop/reports.py",
        "def totals(cursor, qs):\n    inner, params = qs.query.sql_with_params()\n    cursor.execute(f'SELECT count(*) FROM ({inner}) t', params)\n",
      ),
    ).toEqual([]);
    // not passed with its parameters, or not built with any: text from outside
    expect(fired("shop/store.py", store("where, params = build_where(filters)", "conn.execute(sql)"))).toEqual([
      "DJ401@7",
    ]);
    expect(
      fired("shop/store.py", store("where, order = build_where(filters)", "conn.execute(sql, [filters.id])")),
    ).toEqual(["DJ401@7"]);
    expect(fired("shop/store.py", store("where = filters.raw", "conn.execute(sql, [1])"))).toEqual(["DJ401@7"]);
  });

  it("SQL from a function of the module that returns only literals around a quoted table name is code", () => {
    const module = (cte: string, call = "_ancestors_cte()") =>
      `def _ancestors_cte():\n${cte}\n\ndef ancestors(cursor, pk):\n    sql = f"{${call}} SELECT id FROM ancestors;"\n    cursor.execute(sql, [pk])\n`;
    const literal =
      "    if VENDOR == 'oracle':\n        sql = ('WITH a AS (SELECT {0}.id '\n               'FROM {0} WHERE id = %s)')\n" +
      "    else:\n        sql = ('WITH RECURSIVE a AS (SELECT {0}.id FROM {0} WHERE id = %s)')\n" +
      "    return sql.format(connection.ops.quote_name(Plugin._meta.db_table))";
    expect(fired("cms/models/plugins.py", module(literal))).toEqual([]);
    expect(fired("cms/models/plugins.py", `@lru_cache\n${module(literal)}`)).toEqual([]);
    // a function whose text comes from outside, or one handed a value: DJ401
    expect(fired("cms/models/plugins.py", module("    return settings_store.read('cte')"))).toEqual(["DJ401@6"]);
    expect(fired("cms/models/plugins.py", module(literal, "_ancestors_cte(pk)"))).toEqual(["DJ401@11"]);
    // adjacent literals with an f-string of outside text among them
    const continued = "    return ('SELECT * '\n            f'FROM {request.GET[\"t\"]}')";
    expect(fired("cms/models/plugins.py", module(continued))).toEqual(["DJ401@7"]);
    expect(fired("cms/models/plugins.py", module("    return connection.ops.quote_name(request.GET['t'])"))).toEqual([
      "DJ401@6",
    ]);
  });

  it("mark_safe over counts, constants, translated literals or escaped values is safe; over model text it is not", () => {
    expect(
      fired(
        "shop/admin.py",
        "SEP = ' / '\ndef total(obj):\n    n = obj.items.count()\n    m = (obj.items.filter(x=1)\n         .count())\n    return mark_safe(f'{n}{SEP}<i>{n - m} open</i>')\n",
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/admin.py",
        "def msg(obj):\n    d = {'obj': conditional_escape(obj)}\n    return mark_safe(_('Saved %(obj)s.') % d)\n",
      ),
    ).toEqual([]);
    expect(fired("shop/admin.py", "def msg(obj):\n    return mark_safe(f'<b>{obj}</b>')\n")).toEqual(["DJ402@2"]);
  });
});

describe("model fields", () => {
  // DJ508 (no migration) would fire on every one of these models.py edits: these tests are about the field rules.
  const noMigration = { disabled: ["DJ508"] };
  const model = (field: string) => `from django.db import models\n\nclass Order(models.Model):\n    ${field}\n`;
  it("null=True where NULL is the designed empty value is not flagged", () => {
    expect(
      fired(
        "shop/models.py",
        model("code = models.CharField(max_length=9, null=True, blank=True, default=None)"),
        noMigration,
      ),
    ).toEqual([]);
    expect(
      fired(
        "shop/models.py",
        `${model("code = models.CharField(max_length=9, null=True)")}\ndef open_orders():\n    return Order.objects.filter(code__isnull=True)\n`,
        noMigration,
      ),
    ).toEqual([]);
    expect(fired("shop/models.py", model("code = models.CharField(max_length=9, null=True)"), noMigration)).toEqual([
      "DJ502@4",
    ]);
  });

  it("a new nullable text field that follows the project's own convention is not flagged", () => {
    const house =
      "from django.db import models\n\nclass Note(models.Model):\n    body = models.TextField(null=True)\n    title = models.CharField(max_length=9, null=True)\n\nclass Tag(models.Model):\n    notes = models.TextField(null=True)\n";
    const added = `${house}\nclass Dose(models.Model):\n    notes = models.TextField(null=True)\n`;
    const lastLine = added.split("\n").length - 1;
    const check = (text: string, changed: number[]) =>
      runChecks([new SourceFile("shop/models.py", text, new Set(changed))], [], noMigration).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    expect(check(added, [lastLine - 1, lastLine])).toEqual([]);
    // Two earlier ones are not yet a convention.
    const two = added.replace("    title = models.CharField(max_length=9, null=True)\n", "");
    expect(check(two, [lastLine - 2, lastLine - 1])).toEqual([`DJ502@${lastLine - 1}`]);
  });

  it("null=True already there is not re-raised when another argument of the field changes", () => {
    const text =
      "from django.db import models\n\nclass Order(models.Model):\n    code = models.CharField(\n        max_length=99,\n        null=True,\n    )\n";
    expect(
      runChecks(
        [new SourceFile("shop/models.py", text, new Set([5]), ["        max_length=9,"], new Set([5]))],
        [],
        noMigration,
      ).findings,
    ).toEqual([]);
  });

  it("Meta.ordering on a field the base already ordered by is not this change's doing", () => {
    const text =
      "from django.db import models\n\nclass Visit(models.Model):\n    date = models.DateField()\n    class Meta:\n        ordering = ['-date', '-id']\n";
    // (DJ504 is index advice: held back for the model, whose size the code does not tell)
    const raised = (before: string) => {
      const result = runChecks(
        [new SourceFile("shop/models.py", text, new Set([6]), [before], new Set([6]))],
        [],
        noMigration,
      );
      return [...result.findings, ...result.conditional].map((f) => f.rule);
    };
    expect(raised("        ordering = ['-date']")).toEqual([]);
    expect(raised("        ordering = ['-id']")).toEqual(["DJ504"]);
  });
});

describe("folding", () => {
  const context = [new SourceFile("shop/models.py", MODELS, new Set())];
  const check = (path: string, text: string) =>
    runChecks([new SourceFile(path, text, new Set(text.split("\n").map((_, i) => i + 1)))], context, { facts: PG })
      .findings;

  it("several findings of one rule in one loop are one comment that lists the lines", () => {
    const findings = check(
      "shop/views.py",
      "def v():\n    for o in Order.objects.all():\n        a = o.customer.name\n        b = o.referrer.name\n",
    );
    expect(findings.map((f) => [f.rule, f.line, f.lines])).toEqual([["DJ101", 3, [3, 4]]]);
    expect(findings[0]?.message).toContain("line 4: `o.referrer`");
  });

  it("keeps findings in different functions apart", () => {
    const findings = check(
      "shop/views.py",
      "def a():\n    qs = Order.objects.all()\n    if qs:\n        return 1\n\ndef b():\n    qs = Order.objects.all()\n    if qs:\n        return 2\n",
    );
    expect(findings.map((f) => [f.rule, f.line, f.lines])).toEqual([
      ["DJ105", 3, undefined],
      ["DJ105", 8, undefined],
    ]);
  });

  it("says each message once, with every line it applies to (djangoproject.com 0119aec2dc: forty AddFields)", () => {
    const add = (name: string, type: string) =>
      `        migrations.AddField(model_name='order', name='${name}', field=models.${type}()),`;
    const ops = [add("a", "TextField"), add("b", "IntegerField"), add("c", "TextField"), add("d", "TextField")];
    const findings = check("shop/migrations/0010_i.py", mig([...ops, add("e", "IntegerField")].join("\n")));
    expect(findings.map((f) => [f.rule, f.line, f.lines])).toEqual([["DJ301", 6, [6, 7, 8, 9, 10]]]);
    const [first, rest] = (findings[0]?.message ?? "").split("\n\nThe same here too — ");
    expect(first).toContain("`AddField` of a NOT NULL `TextField`");
    expect(rest?.split("; ")).toEqual([
      expect.stringMatching(/^lines 7, 10: `AddField` of a NOT NULL `IntegerField`/),
      "lines 8, 9",
    ]);
  });

  it("folds one migration's operations of one rule", () => {
    const ops =
      "        migrations.RemoveIndex(model_name='order', name='old'),\n        migrations.AddIndex(model_name='order', index=models.Index(fields=['sku'], name='new')),";
    const findings = check("shop/migrations/0010_i.py", mig(ops));
    expect(findings.map((f) => [f.rule, f.line, f.lines])).toEqual([["DJ307", 6, [6, 7]]]);
  });
});

describe("DDL in raw SQL (DJ310)", () => {
  const runSql = (sql: string) => mig(`        migrations.RunSQL(${JSON.stringify(sql)}, migrations.RunSQL.noop),`);
  it.each([
    ["ALTER TABLE shop_order ADD COLUMN code varchar(9) NOT NULL", "NOT NULL"],
    ["ALTER TABLE shop_order DROP COLUMN code", "DROP COLUMN"],
    ["ALTER TABLE shop_order ALTER COLUMN code TYPE bigint", "ALTER COLUMN"],
    ["ALTER TABLE shop_order ADD CONSTRAINT u UNIQUE (code)", "ADD CONSTRAINT"],
    ["CREATE UNIQUE INDEX u ON shop_order (code)", "CONCURRENTLY"],
  ])("flags %s", (sql, words) => {
    const findings = runChecks([new SourceFile("shop/migrations/0011_s.py", runSql(sql), new Set([6]))], [], {
      facts: PG,
    }).findings;
    expect(findings.map((f) => f.rule)).toEqual(["DJ310"]);
    expect(findings[0]?.message).toContain(words);
  });

  it.each([
    "ALTER TABLE shop_order ADD COLUMN code varchar(9) NOT NULL DEFAULT ''",
    "ALTER TABLE shop_order ADD CONSTRAINT u UNIQUE USING INDEX u_idx",
    "CREATE INDEX CONCURRENTLY i ON shop_order (code) -- CREATE INDEX i ON t",
    // (onadata 2fd59bfc49: the parent of a partitioned table, whose partitions are indexed concurrently)
    'CREATE INDEX IF NOT EXISTS "i" ON ONLY "shop_log" (created)',
    "UPDATE shop_order SET code = '' WHERE code IS NULL",
  ])("leaves %s alone", (sql) => {
    expect(
      runChecks([new SourceFile("shop/migrations/0011_s.py", runSql(sql), new Set([6]))], [], {
        facts: PG,
      }).findings.map((f) => f.rule),
    ).not.toContain("DJ310");
  });

  it("holds a DROP back where no old code serves during the migration, as DJ304 does (saleor 701e850865)", () => {
    const drop = new SourceFile("shop/migrations/0011_s.py", runSql("DROP TABLE IF EXISTS shop_legacy;"), new Set([6]));
    const noOverlap = runChecks([drop], [], { facts: { database: PG.database } });
    expect(noOverlap.findings).toEqual([]);
    expect(noOverlap.conditional.map((f) => f.rule)).toEqual(["DJ310"]);
    expect(noOverlap.conditional[0]?.condition).toContain("old code keeps serving");
    // the lock and INSERT hazards stay posted whatever the deploys
    const notNull = new SourceFile(
      "shop/migrations/0011_s.py",
      runSql("ALTER TABLE shop_order ADD COLUMN code varchar(9) NOT NULL"),
      new Set([6]),
    );
    expect(runChecks([notNull], [], { facts: { database: PG.database } }).findings.map((f) => f.rule)).toEqual([
      "DJ310",
    ]);
  });

  it("raises on an unchanged multi-line RunSQL whose CONCURRENTLY the change deleted", () => {
    const text = mig(
      '        migrations.RunSQL(\n            """\n            CREATE INDEX i\n            ON shop_order (code);\n            """,\n            "DROP INDEX i",\n        ),',
    );
    const file = new SourceFile("shop/migrations/0012_i.py", text, new Set(), [], new Set([8]));
    expect(runChecks([file], [], { facts: PG }).findings.map((f) => `${f.rule}@${f.line}`)).toEqual(["DJ310@7"]);
  });

  it("keeps PostgreSQL-only advice off other databases", () => {
    const file = new SourceFile(
      "shop/migrations/0011_s.py",
      runSql("CREATE INDEX i ON shop_order (code)"),
      new Set([6]),
    );
    expect(runChecks([file], [], { facts: { database: { engine: "mysql", source: "s" } } }).findings).toEqual([]);
  });
});

describe("templates know their output format", () => {
  const tpl = (path: string, text: string) =>
    runChecks([new SourceFile(path, text, new Set(text.split("\n").map((_, i) => i + 1)))]).findings;
  it("a text email body is not HTML: |safe and autoescape off are right there", () => {
    expect(
      tpl(
        "shop/templates/emails/order_confirmation.txt",
        "Hello {{ user.name|safe }}\n{% autoescape off %}{{ note }}{% endautoescape %}\n",
      ),
    ).toEqual([]);
  });

  it.each([
    ["shop/templates/api/order.json", "JSON"],
    ["shop/templates/feeds/orders.xml", "XML"],
    ["shop/templates/js/config.js", "JavaScript"],
  ])("%s with |safe is flagged with advice for its format", (path, format) => {
    const findings = tpl(path, '{"name": "{{ order.name|safe }}"}\n');
    expect(findings.map((f) => f.rule)).toEqual(["DJ403"]);
    expect(findings[0]?.message).toContain(format);
  });

  it("a .js file outside templates/ is static code, not a template", () => {
    expect(tpl("shop/static/js/app.js", "const x = '{{ a|safe }}';\n")).toEqual([]);
  });

  it("a JSON <script> block wants json_script", () => {
    const findings = tpl(
      "shop/templates/page.html",
      '<script type="application/json" id="d">{"note": {{ order.note }}}</script>\n',
    );
    expect(findings.map((f) => f.rule)).toEqual(["DJ415"]);
    expect(findings[0]?.message).toContain("json_script");
  });
});

describe("an optional relation that cascades, as it did before the change (DJ510)", () => {
  const model = (field: string) =>
    `from django.db import models\n\nclass Timeline(models.Model):\n    project = models.ForeignKey(Project, ${field})\n`;
  const raised = (field: string, old?: string) =>
    runChecks(
      [
        old
          ? changedSourceFile("timeline/models.py", model(old), model(field))
          : new SourceFile("timeline/models.py", model(field), new Set([4])),
        new SourceFile("timeline/migrations/0002_x.py", "x = 1\n", new Set([1])),
      ],
      [],
      { disabled: ["DJ508"] },
    ).findings.map((f) => f.rule);
  it("is quiet where the change only spells out CASCADE, Django's old default, on a field that was optional", () => {
    expect(raised("null=True, on_delete=models.CASCADE", "null=True")).toEqual([]);
    expect(raised("null=True, on_delete=models.CASCADE", "null=True, on_delete=models.CASCADE, db_index=True")).toEqual(
      [],
    );
  });
  it("fires on a new field, on one made optional, or on one that used to set null", () => {
    expect(raised("null=True, on_delete=models.CASCADE")).toEqual(["DJ510"]);
    expect(raised("null=True, on_delete=models.CASCADE", "on_delete=models.CASCADE")).toEqual(["DJ510"]);
    expect(raised("null=True, on_delete=models.CASCADE", "null=True, on_delete=models.SET_NULL")).toEqual(["DJ510"]);
  });
  it("is quiet where the link is part of what makes the row unique: the row is its target's (Shuup 83364eb36b)", () => {
    const keyed = (meta: string) =>
      runChecks(
        [
          new SourceFile(
            "config/models.py",
            "from django.db import models\n\nclass Item(models.Model):\n" +
              "    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, null=True)\n    key = models.CharField(max_length=9)\n" +
              `\n    class Meta:\n${meta}\n`,
            new Set([4]),
          ),
          new SourceFile("config/migrations/0002_x.py", "x = 1\n", new Set([1])),
        ],
        [],
        { disabled: ["DJ508"] },
      ).findings.map((f) => f.rule);
    expect(keyed(`        unique_together = [("shop", "key")]`)).toEqual([]);
    expect(keyed(`        unique_together = ("shop", "key")`)).toEqual([]);
    expect(keyed(`        constraints = [models.UniqueConstraint(fields=["key", "shop"], name="one_key")]`)).toEqual(
      [],
    );
    // the near misses: a unique set without the link, an index that names it, the link unique on its own
    expect(keyed(`        unique_together = [("key", "name")]`)).toEqual(["DJ510"]);
    expect(keyed(`        indexes = [models.Index(fields=["shop", "key"])]`)).toEqual(["DJ510"]);
    expect(keyed(`        constraints = [models.UniqueConstraint(fields=["shop"], name="one_per_shop")]`)).toEqual([
      "DJ510",
    ]);
  });
});

describe("model changes and their migrations (DJ508, DJ509, DJ510)", () => {
  const model =
    "from django.db import models\n\nclass Order(models.Model):\n    sku = models.CharField(max_length=40)\n    code = models.CharField(max_length=9, unique=True)\n";
  const changedModel = (removed: string[] = []) =>
    removed.length
      ? changedSourceFile("shop/models.py", model.split("\n").slice(0, 4).concat(removed, [""]).join("\n"), model)
      : new SourceFile("shop/models.py", model, new Set([5]), removed, new Set([5]));
  const migration = new SourceFile("shop/migrations/0002_code.py", "from django.db import migrations\n", new Set([1]));

  it("a field change with its migration in the same change is fine; without one it is flagged", () => {
    expect(runChecks([changedModel(), migration]).findings.map((f) => f.rule)).toEqual([]);
    expect(runChecks([changedModel()]).findings.map((f) => `${f.rule}@${f.line}`)).toEqual(["DJ508@5"]);
    expect(runChecks([changedModel()], [], { otherChangedPaths: ["shop/migrations/0002_code.py"] }).findings).toEqual(
      [],
    );
    // another app's migration does not count
    expect(
      runChecks([changedModel()], [], { otherChangedPaths: ["billing/migrations/0002_x.py"] }).findings.map(
        (f) => f.rule,
      ),
    ).toEqual(["DJ508"]);
  });

  it("a models module inside an app counts that app's migrations, wherever MIGRATION_MODULES puts them", () => {
    // DefectDojo 775a705f3b: dojo/vulnerability/models.py belongs to the dojo app, migrated in dojo/db_migrations
    const nested = new SourceFile("dojo/vulnerability/models.py", model, new Set([5]), [], new Set([5]));
    const rules = (paths: string[]) =>
      runChecks([nested], [], { otherChangedPaths: paths }).findings.map((f) => f.rule);
    expect(rules(["dojo/db_migrations/0287_vulnerability.py"])).toEqual([]);
    expect(rules(["dojo/migrations/0287_vulnerability.py"])).toEqual([]);
    expect(rules(["dojo/vulnerability/migrations/0001_initial.py"])).toEqual([]);
    // a sibling app's migrations, or a file that is no migration, do not count
    expect(rules(["dojo/finding/migrations/0002_x.py"])).toEqual(["DJ508"]);
    expect(rules(["dojo/db_migrations/README.md", "dojo/db_migrations/helpers.py"])).toEqual(["DJ508"]);
    expect(new SourceFile("dojo/db_migrations/0287_x.py", "", new Set()).isMigration).toBe(true);
  });

  it("a relation's target renamed from one name of the user model to another needs no migration", () => {
    const token = (target: string) =>
      `from django.db import models\n\nclass FeedToken(models.Model):\n    user = models.OneToOneField(\n        ${target},\n        on_delete=models.CASCADE,\n    )\n`;
    const rules = (before: string, after: string) =>
      runChecks([
        new SourceFile("feeds/models.py", token(after), new Set([5]), [`        ${before},`], new Set([5]), [
          { text: `        ${before},`, line: 5 },
        ]),
      ]).findings.map((f) => f.rule);
    expect(rules("get_user_model()", "User")).toEqual([]);
    expect(rules("settings.AUTH_USER_MODEL", "get_user_model()")).toEqual([]);
    expect(rules("User", "Account")).toEqual(["DJ508"]);
    expect(rules("Account", "User")).toEqual(["DJ508"]);
  });

  it("an abstract model's field change is migrated in the apps that inherit it", () => {
    const mixin = new SourceFile(
      "core/models/mixins.py",
      `${model}\n    class Meta:\n        abstract = True\n`,
      new Set([5]),
      [],
      new Set([5]),
    );
    const elsewhere = { otherChangedPaths: ["billing/migrations/0031_alter_invoice_code.py"] };
    expect(runChecks([mixin], [], elsewhere).findings.map((f) => f.rule)).toEqual([]);
    // with no migration anywhere in the change it is still missing
    expect(runChecks([mixin]).findings.map((f) => f.rule)).toEqual(["DJ508"]);
  });

  it("a method or property change needs no migration", () => {
    const text = `${model}\n    @property\n    def label(self):\n        return self.sku\n`;
    expect(runChecks([new SourceFile("shop/models.py", text, new Set([9]))]).findings).toEqual([]);
  });

  it("flags a field made unique or NOT NULL, not one that stays as it was", () => {
    const unique = runChecks([changedModel(["    code = models.CharField(max_length=9)"]), migration]).findings;
    expect(unique.map((f) => [f.rule, f.line])).toEqual([["DJ509", 5]]);
    expect(unique[0]?.message).toContain("becomes unique");
    const notNull = changedSourceFile(
      "shop/models.py",
      model.replace(
        "models.CharField(max_length=40)",
        "models.CharField(\n        max_length=40,\n        null=True,\n    )",
      ),
      model.replace("max_length=40)", "max_length=40, default='')"),
    );
    expect(runChecks([notNull, migration]).findings.map((f) => f.message)).toEqual([
      expect.stringContaining("becomes NOT NULL"),
    ]);
    expect(
      runChecks([changedModel(["    code = models.CharField(max_length=8, unique=True)"]), migration]).findings,
    ).toEqual([]);
  });

  it("a field made NOT NULL whose migration in the change gives it a default leaves no NULL row (bugsink 65bed4ef42)", () => {
    const notNull = changedSourceFile(
      "shop/models.py",
      model.replace("max_length=40)", "max_length=40, null=True)"),
      model,
    );
    const withOp = (field: string) =>
      new SourceFile(
        "shop/migrations/0002_code.py",
        `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AlterField(model_name="order", name="sku", field=${field}),\n    ]\n`,
        new Set([5]),
      );
    const rules = (field: string) => runChecks([notNull, withOp(field)]).findings.map((f) => f.rule);
    expect(rules("models.CharField(max_length=40, default='v1')")).toEqual([]);
    expect(rules("models.CharField(max_length=40)")).toEqual(["DJ509"]);
    expect(rules("models.CharField(max_length=40, help_text='default=1')")).toEqual(["DJ509"]);
  });

  it("reads a field's old definition from its own old lines, not from a neighbour deleted after it (Grand Challenge df92f04d6f)", () => {
    const head = "from django.db import models\n\nclass Algorithm(models.Model):\n";
    const before =
      `${head}    logo = PictureField(\n        upload_to=path,\n        aspect_ratios=["1/1"],\n    )\n` +
      "    logo_width = models.PositiveSmallIntegerField(\n        editable=False, null=True\n    )\n" +
      "    title = models.CharField(max_length=9)\n";
    const after = `${head}    logo = JPEGField(\n        upload_to=path,\n        variations=SIZES,\n    )\n    title = models.CharField(max_length=9)\n`;
    expect(runChecks([changedSourceFile("shop/models.py", before, after), migration]).findings).toEqual([]);
    // the near miss: the field's own `null=True` line deleted, its first line left alone
    const ownNull = before.replace('aspect_ratios=["1/1"],', "null=True,");
    const rules = runChecks([
      changedSourceFile("shop/models.py", ownNull, ownNull.replace("        null=True,\n", "")),
      migration,
    ]).findings;
    expect(rules.map((f) => [f.rule, f.line])).toEqual([["DJ509", 4]]);
  });

  it("a one-field unique constraint moved onto the field makes nothing new unique (NetBox 5c6787756c)", () => {
    const head = "from django.db import models\n\nclass VMType(models.Model):\n";
    const field = (extra: string) => `    slug = models.SlugField(\n        max_length=100,\n${extra}    )\n`;
    const meta = (fields: string) =>
      `\n    class Meta:\n        constraints = (\n            models.UniqueConstraint(\n                fields=${fields},\n` +
      "                name='unique_slug',\n            ),\n        )\n";
    const after = `${head}${field("        unique=True,\n")}`;
    const raised = (before: string) =>
      runChecks([changedSourceFile("shop/models.py", before, after), migration]).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    expect(raised(`${head}${field("")}${meta("('slug',)")}`)).toEqual([]);
    // the near misses: a constraint over another field, or over several
    expect(raised(`${head}${field("")}${meta("('name',)")}`)).toEqual(["DJ509@4"]);
    expect(raised(`${head}${field("")}${meta("('slug', 'tenant')")}`)).toEqual(["DJ509@4"]);
  });

  it("a column the change's own migration adds and fills holds no old duplicates or NULLs (wger 6ec2fefb4a)", () => {
    const head = "from django.db import models\n\nclass Entry(models.Model):\n";
    const field = (extra: string) => `    uuid = models.UUIDField(\n        default=uuid7,\n${extra}    )\n`;
    const withOps = (ops: string) =>
      new SourceFile(
        "shop/migrations/0005_add_uuid.py",
        "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n" +
          `${ops}    ]\n`,
        new Set([5, 6, 7]),
      );
    const raised = (ops: string) =>
      runChecks([
        changedSourceFile("shop/models.py", `${head}${field("")}`, `${head}${field("        unique=True,\n")}`),
        withOps(ops),
      ]).findings.map((f) => `${f.rule}@${f.line}`);
    const fill = "        migrations.RunPython(fill, migrations.RunPython.noop),\n";
    const alter =
      "        migrations.AlterField(model_name='entry', name='uuid', field=models.UUIDField(unique=True)),\n";
    expect(
      raised(
        `        migrations.AddField(model_name='entry', name='uuid', field=models.UUIDField(null=True)),\n${fill}${alter}`,
      ),
    ).toEqual([]);
    // the near misses: the migration only alters the column, or adds a column of another model
    expect(raised(alter)).toContain("DJ509@4");
    expect(
      raised(
        `        migrations.AddField(model_name='order', name='uuid', field=models.UUIDField(null=True)),\n${alter}`,
      ),
    ).toContain("DJ509@4");
  });

  it("an optional self-reference (a tree) may cascade", () => {
    const tree =
      "from django.db import models\n\nclass Node(models.Model):\n    parent = models.ForeignKey('self', null=True, on_delete=models.CASCADE)\n";
    expect(runChecks([new SourceFile("shop/models.py", tree, new Set([4])), migration]).findings).toEqual([]);
  });
});

describe("real-code refinements (second round)", () => {
  it("a help_text-only edit needs no migration review", () => {
    const text =
      "from django.db import models\n\nclass Hook(models.Model):\n    url = models.CharField(\n        max_length=500,\n        help_text='Called on events. Must be http(s).',\n    )\n";
    expect(
      runChecks([
        new SourceFile("shop/models.py", text, new Set([6]), ["        help_text='Called on events.',"], new Set([6])),
      ]).findings,
    ).toEqual([]);
    expect(
      runChecks([
        new SourceFile("shop/models.py", text, new Set([5]), ["        max_length=200,"], new Set([5])),
      ]).findings.map((f) => f.rule),
    ).toEqual(["DJ508"]);
  });

  it("choices, validators and other Python-only arguments change no column either", () => {
    const text =
      "from django.db import models\n\nclass Hook(models.Model):\n    kind = models.CharField(\n        max_length=5,\n        choices=KINDS,\n        blank=True,\n    )\n";
    const raised = (line: number, old: string) =>
      runChecks([new SourceFile("shop/models.py", text, new Set([line]), [old], new Set([line]))]).findings.map(
        (f) => f.rule,
      );
    expect(raised(6, "        choices=OLD_KINDS,")).toEqual([]);
    expect(raised(7, "        blank=False,")).toEqual([]);
    expect(raised(5, "        max_length=4,")).toEqual(["DJ508"]);
  });

  it("a new default is Python's; a new db_default is the column's", () => {
    const field = (argument: string) =>
      `from django.db import models\n\nclass Profile(models.Model):\n    limit = models.IntegerField(\n        ${argument},\n    )\n`;
    const raised = (argument: string, old: string) =>
      runChecks([new SourceFile("hc/models.py", field(argument), new Set([5]), [old], new Set([5]))]).findings.map(
        (f) => f.rule,
      );
    expect(raised("default=50", "        default=20,")).toEqual([]);
    expect(raised("db_default=50", "        db_default=20,")).toEqual(["DJ508"]);
  });

  it("on_delete and a relation's reverse names are Python's; what it points to is the column's", () => {
    const fk = (argument: string) =>
      `from django.db import models\n\nclass Entry(models.Model):\n    user = models.ForeignKey(\n        "auth.User",\n        ${argument},\n    )\n`;
    const raised = (argument: string) =>
      runChecks([new SourceFile("contact/models.py", fk(argument), new Set([6]), [], new Set())]).findings.map(
        (f) => f.rule,
      );
    expect(raised("on_delete=models.CASCADE")).toEqual([]);
    expect(raised('related_name="entries"')).toEqual([]);
    expect(raised("to_field='username'")).toEqual(["DJ508"]);
  });

  it("SET_NULL without null in a migration is history: the system check reads the model", () => {
    const field = "models.ForeignKey(to='projects.Priority', on_delete=models.SET_NULL)";
    const text = `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(model_name='issue', name='priority', field=${field}),\n    ]\n`;
    const rules = (path: string) => runChecks([new SourceFile(path, text, new Set([5]))]).findings.map((f) => f.rule);
    expect(rules("issues/migrations/0001_initial.py")).not.toContain("DJ506");
    expect(rules("issues/fields.py")).toContain("DJ506");
  });

  it("a quoted value in a JSON <script> is HTML-escaped safely; a bare one is not", () => {
    const page = (value: string) => `<script type="application/json">{"next": ${value}}</script>\n`;
    // posted or held back: what the rule recognises (held back below)
    const check = (text: string) => {
      const result = runChecks([new SourceFile("shop/templates/p.html", text, new Set([1]))]);
      return [...result.findings, ...result.conditional].map((f) => f.rule);
    };
    expect(check(page('"{{ next_url }}"'))).toEqual([]);
    expect(check(page("{{ next_url }}"))).toEqual(["DJ415"]);
    // template tags between the quotes and the value print inside the string too
    expect(check(page('"{% if next_url %}{{ next_url }}{% else %}{% url "home" %}{% endif %}"'))).toEqual([]);
    expect(check(page('"{% filter escapejs %}{% for m in messages %}{{ m }}{% endfor %}{% endfilter %}"'))).toEqual([]);
    expect(check(page("{% if next_url %}{{ next_url }}{% endif %}"))).toEqual(["DJ415"]);
    expect(check(page('"{% if next_url %}{{ next_url }}{% endif %}'))).toEqual(["DJ415"]);
    // in any script: ids, numbers, form element ids and the language code carry no quote or tag
    const script = (value: string) => `<script>const x = "${value}";</script>\n`;
    for (const value of [
      "{{ n.id }}",
      "{{ form.shared.id_for_label }}",
      "{{ obj.pk|default:0 }}",
      "{{ LANGUAGE_CODE }}",
      "{{ widget_uuid }}",
      "{{ obj.uuid }}",
    ])
      expect([value, check(script(value))]).toEqual([value, []]);
    expect(check(script("{{ n.name }}"))).toEqual(["DJ415"]);
    expect(check(script("{{ n.identity }}"))).toEqual(["DJ415"]);
    expect(check(script("{{ n.uuid_label }}"))).toEqual(["DJ415"]);
    expect(check(script("{{ n.id|upper }}"))).toEqual(["DJ415"]);
  });

  it("inside a quoted JS string it is held back for the model; printed as code it is posted (tendenci, coderedcms)", () => {
    const run = (statement: string) => {
      const result = runChecks([
        new SourceFile("shop/templates/p.html", `<script>\n${statement}\n</script>\n`, new Set([2, 3])),
      ]);
      return {
        posted: result.findings.map((f) => `${f.rule}@${f.line}`),
        held: result.conditional.map((f) => [f.rule, f.condition]),
      };
    };
    for (const statement of [
      'const name = "{{ user.name }}";',
      "grecaptcha.execute('{{ public_key }}', {});",
      // in the middle of a string, with template tags (and their quotes) in it
      'load("https://{{ domain }}/api.js?render={{ key }}{% if p %}&{{ p }}{% endif %}");',
      "go('{% url \"home\" %}?next={{ next_path }}'); // it's done",
    ])
      expect([statement, run(statement)]).toEqual([
        statement,
        { posted: [], held: expect.arrayContaining([["DJ415", SCRIPT_STRING_TEXT.hint]]) },
      ]);
    // a quote in a comment, a template tag's quotes, or a string left open open nothing
    for (const statement of [
      "/* ' */ const n = {{ count_label }}; // '",
      "const s = 'it\\'s'; const n = {{ count_label }}; go('a');",
      '{% url "a" as u %}const n = {{ count_label }};',
      'const s = "{{ user.name }};',
    ])
      expect([statement, run(statement).posted]).toEqual([statement, [expect.stringMatching(/^DJ415@/)]]);
    // the near misses: printed as code, or in a template literal (HTML escaping leaves backticks alone)
    for (const statement of ["const total = {{ order.note }};", "const s = `${a} {{ user.name }}`;"])
      expect(run(statement)).toEqual({ posted: ["DJ415@2"], held: [] });
  });

  it("a script value printed the same way on a deleted line predates the change (uMap d1490d07d5)", () => {
    const text = '<script type="module">\n  Alert.error({{ message }})\n</script>\n';
    const check = (removed: string) => fired("shop/templates/messages.html", text, { removed: [removed] });
    expect(check("  U.Alert.error({{ message }})")).toEqual([]);
    // the near miss: the deleted line printed it elsewhere (an attribute), so the script use is new
    expect(check("  <div title={{ message }}>")).toEqual(["DJ415@2"]);
  });

  it("a <script> of a type the browser neither runs nor parses holds HTML (ephios 1b91927272 form-template)", () => {
    const check = (open: string) =>
      runChecks([
        new SourceFile(
          "shop/templates/p.html",
          `${open}\n<li>{{ form.empty_form.name }}</li>\n</script>\n`,
          new Set([2]),
        ),
      ]).findings.map((f) => f.rule);
    for (const open of [
      '<script type="form-template" data-x>',
      "<script type='text/x-template'>",
      "<script type=text/html>",
    ])
      expect([open, check(open)]).toEqual([open, []]);
    for (const open of [
      "<script>",
      '<script type="text/javascript">',
      '<script type="module">',
      "<script type='application/x-javascript'>",
      '<script type="text/babel">',
      '<script defer type="">',
      '<script data-type="form-template">',
    ])
      expect([open, check(open)]).toEqual([open, ["DJ415"]]);
  });

  it("the stored value of a choice is an identifier the code defines; its label is not (opencve c2d961740e)", () => {
    const check = (text: string) => {
      const result = runChecks([new SourceFile("shop/templates/p.html", text, new Set([1, 2, 3]))]);
      return [...result.findings, ...result.conditional].map((f) => f.rule);
    };
    const page = (loop: string, value: string) =>
      `<script>\nconst s = [${loop}{id: "${value}", name: "{{ v|escapejs }}"},{% endfor %}];\n</script>\n`;
    for (const loop of [
      "{% for k, v in status_choices %}",
      "{% for k, v in form.status.field.choices %}",
      "{% for k, v in Order.STATUS_CHOICES %}",
    ])
      expect([loop, check(page(loop, "{{ k }}"))]).toEqual([loop, []]);
    // the label, a key of other data, a name bound again by a nearer loop, an attribute of the key
    expect(check(page("{% for k, v in status_choices %}", "{{ v }}"))).toEqual(["DJ415"]);
    expect(check(page("{% for k, v in statuses.items %}", "{{ k }}"))).toEqual(["DJ415"]);
    expect(check(page("{% for k, v in status_choices %}{% for k, x in names %}", "{{ k }}"))).toEqual(["DJ415"]);
    expect(check(page("{% for k, v in choices_by_user %}", "{{ k }}"))).toEqual(["DJ415"]);
    expect(check(page("{% for k, v in status_choices %}", "{{ k.title }}"))).toEqual(["DJ415"]);
  });
});

describe("reflected XSS through intermediate variables (DJ414)", () => {
  const view = (body: string) => `from django.http import HttpResponse\n\ndef v(request):\n${body}\n`;
  it.each([
    ["    q = request.GET['q']\n    return HttpResponse(f'<h1>{q}</h1>')", 5],
    [
      "    name = request.GET.get('name', '')\n    html = '<p>' + name.strip() + '</p>'\n    return HttpResponse(html)",
      6,
    ],
    ["    data = request.POST\n    title = data.get('title')\n    return HttpResponse('<b>%s</b>' % title)", 6],
    ["    return HttpResponse(request.GET['next'])", 4],
  ])("flags %j", (body, line) => {
    expect(fired("shop/views.py", view(body))).toEqual([`DJ414@${line}`]);
  });

  it.each([
    "    q = escape(request.GET['q'])\n    return HttpResponse(f'<h1>{q}</h1>')",
    "    n = int(request.GET['n'])\n    return HttpResponse(f'<p>{n}</p>')",
    "    q = request.GET['q']\n    return HttpResponse(q, content_type='text/plain')",
    "    order = Order.objects.get(pk=request.GET['id'])\n    return HttpResponse(f'<p>{order.pk}</p>')",
    "    q = 'fixed'\n    x = request.GET['q']\n    return HttpResponse(f'<p>{q}</p>')",
    "    html = render_to_string('p.html', {'q': request.GET['q']})\n    return HttpResponse(html)",
  ])("leaves %j alone", (body) => {
    expect(fired("shop/views.py", view(body))).toEqual([]);
  });
});

describe("sync code reached from async def (DJ201)", () => {
  const v5 = { facts: { django: { version: "5.0", source: "t" } } };
  const run = (text: string) => {
    const file = new SourceFile("shop/views.py", text, new Set(text.split("\n").map((_, i) => i + 1)));
    return runChecks([file], [new SourceFile("shop/models.py", MODELS, new Set())], v5).findings.map((f) => [
      f.rule,
      f.line,
      ...(f.lines ? [f.lines] : []),
    ]);
  };
  it("auth functions, permission checks, the module's querying helpers and qs[0]", () => {
    expect(
      run(
        "from django.contrib.auth import authenticate, login\n\nasync def v(request):\n    user = authenticate(request, username='a', password='b')\n    login(request, user)\n",
      ),
    ).toEqual([["DJ201", 4, [4, 5]]]);
    expect(run("async def v(request, user):\n    if user.has_perm('shop.view'):\n        return 1\n")).toEqual([
      ["DJ201", 2],
    ]);
    expect(
      run("def load(pk):\n    return Order.objects.get(pk=pk)\n\nasync def v(request, pk):\n    return load(pk)\n"),
    ).toEqual([["DJ201", 5]]);
    expect(
      run(
        "class C(AsyncWebsocketConsumer):\n    def rows(self):\n        return list(Order.objects.all())\n\n    async def receive(self, text_data):\n        self.rows()\n",
      ),
    ).toEqual([["DJ201", 6]]);
    expect(run("async def v(request):\n    qs = Order.objects.filter(customer__name='x')\n    return qs[0]\n")).toEqual(
      [["DJ201", 3]],
    );
  });

  it("leaves wrapped, awaited, decorated, non-auth and lazy look-alikes alone", () => {
    expect(
      run(
        "from django.contrib.auth import aauthenticate\n\nasync def v(request):\n    user = await aauthenticate(request, username='a')\n",
      ),
    ).toEqual([]);
    expect(run("from .forms import login\n\nasync def v(request):\n    login(request)\n")).toEqual([]);
    expect(
      run(
        "def load(pk):\n    return Order.objects.get(pk=pk)\n\nasync def v(request, pk):\n    return await sync_to_async(load)(pk)\n",
      ),
    ).toEqual([]);
    expect(
      run(
        "@database_sync_to_async\ndef load(pk):\n    return Order.objects.get(pk=pk)\n\nasync def v(request, pk):\n    return await asyncio.gather(load(pk), load(2))\n",
      ),
    ).toEqual([]);
    expect(run("def fmt(x):\n    return str(x)\n\nasync def v(request):\n    return fmt(1)\n")).toEqual([]);
    expect(
      run(
        "async def v(request):\n    qs = Order.objects.filter(customer__name='x')\n    page = qs[:10]\n    return [o async for o in page]\n",
      ),
    ).toEqual([]);
    expect(run("async def v(request):\n    names = ['a', 'b']\n    return names[0]\n")).toEqual([]);
    expect(
      run(
        "def load(pk):\n    return Order.objects.get(pk=pk)\n\nasync def v(request, pk):\n    def inner():\n        return load(pk)\n    return await sync_to_async(inner)()\n",
      ),
    ).toEqual([]);
  });
});

describe("N+1 behind properties and templates", () => {
  const models = `${MODELS}
class Invoice(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    tags = models.ManyToManyField("Tag")

    @property
    def total(self):
        return sum(line.amount for line in self.line_set.all())

    @cached_property
    def open_lines(self):
        return self.line_set.filter(paid=False).count()

    @property
    def label(self):
        return f"#{self.pk}"

    def bound(self):
        if hasattr(self, "_bound"):
            return self._bound
        self._bound = self.kind.model.objects.get(invoice_ptr=self)
        return self._bound

    def instance(self, admin=None):
        return self.bound(), admin

    def is_tagged(self):
        return self.tags.exists()

    def summary(self):
        return self.headline()

    def headline(self):
        return f"{self.line_count()} lines"

    @staticmethod
    def line_count_of(invoice_id):
        return Line.objects.filter(invoice_id=invoice_id).count()

    def line_count(self):
        return self.line_set.count()

    def open_lines_qs(self):
        return self.line_set.filter(paid=False)

    def note(self, key):
        return self.extra.get(key)

    def save(self, *args, **kwargs):
        Invoice.objects.filter(pk=self.pk).exists()
        super().save(*args, **kwargs)

    def move(self, target):
        super().move(target)
        moved = self.__class__.objects.get(id=self.id)
        moved.save()
`;
  const list = "{% for invoice in invoices %}\n  {{ invoice.order.sku }} {{ invoice.total }}\n{% endfor %}\n";
  const run = (
    view: string,
    templates: Record<string, string> = { "shop/templates/shop/invoices.html": list },
    changed: string[] = [],
  ) => {
    const file = new SourceFile("shop/views.py", view, new Set(view.split("\n").map((_, i) => i + 1)));
    const context = Object.entries({ "shop/models.py": models, ...templates }).map(
      ([p, t]) => new SourceFile(p, t, new Set()),
    );
    return runChecks([file], context, { otherChangedPaths: changed }).findings.map((f) => [f.rule, f.line, f.message]);
  };

  it("a loop reading a property that queries is an N+1; one that does not query, or whose relation is prefetched, is not", () => {
    const loop = (qs: string, attr: string) =>
      `def v(request):\n    for invoice in ${qs}:\n        print(invoice.${attr})\n`;
    expect(run(loop("Invoice.objects.all()", "total"))).toEqual([
      [
        "DJ101",
        3,
        expect.stringContaining(
          '`invoice.total` is a property that runs `self.line_set.all()` for every row of the loop at line 2; add `prefetch_related("line_set")`',
        ),
      ],
    ]);
    expect(run(loop("Invoice.objects.all()", "open_lines"))).toEqual([
      ["DJ101", 3, expect.stringContaining('Prefetch("line_set"')],
    ]);
    expect(run(loop("Invoice.objects.prefetch_related('line_set')", "total"))).toEqual([]);
    expect(run(loop("Invoice.objects.all()", "label"))).toEqual([]);
  });

  it("a loop calling a model method that queries, itself or through another method, is an N+1", () => {
    const loop = (call: string) => `def v(request):\n    return [i for i in Invoice.objects.all() if i.${call}]\n`;
    expect(run(loop("instance()[0]"))).toEqual([
      [
        "DJ101",
        2,
        expect.stringContaining(
          "`i.instance()` runs a query (`self.kind.model.objects.get()`, through `self.bound()`) for every row",
        ),
      ],
    ]);
    expect(run(loop("is_tagged()"))).toEqual([["DJ101", 2, expect.stringContaining("`self.tags.exists()`")]]);
    // two methods deep, written before what they call; a reverse manager's count; a decorated method
    expect(run(loop("summary()"))).toEqual([
      [
        "DJ101",
        2,
        expect.stringContaining("(`self.line_set.count()`, through `self.line_count()`, through `self.headline()`)"),
      ],
    ]);
    expect(run(loop("line_count_of(i.pk)"))).toEqual([
      ["DJ101", 2, expect.stringContaining("`Line.objects.filter.count()`")],
    ]);
    // a queryset not yet run, a dict's get, a write (DJ110's), a method of a row not from a queryset
    expect(run(loop("open_lines_qs()"))).toEqual([]);
    expect(run(loop("note('k')"))).toEqual([]);
    expect(run(loop("save()"))).toEqual([]);
    // a method whose work is a write (a tree move that saves the node): per-row writes, nothing to fetch up front
    expect(run(loop("move(None)"))).toEqual([]);
    expect(run("def v(rows):\n    return [i for i in rows if i.instance()]\n")).toEqual([]);
  });

  it("a queryset a view hands to a template that follows relations per row", () => {
    const view = (qs: string) =>
      `def v(request):\n    invoices = ${qs}\n    return render(request, "shop/invoices.html", {"invoices": invoices})\n`;
    expect(run(view("Invoice.objects.all()"))).toEqual([
      [
        "DJ113",
        2,
        '`shop/invoices.html` loops over `invoices` and reads per row: `invoice.order.sku` needs `select_related("order")`; `invoice.total` is a property that runs `self.line_set.all()`.',
      ],
    ]);
    expect(run(view("Invoice.objects.select_related('order').prefetch_related('line_set')"))).toEqual([]);
    // The template changed too: DJ107 speaks for it there.
    expect(run(view("Invoice.objects.all()"), undefined, ["shop/templates/shop/invoices.html"])).toEqual([]);
    // Another template, or a key the template does not loop over.
    expect(run(view("Invoice.objects.all()").replace("invoices.html", "other.html"))).toEqual([]);
    expect(run(view("Invoice.objects.all()").replace('{"invoices"', '{"rows"'))).toEqual([]);
    const listView =
      'class Invoices(ListView):\n    queryset = Invoice.objects.all()\n    template_name = "shop/invoices.html"\n    context_object_name = "invoices"\n';
    expect(run(listView).map((f) => [f[0], f[1]])).toEqual([["DJ113", 2]]);
  });
});

describe("DRF viewsets (DJ103) count only a change to what decides their queries", () => {
  const serializers =
    "from rest_framework import serializers\n\nclass OrderSerializer(serializers.ModelSerializer):\n" +
    "    customer = CustomerSerializer()\n";
  const viewset =
    "class V(ListModelMixin, BaseViewSet):\n    queryset = Order.objects.all()\n    serializer_class = OrderSerializer\n" +
    "\n    def run(self):\n        return 1\n";
  const changedAt = (lines: number[]) =>
    runChecks(
      [new SourceFile("shop/api/views.py", viewset, new Set(lines))],
      [new SourceFile("shop/api/serializers_/orders.py", serializers, new Set())],
      { facts: PG },
    ).findings.map((f) => `${f.rule}@${f.line}`);
  it("a changed queryset or serializer_class raises it; new bases or an unrelated method do not", () => {
    expect(changedAt([2])).toEqual(["DJ103@2"]);
    expect(changedAt([3])).toEqual(["DJ103@2"]);
    expect(changedAt([1])).toEqual([]);
    expect(changedAt([6])).toEqual([]);
  });

  it("naming the serializer by the name the change renames it to does not raise it (Argus 289503faa9)", () => {
    const named = (before: string, renamed: boolean) =>
      runChecks(
        [
          new SourceFile("shop/api/views.py", viewset, new Set([1, 3]), [], new Set([1, 3]), [
            { text: "class V(BaseViewSet):", line: 1 },
            { text: `    serializer_class = ${before}`, line: 3 },
          ]),
          new SourceFile("shop/api/serializers_/orders.py", serializers, new Set(renamed ? [3] : []), [], new Set(), [
            ...(renamed ? [{ text: "class LegacyOrderSerializer(serializers.ModelSerializer):", line: 3 }] : []),
          ]),
        ],
        [],
        { facts: PG },
      ).findings.map((f) => `${f.rule}@${f.line}`);
    expect(named("LegacyOrderSerializer", true)).toEqual([]);
    expect(named("serializers.LegacyOrderSerializer", true)).toEqual([]);
    // the near misses: a serializer the change did not rename, or a view that named another class before
    expect(named("LegacyOrderSerializer", false)).toEqual(["DJ103@2"]);
    expect(named("SummarySerializer", true)).toEqual(["DJ103@2"]);
  });

  it("a get_queryset that returns what the class's own helper loads is loaded", () => {
    const helper = (body: string) =>
      "class V(ListModelMixin, BaseViewSet):\n    queryset = Order.objects\n    serializer_class = OrderSerializer\n\n" +
      "    def get_queryset(self):\n        return self._annotated(super().get_queryset())\n\n" +
      `    def _annotated(self, qs):\n        qs = qs.annotate(n=Count('id'))\n        return ${body}\n`;
    const raised = (text: string) =>
      runChecks(
        [new SourceFile("shop/api/views.py", text, new Set([6]))],
        [new SourceFile("shop/api/serializers_/orders.py", serializers, new Set())],
        { facts: PG },
      ).findings.map((f) => `${f.rule}@${f.line}`);
    expect(raised(helper("qs \\\n            .select_related('customer')"))).toEqual([]);
    expect(raised(helper("qs.order_by('id')"))).toEqual(["DJ103@2"]);
  });

  it("a get_queryset split into a helper the old one was renamed to is the same queryset (Grafana OnCall 2a87bea6ed)", () => {
    // the change renames `def get_queryset(self):` (line 5) to `_get_queryset(self, action=None)` and adds a new
    // get_queryset (lines 8-9) that calls it with the request's values
    const split = (delegate: string, renamedTo = "_get_queryset") =>
      runChecks(
        [
          new SourceFile(
            "shop/api/views.py",
            "class V(ListModelMixin, BaseViewSet):\n    queryset = Order.objects.none()\n    serializer_class = OrderSerializer\n\n" +
              `    def ${renamedTo}(self, action=None):\n        return Order.objects.filter(open=True)\n\n` +
              `    def get_queryset(self):\n        return ${delegate}\n`,
            new Set([5, 8, 9]),
            ["    def get_queryset(self):"],
            new Set([5]),
            [{ text: "    def get_queryset(self):", line: 5 }],
          ),
        ],
        [new SourceFile("shop/api/serializers_/orders.py", serializers, new Set())],
        { facts: PG },
      ).findings.map((f) => `${f.rule}@${f.line}`);
    expect(split("self._get_queryset(action=self.action)")).toEqual([]);
    // the near misses: a new get_queryset that builds another queryset, or delegates to a helper nothing renamed
    expect(split("Order.objects.all()")).toEqual(["DJ103@9"]);
    expect(split("self._open_orders()", "_open_orders_old")).toEqual(["DJ103@9"]);
  });
});

describe("eager loading removed (DJ114)", () => {
  // Files as the diff leaves them: `removed` lines deleted just before head line `at`.
  const run = (text: string, removed: Array<[string, number]>, changed: number[] = []) => {
    const file = new SourceFile(
      "shop/views.py",
      text,
      new Set(changed),
      removed.map(([t]) => t),
      new Set(removed.map(([, at]) => at)),
      removed.map(([t, at]) => ({ text: t, line: at })),
    );
    return runChecks([file], [], { disabled: ["DJ108"] }).findings.map((f) => [
      f.rule,
      f.line,
      f.message.split(":")[0],
    ]);
  };
  it("flags the construct that lost it: a chain, a line of a multi-line call, an admin's list_select_related", () => {
    expect(
      run("def v(request):\n    return Order.objects.filter(sku='x')\n\n", [
        ["    return Order.objects.filter(sku='x').select_related('customer')", 3],
      ]),
    ).toEqual([["DJ114", 2, "This change stops loading `customer`"]]);
    const multi = "qs = Order.objects.prefetch_related(\n    'items',\n)\n";
    expect(run(multi, [["    'tags', 'notes',", 3]])).toEqual([
      ["DJ114", 1, "This change stops loading `tags`, `notes`"],
    ]);
    // a relation line with a trailing comment is still a relation line
    expect(run(multi, [["    'device_type__manufacturer',  # read by Device.__str__()", 2]])).toEqual([
      ["DJ114", 1, "This change stops loading `device_type__manufacturer`"],
    ]);
    // ...and a comment alone names nothing
    expect(run(multi, [["    # 'tags',", 2]])).toEqual([]);
    const admin = "class OrderAdmin(admin.ModelAdmin):\n    list_display = ('sku', 'customer')\n\n";
    // (on the line where the option was, inside the hunk, not on the class header)
    expect(run(admin, [["    list_select_related = ('customer',)", 3]])).toEqual([
      ["DJ114", 3, "This change stops loading `customer`"],
    ]);
  });

  it("loading the change moves into another changed module is kept (RDMO 2d4903ac0d, 830f0d901a)", () => {
    const moved = (lookups: string, written = true) => {
      const view = new SourceFile(
        "questions/viewsets.py",
        "def get_queryset(self):\n    return Page.objects.all()\n",
        new Set([2]),
        ["    return Page.objects.prefetch_related('conditions__source', 'attribute')"],
        new Set([2]),
        [{ text: "    return Page.objects.prefetch_related('conditions__source', 'attribute')", line: 2 }],
      );
      // the manager's own queryset now loads what the view did
      const text = `class PageManager(Manager):\n    def get_queryset(self):\n        return (\n${lookups}\n    )\n`;
      const lines = text.split("\n").length;
      const helper = new SourceFile(
        "questions/managers.py",
        text,
        new Set(written ? Array.from({ length: lines }, (_, i) => i + 1) : []),
      );
      return runChecks([view, helper], [], {}).findings.map((f) => `${f.rule}@${f.file}:${f.line}`);
    };
    const both =
      "        Page.objects.select_related('attribute').prefetch_related(\n" +
      "            Prefetch('conditions', queryset=C.objects.select_related('source')))";
    expect(moved(both)).toEqual([]);
    // the near misses: a relation the other module does not load, a module the change did not write, relation
    // names the module lists without loading them
    expect(moved(both.replace("'attribute'", "'owner'"))).toEqual(["DJ114@questions/viewsets.py:2"]);
    expect(moved(both, false)).toEqual(["DJ114@questions/viewsets.py:2"]);
    expect(moved("        'conditions__source',\n        'attribute',")).toEqual(["DJ114@questions/viewsets.py:2"]);
  });

  it("loading handed to a loader the change rewrites is delegated, not removed (RDMO 830f0d901a, 2d4903ac0d)", () => {
    const delegated = (head: string, loaderWritten: boolean) => {
      const view = new SourceFile(
        "questions/viewsets.py",
        `def get_queryset(self):\n    return ${head}\n`,
        new Set([2]),
        ["    return Question.objects.prefetch_elements().select_related('attribute')"],
        new Set([2]),
        [{ text: "    return Question.objects.prefetch_elements().select_related('attribute')", line: 2 }],
      );
      const managers = new SourceFile(
        "questions/managers.py",
        "class QuestionQuerySet(QuerySet):\n    def prefetch_elements(self):\n        return self.prefetch_related(*lookups())\n\n" +
          "def page_lookups():\n    return LOOKUPS\n",
        new Set(loaderWritten ? [2, 3, 5, 6] : []),
      );
      return runChecks([view, managers], [], {}).findings.map((f) => `${f.rule}@${f.file}:${f.line}`);
    };
    expect(delegated("Question.objects.prefetch_elements()", true)).toEqual([]);
    expect(delegated("Page.objects.prefetch_related(*page_lookups())", true)).toEqual([]);
    // the near misses: a loader the change leaves as it was, or no loader at all
    expect(delegated("Question.objects.prefetch_elements()", false)).toEqual(["DJ114@questions/viewsets.py:2"]);
    expect(delegated("Question.objects.all()", true)).toEqual(["DJ114@questions/viewsets.py:2"]);
  });

  it("names listed under a deleted .only() or .values() are columns, not loadings (arches 8ed87f361c)", () => {
    const text = "def v(request, pk):\n    rows = Order.objects.filter(sku='x')\n    return [r.pk for r in rows]\n";
    const deleted = (call: string): Array<[string, number]> => [
      [`    rows = Order.objects.${call}(`, 3],
      ["        'customer', 'referrer'", 3],
      ["    ).filter(sku='x')", 3],
    ];
    expect(run(text, deleted("only"), [2])).toEqual([]);
    expect(run(text, deleted("values"), [2])).toEqual([]);
    // the near miss: the same list under a deleted select_related() is a relation it loaded
    expect(run(text, deleted("select_related"), [2])).toEqual([
      ["DJ114", 3, "This change stops loading `customer`, `referrer`"],
    ]);
  });

  it("a path still loaded on the way to a longer one, or by another route to the same relation, is kept", () => {
    // bookwyrm 6bfb7b0fac: "book" replaced by "book__work" — prefetching book__work loads book
    const chain =
      "def v(series):\n    return series.items.prefetch_related(\n        'book__work', 'book__work__authors'\n    )\n";
    expect(run(chain, [["        'book', 'book__work__authors'", 3]], [3])).toEqual([]);
    // bookwyrm 2e621942c1: book__editions__authors rerouted as book__work__editions__authors
    const route =
      "def v(series):\n    return series.items.prefetch_related(\n        'book', 'book__work__editions__authors'\n    )\n";
    expect(run(route, [["        'book', 'book__editions__authors'", 3]], [3])).toEqual([]);
    // ...but a path that ends elsewhere is a loading lost
    const other =
      "def v(series):\n    return series.items.prefetch_related(\n        'book', 'book__work__series'\n    )\n";
    expect(run(other, [["        'book', 'book__editions__authors'", 3]], [3])).toEqual([
      ["DJ114", 2, "This change stops loading `book__editions__authors`"],
    ]);
  });

  it("a loading the change moves to another method is still loaded (ephios 170e708511)", () => {
    const text =
      "class SignupView(FormView):\n    def post(self, request):\n        shift = self.locked_shift()\n\n" +
      "    def locked_shift(self):\n        return (\n            Shift.objects.select_for_update()\n" +
      "            .prefetch_related('participations')\n            .get(pk=self.shift.pk)\n        )\n";
    const removed = "            .prefetch_related('participations')";
    // moved: the lines are not new code (changedLines), but the change wrote them there
    const file = (written: number[]) =>
      new SourceFile(
        "shop/views.py",
        text,
        new Set([3]),
        [removed],
        new Set([3]),
        [{ text: removed, line: 3 }],
        new Set(written),
      );
    const rules = (f: SourceFile) => runChecks([f], [], {}).findings.map((x) => x.rule);
    expect(rules(file([3, 5, 6, 7, 8, 9, 10]))).toEqual([]);
    // already in the other method before the change: that method's loading does not keep this one's
    expect(rules(file([3]))).toEqual(["DJ114"]);
  });

  it("a path through a relation the change's migration alters is the change's to redraw (bookwyrm d0e8fcded5)", () => {
    const view = "def v(series):\n    return series.items.prefetch_related('book')\n";
    const migration = (field: string) =>
      `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AlterField(model_name='seriesbook', name='book', field=${field}),\n    ]\n`;
    const raised = (field: string) =>
      runChecks([
        new SourceFile(
          "shop/views.py",
          view,
          new Set([2]),
          ["    return series.items.prefetch_related('book__work')"],
          new Set([2]),
          [{ text: "    return series.items.prefetch_related('book__work')", line: 2 }],
        ),
        new SourceFile("shop/migrations/0042_alter_seriesbook_book.py", migration(field), new Set([5])),
      ]).findings.map((f) => f.rule);
    expect(raised("models.ForeignKey(on_delete=models.CASCADE, to='shop.work')")).toEqual([]);
    expect(raised("models.CharField(max_length=9)")).toEqual(["DJ114"]);
  });

  it("a single row's loading, rows read as dicts, and a Prefetch's inner loading kept by a longer lookup (set 8)", () => {
    // openwisp 12269647ec: one device fetched by pk
    const one = "def task(pk):\n    device = Device.objects.filter(pk=pk).first()\n    return device\n";
    expect(run(one, [["    device = Device.objects.select_related('devicelocation').get(pk=pk)", 2]], [2])).toEqual([]);
    const many = "def task(pks):\n    devices = Device.objects.filter(pk__in=pks)\n    return devices\n";
    expect(
      run(many, [["    devices = Device.objects.select_related('devicelocation').filter(pk__in=pks)", 2]], [2]),
    ).toEqual([["DJ114", 2, "This change stops loading `devicelocation`"]]);
    // a dict's .get() inside a many-row query is not a single row
    const query = "    devices = Device.objects.select_related('devicelocation').filter(pk__in=request.GET.get('ids'))";
    expect(run(many, [[query, 2]], [2])).toEqual([["DJ114", 2, "This change stops loading `devicelocation`"]]);
    // Plane 13db2f883f: the queryset becomes dicts before any row is read
    const values = (read: string) =>
      `def get(request):\n    issues = (\n        Issue.objects.filter(x=1)\n    )\n    ${read}\n    return issues\n`;
    const dropped: Array<[string, number]> = [["        .select_related('state')", 4]];
    expect(run(values("issues = list(issues.values('id', 'state__name'))"), dropped, [3])).toEqual([]);
    expect(run(values("ids = issues.values('id')"), dropped, [3])).toEqual([
      ["DJ114", 2, "This change stops loading `state`"],
    ]);
    // ralph cf4bef0e79: Prefetch('ethernet_set', queryset=...select_related('ipaddress')) as 'ethernet_set__ipaddress'
    const viewset = (lookup: string) =>
      `class HostViewSet(ViewSet):\n    prefetch_related = [\n        "tags",\n        "${lookup}",\n    ]\n`;
    const prefetch: Array<[string, number]> = [
      ["        Prefetch('ethernet_set',", 5],
      ["            queryset=Ethernet.objects.select_related('ipaddress')", 5],
      ["        ),", 5],
    ];
    expect(run(viewset("ethernet_set__ipaddress"), prefetch, [4])).toEqual([]);
    expect(run(viewset("ethernet_set"), prefetch, [4])).toEqual([
      ["DJ114", 2, "This change stops loading `ipaddress`"],
    ]);
  });

  it("a removal the change explains in a comment it adds there is a decision, not a slip", () => {
    // readthedocs f52474e6dc: the latest-build prefetch removed with a comment saying why
    const explained =
      "class ProjectQuerySet(QuerySet):\n    def prefetch_latest_build(self):\n" +
      "        # NOTE: prefetching the latest build performs worse than 15 queries per page\n" +
      "        return self.annotate(good=Exists(builds))\n";
    const removed: Array<[string, number]> = [
      ["        query = self.prefetch_related(Prefetch('builds', Build.objects.select_related('version')))", 4],
    ];
    const file = (comments: number[]) =>
      new SourceFile(
        "shop/querysets.py",
        explained,
        new Set([4]),
        removed.map(([t]) => t),
        new Set([4]),
        removed.map(([t, at]) => ({ text: t, line: at })),
        new Set(comments),
      );
    const rules = (f: SourceFile) => runChecks([f], [], {}).findings.map((x) => x.rule);
    expect(rules(file([3]))).toEqual([]);
    // the same comment already there before the change explains nothing about this removal
    expect(rules(file([]))).toEqual(["DJ114"]);
  });

  it("flags a deleted get_queryset override, a deleted statement, and the project's own prefetch_x() loader", () => {
    const view = "class SiteIndex(IndexView):\n    model = Site\n\n\nclass SiteEdit(EditView):\n    model = Site\n";
    // the whole override deleted after the class's last line: the finding sits where it was
    expect(
      run(view, [
        ["    def get_queryset(self):", 4],
        ["        return super().get_queryset().select_related('root_page')", 4],
      ]),
    ).toEqual([["DJ114", 4, "This change stops loading `root_page`"]]);
    // another function loading the same relation for its own queryset does not keep this one's
    const two =
      "def detail(request):\n    return Order.objects.select_related('customer').get()\n\n" +
      "def index(request):\n    qs = Order.objects.filter(sku='x')\n    return render(request, 'x.html', {'qs': qs})\n";
    expect(run(two, [["    qs = qs.select_related('customer')", 6]])).toEqual([
      ["DJ114", 6, "This change stops loading `customer`"],
    ]);
    const chain = "def recent(request):\n    pages = Page.objects.live().in_bulk(ids)\n";
    expect(run(chain, [["    pages = Page.objects.live().prefetch_workflow_states().in_bulk(ids)", 2]])).toEqual([
      ["DJ114", 2, "This change stops loading `prefetch_workflow_states()`"],
    ]);
    // a multi-line prefetch_related call deleted whole: its relations are on the lines after the call
    expect(
      run("def get_queryset(self):\n    queryset = super().get_queryset()\n    return queryset\n", [
        ["    return queryset.prefetch_related(", 3],
        ['        "pages",', 3],
        ['        "tasks__task",', 3],
        ["    )", 3],
      ]),
    ).toEqual([["DJ114", 3, "This change stops loading `pages`, `tasks__task`"]]);
    // a select_related( left open lists its relations below: it is not a bare select_related()
    expect(
      run("def get_queryset(self):\n    return Ingredient.objects.select_related('language', 'license')\n", [
        ["    return Ingredient.objects.select_related(", 2],
        ["        'language',", 2],
        ["        'license',", 2],
        ["    )", 2],
      ]),
    ).toEqual([]);
    expect(
      run("def get_queryset(self):\n    return Ingredient.objects.select_related('language')\n", [
        ["    return Ingredient.objects.select_related(", 2],
        ["        'language',", 2],
        ["        'license',", 2],
        ["    )", 2],
      ]),
    ).toEqual([["DJ114", 2, "This change stops loading `license`"]]);
    // ...and a string list after a call that closed on its own line is not one
    expect(
      run("def v(self):\n    qs = Order.objects.all()\n    return qs\n", [
        ["    qs = Order.objects.prefetch_related('customer').all()", 3],
        ['    "tags",', 3],
      ]).map(([, , message]) => message),
    ).toEqual(["This change stops loading `customer`"]);
    // Django's prefetch_related_objects over rows already fetched, deleted; kept when it is still called there
    const created = "def add(model, rows):\n    rows = model.objects.bulk_create(rows)\n    return rows\n";
    expect(run(created, [["    prefetch_related_objects(rows, *fields)", 3]])).toEqual([
      ["DJ114", 3, "This change stops loading `prefetch_related_objects()`"],
    ]);
    expect(
      run(created.replace("    return rows", "    prefetch_related_objects(rows, 'tags')\n    return rows"), [
        ["    prefetch_related_objects(rows, *fields)", 3],
      ]),
    ).toEqual([]);
    expect(
      run("def recent(request):\n    pages = Page.objects.prefetch_workflow_states().in_bulk(ids)\n", [
        ["    pages = Page.objects.live().prefetch_workflow_states().in_bulk(ids)", 2],
      ]),
    ).toEqual([]);
  });

  it("keeps a project loader renamed in place with its definition, and only then", () => {
    const view = "def projects(request):\n    return Project.objects.annotate_has_successful_build()\n";
    const call = (): SourceFile =>
      new SourceFile(
        "rtd/views.py",
        view,
        new Set([2]),
        ["    return Project.objects.prefetch_latest_build()"],
        new Set([2]),
        [{ text: "    return Project.objects.prefetch_latest_build()", line: 2 }],
      );
    const querysets = (def: string) =>
      new SourceFile(
        "rtd/querysets.py",
        `class ProjectQuerySet(QuerySet):\n    ${def}(self):\n        return self\n`,
        new Set([2]),
        ["    def prefetch_latest_build(self):"],
        new Set([2]),
        [{ text: "    def prefetch_latest_build(self):", line: 2 }],
      );
    const rules = (files: SourceFile[]) => runChecks(files).findings.map((f) => f.rule);
    expect(rules([call(), querysets("def annotate_has_successful_build")])).toEqual([]);
    // renamed to something the call does not use, or not renamed at all: still a removal
    expect(rules([call(), querysets("def other_helper")])).toEqual(["DJ114"]);
    expect(rules([call()])).toEqual(["DJ114"]);
  });

  it("is quiet when the change deletes the loop that read the rows along with the loading", () => {
    const text =
      "def email(request, ids):\n    docs = Document.objects.filter(pk__in=ids)\n" +
      "    if docs.exclude(pk__in=allowed(request.user)).exists():\n        return forbidden()\n";
    const removed: Array<[string, number]> = [
      ["    docs = Document.objects.select_related('owner').filter(pk__in=ids)", 2],
      ["    for doc in docs:", 3],
      ["        if not has_perm(request.user, doc):", 3],
    ];
    expect(run(text, removed)).toEqual([]);
    // the same deletion with the loop kept (the reader is still there): the loading is missed
    expect(run(text, removed.slice(0, 1))).toEqual([["DJ114", 2, "This change stops loading `owner`"]]);
    // a comprehension re-wrapped by the change is still there: its rows still read the relation
    const initial = "def initial(self):\n    return [p.site for p in self.permissions()]\n";
    expect(
      run(initial, [
        ["    return [", 2],
        ["        p.site", 2],
        ["        for p in self.permissions().select_related('site')", 2],
        ["    ]", 2],
      ]),
    ).toEqual([["DJ114", 2, "This change stops loading `site`"]]);
  });

  it("is quiet when the change stops reading the relation, deletes the class, or stops building the queryset", () => {
    // DefectDojo 775a705f3b: the legacy relation's prefetch and its readers are removed together
    const view =
      "def v(request):\n    qs = Finding.objects.prefetch_related(new_prefetch())\n    return [f.cve for f in qs]\n";
    const prefetch: [string, number] = ["    qs = Finding.objects.prefetch_related('legacy_set')", 2];
    expect(run(view, [prefetch, ["    return [str(v) for f in qs for v in f.legacy_set.all()]", 3]])).toEqual([]);
    expect(run(view, [prefetch, ["    return [f.cve for f in qs]", 3]])).toEqual([
      ["DJ114", 2, "This change stops loading `legacy_set`"],
    ]);
    // django-cms cfaa9fe64c: a deprecated plugin class deleted whole
    const left = "class TextPlugin(Base):\n    model = Text\n";
    const plugin: Array<[string, number]> = [
      ["class AliasPlugin(Base):", 3],
      ["    def get_queryset(self):", 3],
      ["        return Alias.objects.select_related('plugin')", 3],
    ];
    expect(run(left, plugin)).toEqual([]);
    // ...not where a class takes its place in the file, nor where the class stays (a method deleted)
    const renamed = "class TextPlugin(Base):\n    model = Text\nclass AliasPluginV2(Base):\n    model = Alias\n";
    expect(run(renamed, plugin, [3, 4]).map((f) => f[0])).toEqual(["DJ114"]);
    const kept = "class TextPlugin(Base):\n    model = Text\nclass AliasPlugin(Base):\n    model = Alias\n";
    expect(
      run(
        kept,
        plugin.slice(1).map(([t]) => [t, 5]),
      ).map((f) => f[0]),
    ).toEqual(["DJ114"]);
    // a class deleted at the top does not cover a loading deleted further down, in a class that stays
    const further =
      "class TextPlugin(Base):\n    model = Text\n\n    def get_queryset(self):\n        return Text.objects.all()\n";
    const both: Array<[string, number]> = [
      ["class OldPlugin(Base):", 1],
      ["    model = Old", 1],
      ["        return Text.objects.select_related('owner')", 5],
    ];
    expect(run(further, both).map((f) => f[0])).toEqual(["DJ114"]);
    // DefectDojo 775a705f3b search: the lane's queryset is gone, the name only ever None now
    const search = "def search(request):\n    ids = None\n    return render(request, 't.html', {'ids': ids})\n";
    const lane: [string, number] = ["    ids = ids.prefetch_related('finding__product')", 3];
    expect(run(search, [lane])).toEqual([]);
    expect(run(search.replace("ids = None", "ids = Vuln.objects.all()"), [lane]).map((f) => f[0])).toEqual(["DJ114"]);
  });

  it("is quiet when the change moves the loading into another function of the file", () => {
    const text =
      "def base():\n    return Order.objects.select_related('customer')\n\n" +
      "def index(request):\n    qs = base().filter(sku='x')\n";
    const file = new SourceFile(
      "shop/views.py",
      text,
      new Set([1, 2, 5]),
      ["    qs = Order.objects.select_related('customer').filter(sku='x')"],
      new Set([5]),
      [{ text: "    qs = Order.objects.select_related('customer').filter(sku='x')", line: 5 }],
    );
    expect(runChecks([file], [], { disabled: ["DJ108"] }).findings.map((f) => f.rule)).toEqual([]);
    // the same file without the added helper: the loading is gone
    const lost = new SourceFile(
      "shop/views.py",
      "def index(request):\n    qs = base().filter(sku='x')\n",
      new Set([2]),
      ["    qs = Order.objects.select_related('customer').filter(sku='x')"],
      new Set([2]),
      [{ text: "    qs = Order.objects.select_related('customer').filter(sku='x')", line: 2 }],
    );
    expect(runChecks([lost], [], { disabled: ["DJ108"] }).findings.map((f) => f.rule)).toEqual(["DJ114"]);
  });

  it("is quiet when the loading moved, was reordered, or the deletion was not loading", () => {
    expect(
      run("def v(request):\n    qs = Order.objects.filter(sku='x')\n    return qs.select_related('customer')\n", [
        ["    qs = Order.objects.filter(sku='x').select_related('customer')", 3],
      ]),
    ).toEqual([]);
    expect(
      run("qs = Order.objects.prefetch_related('tags', 'items')\n", [
        ["qs = Order.objects.prefetch_related('items', 'tags')", 1],
      ]),
    ).toEqual([]);
    expect(run("STATUS = (\n    'a',\n)\n", [["    'b',", 3]])).toEqual([]);
  });
});

describe("multi-line security constructs", () => {
  it("a value changed inside a multi-line mark_safe f-string raises DJ402 on the call", () => {
    const text =
      'def w(request):\n    try:\n        return 1\n    except Exception as e:\n        return mark_safe(f"""\n            <p>{e}</p>\n        """)\n';
    const file = new SourceFile(
      "shop/templatetags/w.py",
      text,
      new Set([6]),
      ["            <p>{escape(e)}</p>"],
      new Set([6]),
    );
    expect(runChecks([file]).findings.map((f) => `${f.rule}@${f.line}`)).toEqual(["DJ402@5"]);
    const unchanged = new SourceFile("shop/templatetags/w.py", text, new Set([3]));
    expect(runChecks([unchanged]).findings).toEqual([]);
  });

  it("a restyle of the markup around values the old call marked safe already is not new (django-crm 1a1a8faea1)", () => {
    const model = (body: string) =>
      `from django.utils.safestring import mark_safe\n\nclass Profile:\n    def thumbnail(self):\n${body}`;
    const raised = (before: string, after: string) =>
      runChecks([changedSourceFile("common/models.py", model(before), model(after))]).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    const old =
      "        return mark_safe(\n            f'<img src=\"{self.avatar.url}\">'\n            f' {self.user.username}'\n        )\n";
    const restyled =
      "        return mark_safe(\n            f'<span><img src=\"{self.avatar.url}\">'\n            f'&nbsp;{self.user.username}</span>'\n        )\n";
    expect(raised(old, restyled)).toEqual([]);
    // the near misses: a value new to the call, one the old call escaped, one the old code did not mark safe
    expect(raised(old, restyled.replace("</span>", " {self.bio}</span>"))).toEqual(["DJ402@5"]);
    expect(raised(old.replace("{self.user.username}", "{escape(self.user.username)}"), restyled)).toEqual(["DJ402@5"]);
    expect(raised(old.replace("mark_safe(", "str("), restyled)).toEqual(["DJ402@5"]);
  });
  it("a variable the old call marked safe, whose assignment the change rewrites, is new data", () => {
    const view = (assign: string, markup: string) =>
      `from django.utils.safestring import mark_safe\n\ndef label(obj):\n    name = ${assign}\n    return mark_safe(${markup})\n`;
    const raised = (before: [string, string], after: [string, string]) =>
      runChecks([changedSourceFile("crm/admin.py", view(...before), view(...after))]).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    expect(raised(["obj.full_name", "f'<b>{name}</b>'"], ["obj.full_name", "f'<i>{name}</i>'"])).toEqual([]);
    expect(raised(["obj.full_name", "f'<b>{name}</b>'"], ["obj.thumbnail", "f'<i>{name}</i>'"])).toEqual(["DJ402@5"]);
  });

  it("HTML built up with += is built from what is added: data makes mark_safe unsafe, escaped parts do not", () => {
    const built = (part: string) =>
      `def links(items):\n    html = ""\n    for item in items:\n        html += ${part}\n    return mark_safe(html)\n`;
    const at = (text: string) =>
      runChecks([new SourceFile("shop/templatetags/links.py", text, new Set([1, 2, 3, 4, 5]))]).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    expect(at(built("f'<a title=\"{item.error}\">{item.name}</a>'"))).toEqual(["DJ402@5"]);
    expect(at(built("format_html('<a>{}</a>', item.name)"))).toEqual([]);
    expect(at(built("'<br>'"))).toEqual([]);
  });

  it("attributes that reach marked HTML only through flatatt() are escaped (ralph f2dd1d3403)", () => {
    const text = [
      "def render(self, name, value, attrs=None):",
      "    final_attrs = self.build_attrs(attrs, extra_attrs={'name': name, 'value': value})",
      "    return mark_safe(",
      "        '<ul data-x=\"{}\">{}</ul><input{} />'.format(",
      "            name, self.render_options(value), flatatt(final_attrs)",
      "        )",
      "    )",
      "",
    ].join("\n");
    const at = (changed: string) =>
      runChecks([new SourceFile("shop/widgets.py", changed, new Set([2]))]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(at(text)).toEqual([]);
    // the same attributes interpolated as they are reach the HTML unescaped
    expect(at(text.replace("flatatt(final_attrs)", "final_attrs"))).toEqual(["DJ402@3"]);
  });

  it("a change to what a marked variable is built from raises DJ402 on the unchanged mark_safe", () => {
    const text = [
      "def validate(page, path):",
      "    link = f'<a href=\"{page.url}\">{page.title}</a>'",
      "    note = 'checked'",
      "    message = _('Page %(link)s has the url %(url)s') % {",
      "        'link': link,",
      "        'url': path,",
      "    }",
      "    raise ValidationError(mark_safe(message))",
      "",
    ].join("\n");
    const at = (line: number) =>
      runChecks([new SourceFile("shop/validators.py", text, new Set([line]))]).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    // the link two assignments up, and a value of the formatted message
    expect(at(2)).toEqual(["DJ402@8"]);
    expect(at(6)).toEqual(["DJ402@8"]);
    // a line that builds nothing the mark_safe marks
    expect(at(3)).toEqual([]);
    // values escaped where they are built: nothing to say, whatever changed
    const escaped = text
      .replace("{page.title}", "{escape(page.title)}")
      .replace("mark_safe(message)", "mark_safe(escape(message))");
    expect(runChecks([new SourceFile("shop/validators.py", escaped, new Set([2]))]).findings).toEqual([]);
  });
});

describe("prefetch_related on a forward relation (DJ115)", () => {
  const view = (chain: string) => `def v(request):\n    return ${chain}\n`;
  it("names the ForeignKeys of a known model's queryset, on the line of the call of a wrapped chain", () => {
    expect(fired("shop/views.py", view("Order.objects.filter(sku='x').prefetch_related('customer')"))).toEqual([
      "DJ115@2",
    ]);
    const wrapped =
      "def v(request):\n    return (\n        Order.objects.filter(sku='x')\n        .prefetch_related('referrer', 'tags')\n    )\n";
    expect(fired("shop/views.py", wrapped)).toEqual(["DJ115@4"]);
    const said = (chain: string) =>
      runChecks(
        [new SourceFile("shop/views.py", view(chain), new Set([1, 2]))],
        [new SourceFile("shop/models.py", MODELS, new Set())],
      ).findings.map((f) => f.message);
    expect(said("Order.objects.prefetch_related('customer', 'sku')")).toEqual([
      '`"customer"` is a ForeignKey/OneToOne field of `Order`: `prefetch_related` fetches it with a second query, ' +
        '`select_related("customer")` joins it into this one.',
    ]);
    expect(said("Order.objects.prefetch_related('customer', 'referrer')")).toEqual([
      '`"customer"`, `"referrer"` are ForeignKey/OneToOne fields of `Order`: `prefetch_related` fetches them with a ' +
        'second query, `select_related("customer", "referrer")` joins them into this one.',
    ]);
  });
  it("leaves paths, Prefetch objects, reverse and unknown relations, and unknown models alone", () => {
    for (const chain of [
      "Order.objects.prefetch_related('customer__orders')",
      "Order.objects.prefetch_related(Prefetch('customer', queryset=Customer.objects.only('name')))",
      "Customer.objects.prefetch_related('order_set')",
      "Order.objects.prefetch_related('tags')",
      "Invoice.objects.prefetch_related('customer')",
      "order.items.prefetch_related('customer')",
    ])
      expect(fired("shop/views.py", view(chain)), chain).toEqual([]);
  });
});

describe("HTML escaping that does not escape (DJ417) and unsanitised Markdown (DJ418)", () => {
  const html =
    "from django.utils.safestring import mark_safe\n\ndef cell(v):\n    return mark_safe(f'<i>{escape(v)}</i>')\n";
  it("flags glob's and re's escape in a file that builds HTML with it, not an alias or a globbing module", () => {
    expect(fired("shop/tables.py", `from glob import escape\n${html}`)).toEqual(["DJ417@1"]);
    expect(fired("shop/tables.py", `from re import compile, escape\n${html}`)).toEqual(["DJ417@1"]);
    expect(fired("shop/tables.py", `from re import escape as re_escape\n${html}`)).toEqual([]);
    expect(
      fired("shop/files.py", "from glob import escape, glob\n\ndef find(p):\n    return glob(escape(p) + '*')\n"),
    ).toEqual([]);
  });
  const filter = (body: string, imports = "import markdown\n") =>
    `${imports}from django import template\nregister = template.Library()\n\n@register.filter\ndef md(value):\n${body}\n`;
  it("flags converted Markdown returned by a template filter or marked safe, unless it is sanitised", () => {
    expect(fired("shop/templatetags/t.py", filter("    return markdown.markdown(value)"))).toEqual(["DJ418@7"]);
    const view =
      "import markdown2\nfrom django.utils.safestring import mark_safe\n\ndef page(text):\n    return mark_safe(markdown2.markdown(text))\n";
    expect(fired("shop/views.py", view)).toEqual(["DJ418@5"]);
    expect(fired("shop/views.py", view.replace("markdown(text)", "markdown(text, safe_mode='escape')"))).toEqual([]);
    const cleaned = filter("    html = markdown.markdown(value)\n    return bleach.clean(html, tags=TAGS)");
    expect(fired("shop/templatetags/t.py", cleaned)).toEqual([]);
    // not rendered raw here (an email body, a docs build), or not Python-Markdown at all
    expect(fired("shop/mail.py", "import markdown\n\ndef body(text):\n    return markdown.markdown(text)\n")).toEqual(
      [],
    );
    expect(fired("shop/templatetags/t.py", filter("    return markdown(value)", "import mistune\n"))).toEqual([]);
    // the other converters, hooks and sanitisers it knows
    const tag = (body: string, imports: string) =>
      `${imports}from django import template\nregister = template.Library()\n\n@register.simple_tag\ndef md(value):\n${body}\n`;
    expect(
      fired("shop/templatetags/t.py", tag("    return commonmark.commonmark(value)", "import commonmark\n")),
    ).toEqual(["DJ418@7"]);
    expect(
      fired("shop/templatetags/t.py", tag("    return markdown(value)", "from markdown import markdown\n")),
    ).toEqual(["DJ418@7"]);
    expect(
      fired("shop/templatetags/t.py", tag("    return nh3.clean(markdown.markdown(value))", "import markdown\n")),
    ).toEqual([]);
    expect(
      fired("shop/templatetags/t.py", tag("    return sanitize_html(markdown.markdown(value))", "import markdown\n")),
    ).toEqual([]);
    // `markdown(...)` that is not Python-Markdown's (no such import), and md.markdown without `import markdown`
    expect(
      fired("shop/templatetags/t.py", tag("    return markdown(value)", "from shop.text import markdown\n")),
    ).toEqual([]);
    expect(fired("shop/templatetags/t.py", tag("    return md.markdown(value)", "import mistune as md\n"))).toEqual([]);
    // an optional import inside try:, and a module-level constant marked safe
    const optional = "try:\n    import markdown\nexcept ImportError:\n    markdown = None\n";
    expect(fired("shop/templatetags/t.py", tag("    return markdown.markdown(value)", optional))).toEqual(["DJ418@10"]);
    const fromOptional = "try:\n    from markdown import markdown\nexcept ImportError:\n    pass\n";
    expect(fired("shop/templatetags/t.py", tag("    return markdown(value)", fromOptional))).toEqual(["DJ418@10"]);
    expect(
      fired(
        "shop/about.py",
        "import markdown\nfrom django.utils.safestring import mark_safe\n\nABOUT = mark_safe(markdown.markdown(TEXT))\n",
      ),
    ).toEqual(["DJ418@4"]);
  });
});

describe("relations compared per row, and rows walked through a related_name (DJ101)", () => {
  const lines = `from django.db import models

class Line(models.Model):
    order = models.ForeignKey("Order", on_delete=models.CASCADE, related_name="lines")
    customer = models.ForeignKey("Customer", null=True, on_delete=models.SET_NULL)
    sku = models.CharField(max_length=40)

class Refund(models.Model):
    order = models.ForeignKey("Order", on_delete=models.CASCADE, related_name="entries")

class Payment(models.Model):
    order = models.ForeignKey("Order", on_delete=models.CASCADE, related_name="entries")
`;
  const run = (text: string) => fired("shop/views.py", text, { context: { "shop/lines.py": lines } });
  const loop = (iterable: string, test: string) =>
    `def v(order, customer):\n    for line in ${iterable}:\n        if ${test}:\n            print(line.sku)\n`;
  it("flags a ForeignKey compared per row of a queryset or of a related_name manager", () => {
    expect(run(loop("Line.objects.filter(sku='x')", "line.customer == customer"))).toEqual(["DJ101@3"]);
    expect(run(loop("order.lines.all()", "line.customer is None"))).toEqual(["DJ101@3"]);
    expect(run(loop("order.lines.filter(sku='x').order_by('sku')", "line.customer != customer"))).toEqual(["DJ101@3"]);
  });
  it("leaves loaded relations, plain columns, ids, other operators and unknown managers alone", () => {
    expect(run(loop("order.lines.select_related('customer').all()", "line.customer == customer"))).toEqual([]);
    expect(run(loop("order.lines.all()", "line.sku == 'x'"))).toEqual([]);
    expect(run(loop("order.lines.all()", "line.customer_id == customer.pk"))).toEqual([]);
    expect(run(loop("order.lines.all()", "line.customer in customers"))).toEqual([]);
    // two models declare `entries`: whose rows they are is not known
    expect(run(loop("order.entries.all()", "line.order == order"))).toEqual([]);
    // not a manager call at the end: a list held in an attribute
    expect(run(loop("order.lines", "line.customer == customer"))).toEqual([]);
  });
  it("leaves the ForeignKey back to the manager's own instance: Django sets it on each row (osf c91234f648)", () => {
    const reads = (iterable: string) =>
      run(`def v(order):\n    for line in ${iterable}:\n        print(line.order.code, line.customer.name)\n`);
    expect(reads("order.lines.filter(sku='x')")).toEqual(["DJ101@3"]);
    expect(run("def v(order):\n    for line in order.lines.all():\n        print(line.order.code)\n")).toEqual([]);
    // the default accessor walks back through the rows' only ForeignKey without a related_name
    const payments = `from django.db import models\n\nclass Payment(models.Model):\n    order = models.ForeignKey("Order", on_delete=models.CASCADE)\n    card = models.ForeignKey("Card", on_delete=models.CASCADE, related_name="payments")\n`;
    const paid = (read: string) =>
      fired("shop/views.py", `def v(order):\n    for p in order.payment_set.all():\n        print(${read})\n`, {
        context: { "shop/payments.py": payments },
      });
    expect(paid("p.order.code")).toEqual([]);
    // the near misses: the other relation is a query per row, in either spelling
    expect(paid("p.card.number")).toEqual(["DJ101@3"]);
    expect(
      run("def v(order):\n    for line in Line.objects.filter(order=order):\n        print(line.order.code)\n"),
    ).toEqual(["DJ101@3"]);
  });
});

describe("queries hidden in project functions: helpers per row (DJ102), permission checks per object (DJ111)", () => {
  const permissions = [
    "from guardian.core import ObjectPermissionChecker",
    "",
    "def can_view(user, obj):",
    "    checker = ObjectPermissionChecker(user)",
    "    return obj.owner_id == user.pk or checker.has_perm('view', obj)",
    "",
    "def can_edit(user, obj):",
    "    return can_view(user, obj) and user.is_staff",
    "",
    "def label(obj):",
    "    return obj.title.upper()",
    "",
  ].join("\n");
  const run = (text: string, path = "shop/views.py") =>
    fired(path, text, { context: { "shop/permissions.py": permissions } });
  const runAny = (text: string, path = "shop/views.py") =>
    anything(path, text, { context: { "shop/permissions.py": permissions } });
  const loop = (imports: string, body: string) =>
    `${imports}\n\ndef v(request, ids):\n    for doc in Order.objects.filter(pk__in=ids):\n        ${body}\n`;
  it("flags an imported or local function that queries, itself or through another, called per iteration", () => {
    expect(run(loop("from shop.permissions import can_edit", "if not can_edit(request.user, doc): continue"))).toEqual([
      "DJ102@5",
    ]);
    const local = "def count_for(order):\n    return Line.objects.filter(order=order).count()\n";
    expect(run(`${local}${loop("", "print(count_for(doc))")}`)).toEqual(["DJ102@7"]);
  });
  it("leaves functions that do not query, names not imported, and a local namesake alone", () => {
    expect(run(loop("from shop.permissions import label", "print(label(doc))"))).toEqual([]);
    expect(run(loop("from shop import permissions", "print(can_view(request.user, doc))"))).toEqual([]);
    const namesake = "def can_view(user, obj):\n    return True\n";
    expect(run(`${namesake}${loop("", "print(can_view(request.user, doc))")}`)).toEqual([]);
    // once, outside the loop (the file has a loop elsewhere), and per item of a literal tuple
    const outside =
      "from shop.permissions import can_view\n\ndef v(request, doc):\n    for tag in doc.tags:\n        print(tag)\n" +
      "    return can_view(request.user, doc)\n";
    expect(runAny(outside)).toEqual([]);
    const constants =
      "from shop.permissions import can_view\n\ndef v(request, doc):\n    for kind in ('a', 'b'):\n" +
      "        print(can_view(request.user, kind))\n";
    expect(runAny(constants)).toEqual([]);
    expect(run(constants.replace("('a', 'b')", "doc.kinds.all()"))).toEqual(["DJ102@5"]);
  });
  it("leaves a helper call that restates the deleted call in its place (pontoon b75897a722: a method made a function)", () => {
    const text = loop("from shop.permissions import can_edit", "if not can_edit(request.user, doc): continue");
    const respelled = (removed: string) =>
      runChecks(
        [replacing("shop/views.py", text, 5, removed)],
        [new SourceFile("shop/permissions.py", permissions, new Set())],
        { facts: PG },
      ).findings.map((f) => `${f.rule}@${f.line}`);
    expect(respelled("        if not request.user.can_edit(doc): continue")).toEqual([]);
    // the near miss: the deleted line made another call, so the query per iteration is the change's
    expect(respelled("        if not request.user.is_staff: continue")).toEqual(["DJ102@5"]);
  });
  it("leaves a helper that takes a prefetched path when the loop's queryset supplies it (pontoon 6e9f24a627)", () => {
    const avatars = [
      "def fxa_avatar(user):",
      "    if hasattr(user, '_fxa_accounts'):",
      "        return user._fxa_accounts[0].url if user._fxa_accounts else None",
      "    fxa = user.socialaccount_set.filter(provider='fxa').first()",
      "    return fxa.url if fxa else None",
      "",
      "def avatar(user):",
      "    return fxa_avatar(user) or user.email",
      "",
    ].join("\n");
    const view = (prefetch: string) =>
      "from shop.avatars import avatar\n\ndef v(request):\n" +
      `    users = User.objects.prefetch_related(${prefetch})\n` +
      "    return [avatar(u) for u in users]\n";
    const runAvatars = (text: string) => fired("shop/views.py", text, { context: { "shop/avatars.py": avatars } });
    expect(
      runAvatars(view("Prefetch('socialaccount_set', queryset=SocialAccount.objects.all(), to_attr='_fxa_accounts')")),
    ).toEqual([]);
    // the near miss: a prefetch into the default cache, which the helper's filter() does not read
    expect(runAvatars(view("'socialaccount_set'"))).toEqual(["DJ102@5"]);
  });
  const serializer = (method: string) =>
    `from rest_framework import serializers\nfrom guardian.core import ObjectPermissionChecker\nfrom shop.permissions import can_edit\n\n` +
    `class DocSerializer(serializers.ModelSerializer[Order]):\n    can_change = serializers.SerializerMethodField()\n\n${method}`;
  it("flags a serializer method that checks permissions per object, directly or through a helper (a typed base too)", () => {
    const direct =
      "    def get_can_change(self, obj):\n        checker = ObjectPermissionChecker(self.context['request'].user)\n" +
      "        return checker.has_perm('change', obj)\n";
    expect(run(serializer(direct), "shop/serializers.py")).toEqual(["DJ111@8"]);
    const helper = "    def get_can_change(self, obj):\n        return can_edit(self.context['request'].user, obj)\n";
    expect(run(serializer(helper), "shop/serializers.py")).toEqual(["DJ111@8"]);
    expect(
      checked("shop/serializers.py", serializer(helper), { context: { "shop/permissions.py": permissions } })
        .findings[0]?.message,
    ).toContain("runs a query (`ObjectPermissionChecker()`, through `can_view()`) for every serialised object");
    // the page's permissions computed once and handed in through the context
    const batched = "    def get_can_change(self, obj):\n        return obj.pk in self.context['changeable']\n";
    expect(run(serializer(batched), "shop/serializers.py")).toEqual([]);
    // ...with a per-object check kept as the fallback when no view handed them in
    const fallback =
      "    def get_can_change(self, obj):\n        changeable = self.context.get('changeable')\n" +
      "        if changeable is not None:\n            return obj.pk in changeable\n" +
      "        return ObjectPermissionChecker(self.context['request'].user).has_perm('change', obj)\n";
    expect(run(serializer(fallback), "shop/serializers.py")).toEqual([]);
  });
});

describe("chains read by several rules", () => {
  it("end in the caller's own node, whichever walk of the tree computed them first", async () => {
    const { PythonFile } = await import("../../src/checks/python.js");
    const { chainLinks } = await import("../../src/checks/querysets.js");
    const py = new PythonFile("async def v(pk):\n    return Order.objects.get(pk=pk)\n");
    const walked = py.within(py.tree.topNode, "CallExpression")[0];
    const listed = py.nodes("CallExpression")[0];
    expect(walked).not.toBe(listed); // two objects for one node: the memo must not leak the first
    chainLinks(py, walked as never);
    expect(chainLinks(py, listed as never).at(-1)?.call).toBe(listed);
  });
});

describe("what this session's findings say", () => {
  const said = (path: string, text: string, removed: Array<[string, number]> = []) =>
    runChecks([
      new SourceFile(
        path,
        text,
        new Set(text.split("\n").map((_, i) => i + 1)),
        removed.map(([t]) => t),
        new Set(removed.map(([, at]) => at)),
        removed.map(([t, at]) => ({ text: t, line: at })),
      ),
    ]).findings.map((f) => `${f.rule}: ${f.message}`);
  it("names the module, the sink, and every relation lost", () => {
    expect(
      said("shop/tables.py", "from glob import escape\nfrom django.utils.html import format_html\nx = escape(y)\n"),
    ).toEqual([
      "DJ417: `glob.escape` does not escape HTML, and this file builds HTML with it: import `escape` from " +
        "`django.utils.html`.",
    ]);
    const tag =
      "import markdown\nfrom django import template\nregister = template.Library()\n\n@register.filter\n" +
      "def md(value):\n    return markdown.markdown(value)\n";
    expect(said("shop/templatetags/t.py", tag)).toEqual([
      "DJ418: `markdown.markdown()`'s HTML goes out unescaped (template filter) without sanitising: raw HTML and " +
        "`javascript:` links in the text become live markup. Clean it with `nh3.clean()` first.",
    ]);
    expect(
      said("shop/views.py", "def v(request):\n    return Order.objects.all()\n", [
        ["    return Order.objects.select_related('customer').prefetch_related('tags')", 2],
      ]),
    ).toEqual([
      "DJ114: This change stops loading `customer`, `tags`: anything that reads them per row (a template, a " +
        "serializer, `__str__`, an admin column) now runs one query per row. Keep the loading unless nothing reads it.",
    ]);
  });
});

describe("len() and truth tests of querysets whose rows are read right after (DJ104, DJ105)", () => {
  const view = (body: string) => `def v(request):\n    qs = Order.objects.filter(sku='x')\n${body}\n`;
  it("are quiet when the rows are indexed afterwards (the cache answers)", () => {
    expect(fired("shop/views.py", view("    if len(qs) == 0:\n        raise Http404()\n    return qs[0]"))).toEqual([]);
    expect(fired("shop/views.py", view("    if not qs:\n        return None\n    return qs [0].sku"))).toEqual([]);
    // indexed only after being reassigned: the rows len() fetched are not the ones read
    expect(
      fired(
        "shop/views.py",
        view("    if len(qs) == 0:\n        return None\n    qs = list(qs[:3])\n    return qs[0]"),
      ),
    ).toEqual(["DJ104@3"]);
    // reassigned in a branch the read is outside of: on the other path the cache is what is read
    const narrowed =
      "    if len(qs) > 1:\n        qs = qs.filter(sku='X')\n    if len(qs) == 0:\n        return None\n    return qs[0]";
    expect(fired("shop/views.py", view(narrowed))).toEqual([]);
    // the same reassignment on every path: the first len() fetched rows nothing reads
    expect(fired("shop/views.py", view(narrowed.replace("    if len(qs) > 1:\n    ", "    len(qs) > 1\n")))).toEqual([
      "DJ104@3",
    ]);
  });
  it("are quiet when the rows go to a template right after (ephios 170e708511): it loops over the cached rows", () => {
    const render = '    if not qs:\n        return ""\n    return render_to_string("a.html", {"answers": qs})';
    expect(fired("shop/views.py", view(render))).toEqual([]);
    const context = "    if qs:\n        context['rows'] = qs\n    return context";
    expect(fired("shop/views.py", view(context))).toEqual([]);
    // a dict that is not a template's context, or the key rather than the value, is not rendering
    expect(fired("shop/views.py", view('    if qs:\n        return JsonResponse({"rows": qs})'))).toEqual(["DJ105@3"]);
    expect(fired("shop/views.py", view("    if qs:\n        data['rows'] = qs\n    return Response(data)"))).toEqual([
      "DJ105@3",
    ]);
    expect(fired("shop/views.py", view('    if qs:\n        return render_to_string("a.html", {qs: 1})'))).toEqual([
      "DJ105@3",
    ]);
  });
  it("are quiet when a loop walks the rows through enumerate() or zip() (SEED 644a1fcf73, 27701c611b)", () => {
    const enumerated = "    size = len(qs)\n    for i, row in enumerate(qs):\n        print(i, size, row)";
    expect(fired("shop/views.py", view(enumerated))).toEqual([]);
    const comprehension = "    if len(qs) == 0:\n        return []\n    return [(i, r) for i, r in enumerate(qs)]";
    expect(fired("shop/views.py", view(comprehension))).toEqual([]);
    expect(
      fired("shop/views.py", view("    n = len(qs)\n    for a, b in zip(names, qs):\n        print(a, b, n)")),
    ).toEqual([]);
    // enumerate() of something else, or a method of that name, walks none of these rows
    const other = "    size = len(qs)\n    for i, row in enumerate(lines):\n        print(i, size, row)";
    expect(fired("shop/views.py", view(other))).toEqual(["DJ104@3"]);
    const method = "    size = len(qs)\n    for i, row in self.enumerate(qs):\n        print(i, size, row)";
    expect(fired("shop/views.py", view(method))).toEqual(["DJ104@3"]);
  });
  it("still flag a queryset passed on after the test: the callee may query it again", () => {
    // (babybuddy's report views hand it to a graph builder that annotates it: the rows fetched were never read)
    expect(fired("shop/views.py", view("    if qs:\n        return chart(qs)\n    return None"))).toEqual(["DJ105@3"]);
  });
  it("still flag a count or a test whose rows nothing reads, or that are queried again", () => {
    expect(fired("shop/views.py", view("    return len(qs) > 0"))).toEqual(["DJ104@3"]);
    expect(fired("shop/views.py", view("    if qs:\n        return qs.count()\n    return 0"))).toEqual(["DJ105@3"]);
    expect(fired("shop/views.py", view("    if qs:\n        return qs.filter(paid=True).first()"))).toEqual([
      "DJ105@3",
    ]);
  });
});

describe("related rows the change prefetches (DJ101, DJ111; DefectDojo 775a705f3b, taiga 750113d493)", () => {
  const models =
    "from django.db import models\nclass Vuln(models.Model):\n    name = models.CharField(max_length=9)\n" +
    "class Ref(models.Model):\n    finding = models.ForeignKey('Finding', related_name='refs', on_delete=models.CASCADE)\n" +
    "    vuln = models.ForeignKey(Vuln, on_delete=models.CASCADE)\n";
  const queries = (loaded: string) =>
    `from django.db.models import Prefetch\n\ndef refs_prefetch(prefix=""):\n    return Prefetch(f"{prefix}refs", queryset=Ref.objects.select_related(${loaded}))\n`;
  const reader = "def names(finding):\n    return [ref.vuln.name for ref in finding.refs.all()]\n";
  const run = (loaded: string) =>
    runChecks(
      [
        new SourceFile("app/helpers.py", reader, new Set([2])),
        new SourceFile("app/queries.py", queries(loaded), new Set([4])),
      ],
      [new SourceFile("app/models.py", models, new Set())],
    ).findings.map((f) => `${f.rule}@${f.file}:${f.line}`);
  it("a loop over a manager's all() reads the rows the change's Prefetch loads with the relation", () => {
    expect(run('"vuln"')).toEqual([]);
    expect(run('"finding"')).toEqual(["DJ101@app/helpers.py:2"]);
  });
  const serializer = (method: string) =>
    `from rest_framework import serializers\n\nclass SprintSerializer(serializers.Serializer):\n    def get_stories(self, obj):\n        return ${method}\n`;
  const prefetching =
    "def attach(qs):\n    return qs.prefetch_related(Prefetch('user_stories', queryset=Story.objects.all()))\n";
  const serialized = (method: string, changed = true) =>
    runChecks([
      new SourceFile("app/serializers.py", serializer(method), new Set([5])),
      new SourceFile("app/utils.py", prefetching, new Set(changed ? [2] : [])),
    ]).findings.map((f) => f.rule);
  it("a serializer method's obj.rel.all() reads what the change prefetches; a filter or another relation does not", () => {
    expect(serialized("[s.id for s in obj.user_stories.all()]")).toEqual([]);
    expect(serialized("obj.user_stories.count()")).toEqual([]);
    expect(serialized("[s.id for s in obj.user_stories.filter(done=True)]")).toEqual(["DJ111"]);
    expect(serialized("[s.id for s in obj.tasks.all()]")).toEqual(["DJ111"]);
  });
});

describe("a per-object query respelled in place (DJ111; python-discord site 9964d170e1)", () => {
  const text =
    "from rest_framework import serializers\n\nclass UserSerializer(serializers.Serializer):\n" +
    "    def get_alts(self, user):\n        return [a.pk for a in user.alt_set.all()]\n";
  const run = (removed: string) =>
    runChecks([replacing("app/serializers.py", text, 5, removed)]).findings.map((f) => `${f.rule}@${f.line}`);
  it("is not the change's query when the deleted line in its place queried per object too", () => {
    expect(run("        return [a.pk for a in Alt.objects.filter(source=user)]")).toEqual([]);
    // the near miss: the deleted line read a value handed in, so the query per object is new
    expect(run("        return self.context['alts'][user.pk]")).toEqual(["DJ111@5"]);
  });
  it("nor when the deleted line ran the same query, part of a longer expression (SEED a4e70c4589)", () => {
    const views =
      "from rest_framework import serializers\n\nclass MeterSerializer(serializers.Serializer):\n" +
      "    def get_view(self, obj):\n        view = obj.property.views.first()\n        return view.id\n";
    const split = (removed: string) =>
      runChecks([replacing("app/serializers.py", views, 5, removed)]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(split("        state = obj.property.views.first().state")).toEqual([]);
    // the near miss: the deleted line queried another relation
    expect(split("        state = obj.property.states.first().state")).toEqual(["DJ111@5"]);
    // the method renamed in place with it (SEED a4e70c4589): the rename does not make the query new
    const renamed = (old: string) =>
      runChecks([
        new SourceFile("app/serializers.py", views, new Set([4, 5]), [], new Set([4, 5]), [
          { text: "    def get_view_old(self, obj):", line: 4 },
          { text: old, line: 5 },
        ]),
      ]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(renamed("        state = obj.property.views.first().state")).toEqual([]);
    expect(renamed("        state = obj.cached_state")).toEqual(["DJ111@5"]);
  });
});

describe("a helper that memoises what it fetches (DJ111; taiga 1412e8534e)", () => {
  const cache = (body: string) => `_users = {}\n\n${body}\n`;
  const memo =
    "def cached_user(pk):\n    if pk not in _users:\n        _users[pk] = User.objects.get(pk=pk)\n    return _users[pk]";
  const serializer =
    "from rest_framework import serializers\nfrom app.cache import cached_user\n\nclass EntrySerializer(serializers.Serializer):\n    def get_owner(self, obj):\n        return cached_user(obj.owner_id).email\n";
  const run = (helper: string) =>
    runChecks(
      [new SourceFile("app/serializers.py", serializer, new Set([6]))],
      [new SourceFile("app/cache.py", cache(helper), new Set())],
    ).findings.map((f) => f.rule);
  it("queries once per key, not per object: decorated with a cache or filling a dict it checks", () => {
    expect(run(memo)).toEqual([]);
    expect(run("@lru_cache(maxsize=None)\ndef cached_user(pk):\n    return User.objects.get(pk=pk)")).toEqual([]);
    expect(run("@functools.cache\ndef cached_user(pk):\n    return User.objects.get(pk=pk)")).toEqual([]);
  });
  const djangoCache = (afterQuery: string) =>
    "def cached_user(pk):\n    user = cache.get(f'user.{pk}')\n    if user is None:\n" +
    `        user = User.objects.get(pk=pk)\n${afterQuery}    return user`;
  it("queries on a cache miss only: Django's cache read first and filled after the query (tendenci 7516b6169b)", () => {
    expect(run(djangoCache("        cache.set(f'user.{pk}', user)\n"))).toEqual([]);
    expect(run(djangoCache("        cache_user(pk, user)\n"))).toEqual([]);
    expect(
      run("def cached_user(pk):\n    return cache.get_or_set(f'user.{pk}', lambda: User.objects.get(pk=pk))"),
    ).toEqual([]);
  });
  it("not one that reads the cache but never fills it, or fills it before querying every time", () => {
    expect(run(djangoCache(""))).toEqual(["DJ111"]);
    expect(
      run(
        "def cached_user(pk):\n    cache.set('x', 1)\n    user = User.objects.get(pk=pk)\n    cache.get('x')\n    return user",
      ),
    ).toEqual(["DJ111"]);
  });
  it("not a helper that queries every time, whatever it is named", () => {
    expect(run("def cached_user(pk):\n    return User.objects.get(pk=pk)")).toEqual(["DJ111"]);
    expect(run(memo.replace("if pk not in _users:", "if pk:"))).toEqual(["DJ111"]);
    expect(run("@cache_page(60)\ndef cached_user(pk):\n    return User.objects.get(pk=pk)")).toEqual(["DJ111"]);
  });
});

describe("a per-row read the change only rewrote (DJ101; helpdesk 7ed7b43451, a ruff f-string rewrite)", () => {
  const view = (qs: string) =>
    `def report(request):\n    rows = []\n    for o in ${qs}:\n        rows.append(f"{o.customer.name}")\n    return rows\n`;
  const run = (qs: string, removed: string[], changed: number[]) =>
    runChecks(
      [
        new SourceFile(
          "shop/views.py",
          view(qs),
          new Set(changed),
          removed,
          new Set(),
          removed.map((text) => ({ text, line: 4 })),
        ),
      ],
      [new SourceFile("shop/models.py", MODELS, new Set())],
    ).findings.map((f) => `${f.rule}@${f.line}`);
  it("is not new: the deleted line read the same relation", () => {
    expect(run("Order.objects.all()", ['        rows.append("%s" % o.customer.name)'], [4])).toEqual([]);
  });
  it("is new where the deleted line read something else, or where the queryset changed too", () => {
    expect(run("Order.objects.all()", ['        rows.append("%s" % o.sku)'], [4])).toEqual(["DJ101@4"]);
    expect(run("Order.objects.filter(sku='x')", ['        rows.append("%s" % o.customer.name)'], [3, 4])).toEqual([
      "DJ101@4",
    ]);
  });
});

describe("a squashed migration (Tandoor c2533d9ea2)", () => {
  const squash = (replaces: string) =>
    `from django.db import migrations, models\nfrom cookbook.models import SearchFields\n\ndef fill(apps, schema_editor):\n    SearchFields.objects.all()\n\nclass Migration(migrations.Migration):\n${replaces}    operations = [\n        migrations.RunPython(fill),\n        migrations.AddField(model_name='space', name='n', field=models.IntegerField()),\n    ]\n`;
  it("copies operations that already ran: only a model import, which breaks fresh installs, is still raised", () => {
    const replaces = "    replaces = [('cookbook', '0001_initial'), ('cookbook', '0002_x')]\n";
    expect(fired("cookbook/migrations/0001_squashed_0227_x.py", squash(replaces))).toEqual(["DJ309@2"]);
    expect(fired("cookbook/migrations/0228_x.py", squash(""))).toEqual(["DJ309@2", "DJ302@9", "DJ301@10"]);
  });
});

describe("shapes of the sixth unseen set, each with its near miss", () => {
  it("a ForeignKey named like a reverse manager is one row (DJ105; NetBox 5f802bb18f)", () => {
    const models =
      "from django.db import models\nclass Field(models.Model):\n    choice_set = models.ForeignKey('ChoiceSet', null=True, on_delete=models.PROTECT)\n";
    const method = "def color(self, value):\n    if self.choice_set:\n        return self.choice_set.color(value)\n";
    const run = (context: string) => fired("extras/fields.py", method, { context: { "extras/models.py": context } });
    expect(run(models)).toEqual([]);
    // the near miss: `choice_set` is then the reverse manager of a model `Choice`
    const reverse = models.replace("choice_set = models.ForeignKey", "choice = models.ForeignKey");
    expect(
      run(`${reverse}class Choice(models.Model):\n    field = models.ForeignKey(Field, on_delete=models.CASCADE)\n`),
    ).toEqual(["DJ105@2"]);
  });
  it("a queryset with an OuterRef only runs inside another query (DJ102; opencve a8b8a2001c)", () => {
    const loop = (lookup: string) =>
      `def f(projects):\n    for project in Project.objects.all():\n        trackers = Order.objects.filter(${lookup})\n        print(Cve.objects.annotate(t=Exists(trackers)).count())\n`;
    expect(fired("shop/widgets.py", loop("customer=project, sku=OuterRef('pk')"))).toEqual(["DJ102@4"]);
    // (the two queries of the loop fold into one finding at the first)
    expect(fired("shop/widgets.py", loop("customer=project"))).toEqual(["DJ102@3"]);
  });
  it("an auto_now date column is filled by Django when it is added (DJ301; LibrePhotos 061d03b18c)", () => {
    const add = (field: string) =>
      mig(`        migrations.AddField(model_name='photo', name='last_modified', field=${field}),`);
    // only old code's INSERTs are left to fail (these look-alikes run with rolling deploys; checks-project-kind
    // shows it held back without them)
    const said = (field: string) =>
      checked("api/migrations/0066_x.py", add(field), {}).findings.map((f) => f.message.slice(0, 60));
    expect(said("models.DateTimeField(auto_now=True)")).toEqual([
      "`AddField` of a NOT NULL `DateTimeField` filled with the cur",
    ]);
    expect(said("models.DateField(auto_now_add=True)")).toEqual([
      "`AddField` of a NOT NULL `DateField` filled with the current",
    ]);
    expect(fired("api/migrations/0066_x.py", add("models.DateTimeField(auto_now=False)"))).toEqual(["DJ301@6"]);
    expect(fired("api/migrations/0066_x.py", add("models.IntegerField(auto_now=True)"))).toEqual(["DJ301@6"]);
  });
  it("a migration on a model Django does not manage runs no SQL (djangoproject.com 0119aec2dc)", () => {
    const ops = (model: string) =>
      `        migrations.AddField(model_name='${model}', name='author', field=models.TextField()),\n` +
      `        migrations.AlterField(model_name='${model}', name='size', field=models.BigIntegerField(unique=True)),\n` +
      `        migrations.AddIndex(model_name='${model}', index=models.Index(fields=['author'], name='i')),\n` +
      `        migrations.RemoveField(model_name='${model}', name='old'),`;
    const legacy =
      "from django.db import models\nclass Ticket(models.Model):\n    author = models.TextField()\n" +
      "    class Meta:\n        db_table = 'ticket'\n        managed = False\n";
    const run = (model: string) =>
      fired("tracdb/migrations/0003_x.py", mig(ops(model)), { context: { "tracdb/models.py": legacy } });
    expect(run("ticket")).toEqual([]);
    // the same migration on a managed model
    expect(run("order")).toEqual(["DJ301@6", "DJ307@8", "DJ304@9"]);
  });
  it("a text email with a block in it is still text (DJ403; babybuddy 0d26efe05a)", () => {
    const email =
      "{% load i18n %}{% autoescape off %}\nReset your password:\n{% block link %}{{ url }}{% endblock %}\n{% endautoescape %}\n";
    expect(fired("accounts/templates/registration/password_reset_email.html", email)).toEqual([]);
    expect(fired("accounts/templates/registration/reset.html", email.replace("Reset", "<p>Reset"))).toEqual([
      "DJ403@1",
    ]);
    expect(fired("accounts/templates/registration/reset.html", `{% extends "base.html" %}\n${email}`)).toEqual([
      "DJ403@2",
    ]);
  });
  it("mark_safe over a repeated literal, or over a class's own choices, carries no data (DJ402)", () => {
    const safe = (value: string) =>
      fired(
        "cms/forms/utils.py",
        `from django.utils.safestring import mark_safe\n\ndef f(page, title):\n    return mark_safe(${value})\n`,
      );
    expect(safe('"&nbsp;" * (page.depth - 1) + escape(title)')).toEqual([]);
    expect(safe("title * 2")).toEqual(["DJ402@4"]);
    expect(safe(`", ".join(f"<code>{c}</code>" for c in ColorChoices.values())`)).toEqual([]);
    expect(safe(`", ".join(f"<code>{c}</code>" for c in page.colors())`)).toEqual(["DJ402@4"]);
    // an `if` clause only drops elements; a second `for` binds from an iterable of its own
    expect(safe(`", ".join(f"<code>{c}</code>" for c in ColorChoices.values() if c != title)`)).toEqual([]);
    expect(safe(`", ".join(f"<code>{x}</code>" for c in ColorChoices.values() for x in page.tags(c))`)).toEqual([
      "DJ402@4",
    ]);
    expect(safe(`", ".join([f"<b>{c}</b>" for c in Status.choices])`)).toEqual([]);
  });
});

describe("SQL and HTML built from the module's own constants, through loops and comprehensions (La Suite Docs f714c7fae3)", () => {
  const command = (body: string) =>
    "SCRUBS = (('users', {'email': \"'x@example.com'\", 'name': \"''\"}),)\nTRUNCATES = ('sessions', 'tokens')\n\n" +
    `def run(cursor, present, request):\n${body}`;
  it("a table or column named by a loop over a module constant is code, not data (DJ401)", () => {
    expect(
      fired(
        "core/management/commands/scrub.py",
        command("    for table in TRUNCATES:\n        cursor.execute(f'TRUNCATE {table}')\n"),
      ),
    ).toEqual([]);
    const scrub =
      "    for table, columns in SCRUBS:\n        kept = {c: e for c, e in columns.items() if c in present}\n" +
      "        clause = ', '.join(f'{c} = {e}' for c, e in kept.items())\n        sql = f'UPDATE {table} SET {clause}'\n        cursor.execute(sql)\n";
    expect(fired("core/management/commands/scrub.py", command(scrub))).toEqual([]);
  });
  it("a loop over data, a value replaced in the loop, or a second loop over data is still flagged", () => {
    const path = "core/management/commands/scrub.py";
    expect(
      fired(path, command("    for table in request.GET.getlist('t'):\n        cursor.execute(f'TRUNCATE {table}')\n")),
    ).toEqual(["DJ401@6"]);
    expect(
      fired(
        path,
        command(
          "    for table in TRUNCATES:\n        table = request.GET['t']\n        cursor.execute(f'TRUNCATE {table}')\n",
        ),
      ),
    ).toEqual(["DJ401@7"]);
    const nested =
      "    for table, columns in SCRUBS:\n        clause = ', '.join(f'{c}' for c in columns for c in request.GET)\n" +
      "        cursor.execute(f'UPDATE {table} SET {clause}')\n";
    expect(fired(path, command(nested))).toEqual(["DJ401@7"]);
    expect(
      fired(
        path,
        command("    for table, columns in SCRUBS:\n        cursor.execute(f'UPDATE {table} SET {present.items()}')\n"),
      ),
    ).toEqual(["DJ401@6"]);
  });
});

describe("loops over a literal held in a variable (DJ102)", () => {
  const loop = (setup: string, iterable: string) =>
    `def v(request, ids):\n${setup}\n    for mode in ${iterable}:\n        print(Order.objects.filter(sku=mode).count())\n`;
  // a loop the code bounds raises nothing; one over values it collects is a hint (SUPPLIED_VALUES)
  it("are as bounded as the literal, unless the function fills the collection", () => {
    expect(anything("shop/views.py", loop("    modes = {'filter': 1, 'exclude': 2}", "modes.items()"))).toEqual([]);
    expect(anything("shop/views.py", loop("    modes = ('a', 'b')", "modes"))).toEqual([]);
    expect(anything("shop/views.py", loop("    modes = []\n    modes.extend(ids)", "modes"))).toEqual(["DJ102@5"]);
    expect(anything("shop/views.py", loop("    modes = ['a']\n    modes.append(request.GET['m'])", "modes"))).toEqual([
      "DJ102@5",
    ]);
    expect(anything("shop/views.py", loop("    modes = {'a': 1}\n    modes[request.GET['k']] = 2", "modes"))).toEqual([
      "DJ102@5",
    ]);
  });
});

describe("a DRF view whose serializer's method fields read no relation, or whose queryset is a placeholder (DJ103)", () => {
  const serializer = (method: string) =>
    `from rest_framework import serializers\nfrom shop.models import Order\n\nclass OrderSerializer(serializers.ModelSerializer):\n    label = serializers.SerializerMethodField()\n\n    class Meta:\n        model = Order\n        fields = ["id", "label"]\n\n    def get_label(self, obj):\n        ${method}\n`;
  const view = (queryset: string) =>
    `from rest_framework import viewsets\nfrom shop.models import Order\nfrom shop.serializers import OrderSerializer\n\nclass OrderViewSet(viewsets.ModelViewSet):\n    serializer_class = OrderSerializer\n    queryset = ${queryset}\n`;
  const raised = (method: string, queryset = "Order.objects.all()") =>
    fired("shop/api.py", view(queryset), { context: { "shop/serializers.py": serializer(method) } });

  it("reads through a relation of the model, or hands the object on: DJ103", () => {
    expect(raised("return obj.customer.name")).toEqual(["DJ103@7"]);
    expect(raised("return describe(obj)")).toEqual(["DJ103@7"]);
    expect(raised("return self.fmt(obj, 'x')")).toEqual(["DJ103@7"]);
  });

  it("reads the row's own columns and JSON: no query per row, nothing to load", () => {
    expect(raised("return (obj.sku or '').upper()")).toEqual([]);
    expect(raised("return obj.sku.upper() + str(obj.created.year)")).toEqual([]);
    expect(raised("return len(obj.sku)")).toEqual([]);
    // a decorated method (drf-spectacular's @extend_schema_field) is read the same way
    const decorated = (body: string) =>
      fired("shop/api.py", view("Order.objects.all()"), {
        context: {
          "shop/serializers.py": serializer(body).replace(
            "    def get_label",
            "    @extend_schema_field(str)\n    def get_label",
          ),
        },
      });
    expect(decorated("return obj.sku")).toEqual([]);
    expect(decorated("return obj.customer.name")).toEqual(["DJ103@7"]);
  });

  it("a `.none()` queryset holds no rows: a schema placeholder, nothing is serialised from it", () => {
    expect(raised("return obj.customer.name", "Order.objects.none()")).toEqual([]);
  });

  it("a get_queryset that returns None serves no rows (GDQ b2650e9e4a's create-only endpoint)", () => {
    const viewset = (ret: string) =>
      view("Order.objects.none()").replace(
        /\n$/,
        `\n\n    def get_queryset(self):\n        if self.request.user.is_staff:\n            return ${ret}\n        return None\n`,
      );
    const raisedBy = (text: string) =>
      fired("shop/api.py", text, { context: { "shop/serializers.py": serializer("return obj.customer.name") } });
    expect(raisedBy(viewset("None"))).toEqual([]);
    // the near miss: rows returned on one path
    expect(raisedBy(viewset("Order.objects.all()"))).toEqual(["DJ103@11"]);
  });
});

describe("pagination_class = None where nothing lists through DRF's pagination (DJ108)", () => {
  const view = (bases: string, body = "") =>
    `from rest_framework import viewsets, mixins\n\nclass SubscriptionViewSet(${bases}):\n    pagination_class = None\n${body}`;
  it("fires on a class that lists: a listing base, a base the checks do not know, its own paginate_queryset", () => {
    expect(fired("shop/api.py", view("viewsets.ModelViewSet"))).toEqual(["DJ108@4"]);
    expect(fired("shop/api.py", view("mixins.ListModelMixin, viewsets.GenericViewSet"))).toEqual(["DJ108@4"]);
    expect(fired("shop/api.py", view("ProjectBaseViewSet"))).toEqual(["DJ108@4"]);
    const paged = "    def list(self, request):\n        return self.paginate_queryset(self.get_queryset())\n";
    expect(fired("shop/api.py", view("viewsets.GenericViewSet", paged))).toEqual(["DJ108@4"]);
  });
  it("is quiet on a class with no list: it never reads pagination_class", () => {
    expect(fired("shop/api.py", view("ScopedMixin, viewsets.GenericViewSet"))).toEqual([]);
    expect(fired("shop/api.py", view("mixins.RetrieveModelMixin, viewsets.ViewSet"))).toEqual([]);
  });
});

describe("one object's related rows nested by its serializer (DJ108; taiga 05b630042c)", () => {
  const method = (cls: string) =>
    `from rest_framework import serializers\n\nclass ${cls}:\n    def get_stories(self, obj):\n        return StorySerializer(Story.objects.filter(sprint=obj), many=True).data\n`;
  it("is not an unpaginated list: the endpoint pages the outer objects", () => {
    // (the query per sprint it runs is DJ111's)
    expect(fired("shop/serializers.py", method("SprintSerializer(serializers.ModelSerializer)"))).toEqual(["DJ111@5"]);
  });
  it("a view or a plain class serialising a whole queryset still is", () => {
    expect(fired("shop/views.py", method("SprintView(APIView)"))).toEqual(["DJ108@5"]);
  });
});

describe("rows serialised to build something other than the response (DJ108; SEED 5efcbe7fa9)", () => {
  const view = (tail: string) =>
    "def columns(self):\n    rows = ColumnSerializer(Column.objects.filter(org=self.org), many=True).data\n" +
    `${tail}\n`;
  it("is quiet where the serialised rows only feed another structure: every row is needed to build it", () => {
    expect(fired("shop/grid.py", view('    defs = [{"field": c["name"]} for c in rows]\n    return defs'))).toEqual([]);
  });
  it("fires where they are returned or responded with, directly or through the name or dict holding them", () => {
    expect(fired("shop/grid.py", view("    return rows"))).toEqual(["DJ108@2"]);
    expect(fired("shop/grid.py", view('    return Response({"rows": rows})'))).toEqual(["DJ108@2"]);
    const held =
      "def get(self, request):\n    context = {}\n    context['rows'] = RowSerializer(Row.objects.all(), many=True).data\n";
    expect(fired("shop/api.py", `${held}    return JsonResponse(context)\n`)).toEqual(["DJ108@3"]);
    expect(fired("shop/api.py", `${held}    return None\n`)).toEqual([]);
  });
});

describe("a template loop's relation loaded by the view changed with it (DJ107)", () => {
  const models =
    "from django.db import models\n\nclass Project(models.Model):\n    name = models.CharField(max_length=9)\n\n" +
    "class Automation(models.Model):\n    project = models.ForeignKey(Project, on_delete=models.CASCADE)\n" +
    "    owner = models.ForeignKey('auth.User', on_delete=models.CASCADE)\n    name = models.CharField(max_length=9)\n";
  const template =
    "{% for automation in automations %}\n<option>{{ automation.project.name }} {{ automation.owner.email }}</option>\n{% endfor %}\n";
  const raised = (widget?: string) => {
    const changed = [new SourceFile("dash/templates/dash/config.html", template, new Set([2]))];
    if (widget) changed.push(new SourceFile("dash/widgets.py", widget, new Set([4])));
    return runChecks(changed, [new SourceFile("dash/models.py", models, new Set())])
      .findings.filter((f) => f.rule === "DJ107")
      .map((f) => f.message.slice(0, 28));
  };
  const widget = (loading: string) =>
    `from dash.models import Automation\n\ndef config(request):\n    rows = Automation.objects.filter(active=True)${loading}\n    return rows\n`;

  it("is covered where the change's own Python loads that relation with rows of that model", () => {
    expect(raised(widget('.select_related("project", "owner")'))).toEqual([]);
    expect(raised(widget(".select_related()"))).toEqual([]);
  });
  it("a value the change's view attaches to each row is not a relation: `row.summary.count` is a dict key", () => {
    const page =
      "{% for automation in automations %}\n<b>{{ automation.summary.count }} {{ automation.runs.count }}</b>\n{% endfor %}\n";
    const view =
      "def index(request):\n    rows = list(Automation.objects.all())\n    for row in rows:\n        row.summary = summarise(row)\n    return rows\n";
    const found = runChecks(
      [
        new SourceFile("dash/templates/dash/index.html", page, new Set([2])),
        new SourceFile("dash/views.py", view, new Set([4])),
      ],
      [new SourceFile("dash/models.py", models, new Set())],
    ).findings.filter((f) => f.rule === "DJ107");
    expect(found.map((f) => f.message.slice(0, 26))).toEqual(["`automation.runs.count` ru"]);
  });

  it("is covered where the change builds the context value the loop iterates with that prefetch", () => {
    const page = "{% for e in runs %}\n{% for o in e.results.all %}{{ o }}{% endfor %}\n{% endfor %}\n";
    const view = (loading: string) =>
      `def detail(request):\n    runs = (\n        Run.objects.filter(x=1)${loading}\n    )\n    return render(request, "r.html", {"runs": runs})\n`;
    const raised = (loading: string) =>
      runChecks([
        new SourceFile("dash/templates/dash/r.html", page, new Set([2])),
        new SourceFile("dash/views.py", view(loading), new Set([3])),
      ]).findings.map((f) => f.rule);
    expect(raised('.prefetch_related("results")')).toEqual([]);
    expect(raised('.prefetch_related("owner")')).toEqual(["DJ107"]);
  });

  it("is covered where the loop walks a related manager whose rows the change prefetches with that relation", () => {
    // tabbycat 61959dd087: the record view changed with the card prefetches answers__question
    const card = "{% for answer in adjudicator.answers.all %}\n<li>{{ answer.question.name }}</li>\n{% endfor %}\n";
    const answers =
      "from django.db import models\n\nclass Question(models.Model):\n    name = models.CharField(max_length=9)\n\n" +
      "class Answer(models.Model):\n    question = models.ForeignKey(Question, on_delete=models.CASCADE)\n";
    const view = (lookup: string) =>
      `class RecordView(DetailView):\n    def get_queryset(self):\n        return Adjudicator.objects.prefetch_related(\n            "${lookup}",\n        )\n`;
    const raised = (lookup: string) =>
      runChecks(
        [
          new SourceFile("people/templates/card.html", card, new Set([2])),
          new SourceFile("people/views.py", view(lookup), new Set([4])),
        ],
        [new SourceFile("people/models.py", answers, new Set())],
      ).findings.map((f) => f.rule);
    expect(raised("answers__question")).toEqual([]);
    expect(raised("answers")).toEqual(["DJ107"]);
  });

  it("is covered where the change prefetches the relation on a queryset its helper is handed (osf ad46ed160f)", () => {
    const page = (read: string) =>
      `{% for embargo in page %}\n{% with r=embargo.registrations.${read} %}{{ r }}{% endwith %}\n{% endfor %}\n`;
    const view = (lookup: string) =>
      "def report_queryset(queryset):\n    return queryset.prefetch_related(\n" +
      `        Prefetch("${lookup}", queryset=Registration.objects.filter(is_deleted=False)),\n    )\n`;
    const raised = (read: string, lookup: string) =>
      runChecks([
        new SourceFile("admin/templates/report.html", page(read), new Set([2])),
        new SourceFile("admin/views.py", view(lookup), new Set([3])),
      ]).findings.map((f) => f.rule);
    expect(raised("all.0", "registrations")).toEqual([]);
    expect(raised("count", "registrations")).toEqual([]);
    // first orders the rows afresh (a query each), and a prefetch of another relation covers nothing
    expect(raised("first", "registrations")).toEqual(["DJ107"]);
    expect(raised("all.0", "sanctions")).toEqual(["DJ107"]);
  });

  it("`x_set` is a reverse manager only where a model is named x", () => {
    // peering-manager 2c74b9f03d: `cmd.as_set` is a dict key of a list the view builds
    const page = "{% for cmd in commands %}\n<code>{{ cmd.as_set }} {{ cmd.automation_set }}</code>\n{% endfor %}\n";
    const found = runChecks(
      [new SourceFile("dash/templates/dash/irr.html", page, new Set([2]))],
      [new SourceFile("dash/models.py", models, new Set())],
    ).findings.map((f) => f.message.slice(0, 20));
    expect(found).toEqual(["`cmd.automation_set`"]);
  });

  it("still fires for a relation the change does not load, or with no Python in the change", () => {
    expect(raised(widget('.select_related("project")'))).toEqual(["`automation.owner.email` fol"]);
    expect(raised()).toEqual(["`automation.project.name` fo"]);
  });
});

describe("a relation the loop already read on a line the change left alone (DJ101)", () => {
  const text =
    "from shop.models import Order\n\ndef report(seen):\n    for order in Order.objects.all():\n" +
    "        if order.customer not in seen:\n            seen[order.customer] = order.customer.name\n";
  const raised = (changed: number[]) =>
    runChecks(
      [new SourceFile("shop/reports.py", text, new Set(changed))],
      [new SourceFile("shop/models.py", MODELS, new Set())],
    ).findings.map((f) => `${f.rule}@${f.line}`);
  it("is the unchanged line's query: a new read of the cached row adds none", () => {
    expect(raised([6])).toEqual([]);
  });
  it("is raised at the first read when that line is the change's", () => {
    expect(raised([5, 6])).toEqual(["DJ101@5"]);
    expect(raised([5])).toEqual(["DJ101@5"]);
  });
});

describe("a queryset variable iterated through a method (DJ101)", () => {
  const text = (loading: string) =>
    "from shop.models import Order\n\ndef report(site):\n    orders = (\n        Order.objects\n" +
    `        .filter(site=site)${loading}\n    )\n    for order in orders.iterator():\n        print(order.customer.name)\n`;
  const raised = (loading: string) =>
    runChecks(
      [new SourceFile("shop/reports.py", text(loading), new Set([9]))],
      [new SourceFile("shop/models.py", MODELS, new Set())],
    ).findings.map((f) => `${f.rule}@${f.line}`);
  it("keeps what the variable was built with: its select_related", () => {
    expect(raised("\n        .select_related('customer')")).toEqual([]);
    expect(raised("")).toEqual(["DJ101@9"]);
  });
});

describe("|safe that the change kept as it was on a rewritten line (DJ403)", () => {
  const line = '<span class="help" id="{{ field.auto_id }}_help">{{ field.help_text|safe }}</span>';
  const raised = (before: string) =>
    runChecks([
      new SourceFile("forms/templates/field.html", `${line}\n`, new Set([1]), [before], new Set([1]), [
        { text: before, line: 1 },
      ]),
    ]).findings.map((f) => f.rule);
  it("is not the change's: it printed unescaped before", () => {
    expect(raised('<span class="help">{{ field.help_text|safe }}</span>')).toEqual([]);
    expect(raised('<span class="help">{{ field.help_text }}</span>')).toEqual(["DJ403"]);
  });
});

describe("template output moved from other templates into a new include (DJ403; Fidus Writer 7cdf7cabb4)", () => {
  const include = "<script>\n    window.settings = {{ settings|safe }};\n</script>\n";
  const run = (removed: string) =>
    runChecks([
      new SourceFile("base/templates/includes/settings.html", include, new Set([1, 2, 3])),
      new SourceFile("base/templates/index.html", "{% include 'includes/settings.html' %}\n", new Set([1]), [removed]),
    ]).findings.map((f) => `${f.rule}@${f.file}:${f.line}`);
  it("printed the same way by a template the change deletes it from: not new", () => {
    expect(run("        <script>window.settings = {{ settings|safe }}</script>")).toEqual([]);
  });
  it("still raised where the deleted lines printed something else", () => {
    expect(run("        <script>window.settings = {{ settings|escapejs }}</script>")).toEqual([
      "DJ403@base/templates/includes/settings.html:2",
    ]);
  });
});

describe("template output the change moved, re-indented or re-marked up (DJ403, DJ107)", () => {
  // Shapes from real commits: a Bootstrap port (django-oscar 4bdf5df9b1), blocks moved into tabs
  // (django-helpdesk 553b84fdee, b01ed26f00), a loop given a new iterable of the same rows (3dd8d3437a).
  const template = (file: string, removed: string[], changed: number[]) =>
    runChecks([
      new SourceFile(
        "shop/templates/shop/page.html",
        file,
        new Set(changed),
        removed,
        new Set(),
        removed.map((text) => ({ text, line: changed[0] ?? 1 })),
      ),
    ]).findings.map((f) => `${f.rule}@${f.line}`);
  const page =
    '<div class="tab">\n  {% for c in lists %}\n    <p>{{ c.note|safe }}</p>\n    {% for t in c.tasks.all %}{{ t }}{% endfor %}\n  {% endfor %}\n</div>\n';
  const lines = [1, 2, 3, 4, 5, 6];
  it("is not new where the deleted lines had the same output or read", () => {
    const before = [
      "{% for c in lists %}",
      "<p>{{ c.note|safe }}</p>",
      "{% for t in c.tasks.all %}{{ t }}{% endfor %}",
    ];
    expect(template(page, before, lines)).toEqual([]);
  });
  it("is new where they did not, or printed it escaped", () => {
    expect(template(page, ["{% for c in lists %}", "<p>{{ c.note }}</p>"], lines)).toEqual(["DJ403@3", "DJ107@4"]);
    expect(template(page, [], lines)).toEqual(["DJ403@3", "DJ107@4"]);
  });
  it("a read the deleted lines made is new only inside a loop the change adds", () => {
    // the read moved into a loop over a name no deleted loop had: the rows it reads per row are new
    const moved = ["<p>{{ c.note|safe }}</p>", "{% for t in c.tasks.all %}{{ t }}{% endfor %}"];
    expect(template(page, moved, lines)).toEqual(["DJ107@4"]);
  });
  it("a loop given a new iterable does not make its unchanged body's reads new; a new loop does", () => {
    const before = ["  {% for c in ticket.list_set.all %}"];
    expect(template(page, before, [2])).toEqual([]);
    expect(template(page, ["  {% for x in ticket.list_set.all %}"], [2])).toEqual(["DJ107@4"]);
  });
  it("a related row read again where the loop already reads it on an unchanged line is cached", () => {
    const models = new SourceFile(
      "shop/models.py",
      "from django.db import models\nclass Vendor(models.Model):\n    name = models.CharField(max_length=9)\n" +
        "class Product(models.Model):\n    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE)\n",
      new Set(),
    );
    const list =
      "{% for product in product_list %}\n<td>{{ product.vendor.name }}</td>\n<td>{{ product.vendor.name|upper }}</td>\n{% endfor %}\n";
    const run = (changed: number[]) =>
      runChecks([new SourceFile("shop/templates/shop/list.html", list, new Set(changed)), models]).findings.map(
        (f) => `${f.rule}@${f.line}`,
      );
    expect(run([3])).toEqual([]);
    expect(run([2, 3])).toEqual(["DJ107@2"]);
  });
});

describe("AddField of a relation with no column (DJ301)", () => {
  const add = (field: string) =>
    `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(model_name='pumping', name='tags', field=${field}),\n    ]\n`;
  it("a TaggableManager or GenericRelation adds a table or nothing: no NOT NULL column to fill", () => {
    expect(
      fired("core/migrations/0025_tags.py", add("core.models.TaggableManager(blank=True, to='core.Tag')")),
    ).toEqual([]);
    expect(fired("core/migrations/0025_tags.py", add("GenericRelation('notes.Note')"))).toEqual([]);
    expect(fired("core/migrations/0025_tags.py", add("models.CharField(max_length=5)"))).toEqual(["DJ301@5"]);
  });
});

describe("a queryset built inside another query in a loop (DJ102)", () => {
  const loop = (body: string) =>
    `from django.db.models import Exists, OuterRef, Subquery\nfrom shop.models import Order\n\ndef search(qs, terms):\n    for term in terms:\n        ${body}\n    return qs\n`;
  // the search terms are supplied values: a query run per term is held back as a hint (SUPPLIED_VALUES), not dropped
  it("an Exists, a Subquery or an __in value is part of the query the loop builds: nothing runs per term", () => {
    expect(
      anything("shop/search.py", loop('qs = qs.filter(Exists(Order.objects.filter(id=OuterRef("id"), sku=term)))')),
    ).toEqual([]);
    expect(
      anything("shop/search.py", loop("qs = qs.annotate(n=Subquery(Order.objects.filter(sku=term).values('id')[:1]))")),
    ).toEqual([]);
    expect(
      anything("shop/search.py", loop("qs = qs.filter(pk__in=Order.objects.filter(sku=term).values('id'))")),
    ).toEqual([]);
  });
  it("a queryset run in the loop still is", () => {
    expect(anything("shop/search.py", loop("print(Order.objects.filter(sku=term).first())"))).toEqual(["DJ102@6"]);
    expect(anything("shop/search.py", loop("qs = qs.filter(total=Order.objects.filter(sku=term).count())"))).toEqual([
      "DJ102@6",
    ]);
  });
});

describe("a POST form whose tag the change rewrites, tokenless before as after (DJ411; ESP 1076415f2d)", () => {
  const page = (tag: string, body = '  <input type="submit" value="Reset">\n') =>
    `{% extends "main.html" %}\n{% block content %}\n${tag}\n${body}</form>\n{% endblock %}\n`;
  const raised = (before: string, after: string) =>
    runChecks([changedSourceFile("esp/templates/contact.html", before, after)]).findings.map(
      (f) => `${f.rule}@${f.line}`,
    );
  const post = (action: string) => `<form action="${action}" method="post">`;
  it("decides nothing about CSRF where only the action became a {% url %}", () => {
    expect(raised(page(post("/myesp/recover/")), page(post("{% url 'recover' %}")))).toEqual([]);
    // the method on a line of its own, left alone
    const split = (action: string) => `<form action="${action}"\n      method="post">`;
    expect(raised(page(split("/myesp/recover/")), page(split("{% url 'recover' %}")))).toEqual([]);
    // the line above re-indented in the same rewrite: the diff lists both deleted lines before it (ESP's login box)
    const boxed = (action: string, indent: string) => page(`${indent}<div>\n    ${post(action)}`);
    expect(raised(boxed("/myesp/login/", "  "), boxed("{% url 'login' %}", ""))).toEqual([]);
  });
  it("fires for a new form, a GET form made POST, or a token the change deletes", () => {
    expect(raised(page("<p>Hi</p>", ""), page(post("{% url 'recover' %}")))).toEqual(["DJ411@3"]);
    expect(raised(page('<form action="/recover/">'), page(post("/recover/")))).toEqual(["DJ411@3"]);
    expect(raised(page('<form action="/recover/" method="get">'), page(post("/recover/")))).toEqual(["DJ411@3"]);
    const tokened = page(post("/myesp/recover/"), '  {% csrf_token %}\n  <input type="submit" value="Reset">\n');
    expect(raised(tokened, page(post("{% url 'recover' %}")))).toEqual(["DJ411@3"]);
  });
});

describe("a POST form whose fields come from an included template (DJ411)", () => {
  const page = '<form action="/new" method="post">\n  {% include "bookmarks/form.html" %}\n</form>\n';
  const raised = (partial?: string) =>
    runChecks(
      [new SourceFile("bookmarks/templates/bookmarks/new.html", page, new Set([1, 2]))],
      partial === undefined ? [] : [new SourceFile("bookmarks/templates/bookmarks/form.html", partial, new Set())],
    ).findings.map((f) => f.rule);
  it("is covered by a token in the included template, or by one the checks cannot read", () => {
    expect(raised("{% csrf_token %}\n{{ form.url }}\n")).toEqual([]);
    expect(raised()).toEqual([]);
  });
  it("still fires when the included template is read and has no token", () => {
    expect(raised("{{ form.url }}\n")).toEqual(["DJ411"]);
  });
});

describe("a POST form whose fields a template tag renders (DJ411; opencve cb0d8db182, linkding 2d3bd13a12)", () => {
  const form = (body: string) =>
    runChecks([
      new SourceFile(
        "shop/templates/shop/edit.html",
        `<form action="/e" method="post">\n${body}\n</form>\n`,
        new Set([1]),
      ),
    ]).findings.map((f) => f.rule);
  it("crispy, or a project tag that renders the whole form body, renders the token with the fields", () => {
    expect(form("  {% crispy members_form %}")).toEqual([]);
    expect(form("  {% load crispy_forms_tags %}{% crispy form %}\n  <button>Save</button>")).toEqual([]);
    expect(form("  {% bookmark_form form return_url bookmark_id %}")).toEqual([]);
  });
  it("not built-in tags, nor a tag beside controls or variables the template writes itself", () => {
    expect(form("  {% if x %}{% url 'a' %}{% endif %}")).toEqual(["DJ411"]);
    expect(form('  {% render_field form.name %}\n  <input name="x">')).toEqual(["DJ411"]);
    expect(form("  {% icon 'save' %}\n  {{ form.as_p }}")).toEqual(["DJ411"]);
  });
});

describe("a POST form nothing can submit (DJ411; osf b985424ceb)", () => {
  const page = (body: string, script = "") =>
    runChecks([
      new SourceFile(
        "admin/templates/preview.html",
        `<form id="mock" method="post">\n${body}\n</form>\n${script}`,
        new Set([1]),
      ),
    ]).findings.map((f) => f.rule);
  it("is quiet for a form that only holds a textarea a script reads: it never posts", () => {
    expect(page('  <textarea name="context">{{ context }}</textarea>')).toEqual([]);
    expect(page('  <input type="hidden" name="a" value="1">\n  <textarea name="b"></textarea>')).toEqual([]);
  });
  it("still fires where a button, an input, template output or a script can submit it", () => {
    expect(page('  <textarea name="c"></textarea>\n  <button>Render</button>')).toEqual(["DJ411"]);
    expect(page('  <input name="q">')).toEqual(["DJ411"]);
    expect(page("  {{ form.as_p }}")).toEqual(["DJ411"]);
    expect(
      page('  <textarea name="c"></textarea>', "<script>document.getElementById('mock').submit()</script>"),
    ).toEqual(["DJ411"]);
    expect(page('  <textarea name="c"></textarea>', "<script>$('#mock').trigger('submit')</script>")).toEqual([
      "DJ411",
    ]);
  });
  it("reads a run of unclosed textareas in linear time", () => {
    const started = performance.now();
    page("<textarea ".repeat(40_000));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("a redirect to this site's URL with the request's query string appended (DJ412)", () => {
  const view = (lines: string) =>
    `from django.http import HttpResponseRedirect\nfrom django.urls import reverse\n\ndef tags(request):\n${lines}\n    return HttpResponseRedirect(url)\n`;
  it("is not an open redirect: the host and path are fixed", () => {
    expect(fired("tags/views.py", view('    url = reverse("tags")\n    url += "?" + request.GET.urlencode()'))).toEqual(
      [],
    );
    expect(fired("tags/views.py", view('    url = "/tags/"\n    url += f"?{request.GET.urlencode()}"'))).toEqual([]);
  });
  it("is one where the request gives the start of the URL, or text right after a bare slash", () => {
    expect(fired("tags/views.py", view('    url = request.GET["next"]'))).toEqual(["DJ412@6"]);
    expect(fired("tags/views.py", view('    url = "/"\n    url += request.GET["next"]'))).toEqual(["DJ412@7"]);
    expect(fired("tags/views.py", view('    url = reverse("tags")\n    url = request.GET.get("next", url)'))).toEqual([
      "DJ412@7",
    ]);
  });
  it("a header read respelled from request.META to request.headers is the same redirect (A+ b786b62336)", () => {
    const respelled = (before: string, after: string) =>
      runChecks(
        [
          new SourceFile(
            "exercise/views.py",
            `def back(request):\n    return redirect(${after})\n`,
            new Set([2]),
            [`    return redirect(${before})`],
            new Set([2]),
            [{ text: `    return redirect(${before})`, line: 2 }],
          ),
        ],
        [],
        { facts: PG },
      ).findings.map((f) => `${f.rule}@${f.line}`);
    expect(respelled(`request.META.get('HTTP_REFERER', '/')`, `request.headers.get("referer", "/")`)).toEqual([]);
    expect(respelled(`request.META['HTTP_X_NEXT_URL']`, `request.headers['X-Next-Url']`)).toEqual([]);
    // the near misses: another header, another fallback, a redirect the line did not make before
    expect(respelled(`request.META.get('HTTP_REFERER', '/')`, `request.headers.get("origin", "/")`)).toEqual([
      "DJ412@2",
    ]);
    expect(
      respelled(`request.META.get('HTTP_REFERER', '/')`, `request.headers.get("referer", request.GET["x"])`),
    ).toEqual(["DJ412@2"]);
    expect(respelled(`reverse('home')`, `request.headers.get("referer", "/")`)).toEqual(["DJ412@2"]);
  });
});

describe("mark_safe over a translated literal formatted with numbers and URLs reversed from keys (DJ402)", () => {
  const form = (values: string) =>
    "from django.urls import reverse\nfrom django.utils.safestring import mark_safe\nfrom django.utils.translation import gettext as _\n\n" +
    `def clean_count(self):\n    url = reverse("set-detail", kwargs={"pk": self.instance.pk})\n    raise ValueError(mark_safe(_("%s vouchers: see the <a href='%s'>set</a>.") % (${values})))\n`;
  it("carries no outside text", () => {
    expect(fired("vouchers/forms.py", form("self.instance.count, url"))).toEqual([]);
  });
  it("a name, or a URL reversed from one, is text", () => {
    expect(fired("vouchers/forms.py", form("self.instance.name, url"))).toEqual(["DJ402@7"]);
    expect(
      fired(
        "vouchers/forms.py",
        form("self.instance.count, url").replace('{"pk": self.instance.pk}', '{"slug": self.instance.slug}'),
      ),
    ).toEqual(["DJ402@7"]);
  });
});

describe("a task enqueued in a transaction the change did not start (DJ602; bookwyrm 8168a9cbdf)", () => {
  const view =
    "class CreateStatus(View):\n    @transaction.atomic\n    def post(self, request: HttpRequest, kind: str):\n" +
    "        status = form.save()\n        sync_quote.delay(status.id)\n";
  const raised = (changed: number[]) =>
    runChecks([new SourceFile("shop/views.py", view, new Set(changed))]).findings.map((f) => `${f.rule}@${f.line}`);
  it("type hints added to the decorated method's signature do not re-raise its body", () => {
    expect(raised([3])).toEqual([]);
  });
  it("the decorator or the enqueue itself is the change's", () => {
    expect(raised([2])).toEqual(["DJ602@5"]);
    expect(raised([5])).toEqual(["DJ602@5"]);
  });
});

describe("a query per iteration the change only respells (DJ102; tabbycat 546f5e1c7c)", () => {
  const text =
    "def export(self):\n    for feedback in Feedback.objects.filter(confirmed=True):\n" +
    "        for question in FeedbackQuestion.objects.filter(tournament=self.t):\n            emit(feedback, question)\n";
  const raised = (removed: string) =>
    runChecks([replacing("shop/exports.py", text, 3, removed)]).findings.map((f) => `${f.rule}@${f.line}`);
  it("is not the change's: the deleted line queried the same model per iteration through its manager", () => {
    expect(raised("        for question in self.t.feedbackquestion_set.all():")).toEqual([]);
  });
  it("is the change's where the deleted line did not query that model", () => {
    expect(raised("        for question in questions:")).toEqual(["DJ102@3"]);
    // a chain rooted in `self` names no table: the deleted line's `self` says nothing
    const own = text.replace("FeedbackQuestion.objects", "self.model.objects");
    const ownRaised = runChecks([
      replacing("shop/exports.py", own, 3, "        for q in self.t.items.all():"),
    ]).findings.map((f) => `${f.rule}@${f.line}`);
    expect(ownRaised).toEqual(["DJ102@3"]);
    expect(raised("        for question in self.t.feedbackquestions:")).toEqual(["DJ102@3"]);
  });
});

describe('fields = "__all__" spelled out on a Meta that listed none (DJ413; ralph 7932a3f09d)', () => {
  const text =
    "class DNSServerSerializer(RalphAPISerializer):\n    class Meta:\n        model = DNSServer\n" +
    '        depth = 1\n        fields = "__all__"\n';
  const raised = (changed: number[], removed: string[] = []) =>
    runChecks([
      new SourceFile(
        "shop/api.py",
        text,
        new Set(changed),
        removed,
        new Set(removed.length ? [5] : []),
        removed.map((t) => ({ text: t, line: 5 })),
      ),
    ]).findings.map((f) => `${f.rule}@${f.line}`);
  it("exposes nothing new: without fields or exclude, every field was exposed already", () => {
    expect(raised([5])).toEqual([]);
  });
  it("is raised where the Meta listed its fields before: the change widens what is exposed (SEED 2fadafd1d8)", () => {
    expect(raised([5], ['        fields = ["name", "ip"]'])).toEqual(["DJ413@5"]);
    expect(raised([5], ['        exclude = ["secret"]'])).toEqual(["DJ413@5"]);
  });
});

describe('fields = "__all__" on a Meta the change writes (DJ413; SEED 1e20744590, osf b985424ceb)', () => {
  const form = (model: string) =>
    `class F(forms.ModelForm):\n    class Meta:\n        model = ${model}\n        fields = "__all__"\n`;
  const users =
    "from django.db import models\n\nclass Member(models.Model):\n    role = models.CharField(max_length=9)\n\n" +
    "class Plan(models.Model):\n    name = models.CharField(max_length=9)\n";
  const result = (model: string) =>
    runChecks(
      [new SourceFile("shop/forms.py", form(model), new Set([1, 2, 3, 4]))],
      [new SourceFile("shop/models.py", users, new Set())],
    );
  it("is a hint, not a comment: who writes through a new form decides whether every field may be written", () => {
    const { findings, conditional } = result("Plan");
    expect(findings).toEqual([]);
    expect(conditional.map((f) => [f.rule, f.condition])).toEqual([["DJ413", WRITERS_UNTRUSTED.hint]]);
  });
  it("is posted where the model is a user model or holds a field that grants rights", () => {
    expect(result("Member").findings.map((f) => f.rule)).toEqual(["DJ413"]);
    expect(result("User").findings.map((f) => f.rule)).toEqual(["DJ413"]);
    expect(result("get_user_model()").findings.map((f) => f.rule)).toEqual(["DJ413"]);
    expect(result("settings.AUTH_USER_MODEL").findings.map((f) => f.rule)).toEqual(["DJ413"]);
  });
});

describe("row-by-row writes the code says are on purpose (DJ110; openwisp c266e807b8)", () => {
  const loop = (comment: string) =>
    `def clear():\n${comment}    n = 0\n    for device in Device.objects.filter(active=True):\n        device.last_ip = None\n        device.save(update_fields=["last_ip"])\n        n += 1\n`;
  const raised = (comment: string) =>
    runChecks([new SourceFile("shop/commands.py", loop(comment), new Set([1, 2, 3, 4, 5, 6, 7, 8]))]).findings.map(
      (f) => f.rule,
    );
  it("is quiet under a comment that says why each row is saved on its own", () => {
    expect(
      raised(
        "    # a queryset-level update bypasses save() and signals,\n    # so each device is saved individually\n",
      ),
    ).toEqual([]);
  });
  it("still fires under an unrelated comment, or one separated from the loop by other code", () => {
    expect(raised("    # clear the addresses\n")).toEqual(["DJ110"]);
    expect(raised("    # bulk-edit the selected devices\n")).toEqual(["DJ110"]);
    expect(raised("    # saved individually for the signals\n    x = 1\n    y = 2\n")).toEqual(["DJ110"]);
  });
  it("is quiet where the function's docstring says so (openwisp-users 187ed1acf0), not an unrelated one", () => {
    expect(raised('    """Each device is saved on its own so post-save hooks still fire."""\n')).toEqual([]);
    expect(raised('    """Clear the last address of every active device."""\n')).toEqual(["DJ110"]);
    // a string later in the body is no docstring
    expect(raised('    n = 1\n    "saved individually"\n')).toEqual(["DJ110"]);
  });
});

describe("a viewset that names its loading in class lists its base applies (DJ103; ralph cf4bef0e79)", () => {
  const serializers =
    "from rest_framework import serializers\n\nclass OrderSerializer(serializers.ModelSerializer):\n" +
    "    customer = CustomerSerializer()\n";
  const viewset = (lists: string) =>
    `class V(RalphAPIViewSet):\n    queryset = Order.objects.all()\n    serializer_class = OrderSerializer\n${lists}`;
  const raised = (lists: string) =>
    runChecks(
      [new SourceFile("shop/api/views.py", viewset(lists), new Set([2, 3, 4]))],
      [new SourceFile("shop/api/serializers_/orders.py", serializers, new Set())],
      { facts: PG },
    ).findings.map((f) => f.rule);
  it("is loaded", () => {
    expect(raised("    select_related = ['customer']\n")).toEqual([]);
    expect(raised("    prefetch_related = ['tags']\n")).toEqual([]);
  });
  it("without such lists it is not", () => {
    expect(raised("    filter_fields = ['customer']\n")).toEqual(["DJ103"]);
  });
});

describe("`.all()` on an attribute of a row whose model is not known (DJ101; Evennia 91a4ac1c81)", () => {
  const models = `from django.db import models

class Tag(models.Model):
    name = models.CharField(max_length=40)

class Post(models.Model):
    tags = models.ManyToManyField(Tag)

class Reply(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
`;
  const loop = (read: string) =>
    fired(
      "world/typing.py",
      `def notify(location):\n    for puppet in Character.objects.filter(location=location):\n        for s in puppet.${read}:\n            s.msg("typing")\n`,
      { context: { "blog/models.py": models } },
    );
  it("is a manager only where some known model has one by that name", () => {
    // a typeclass's in-memory session handler: no model has a relation called `sessions`
    expect(loop("sessions.all()")).toEqual([]);
    // the near misses: a many-to-many field, a related_name and a reverse accessor of the project's models
    expect(loop("tags.all()")).toEqual(["DJ101@3"]);
    expect(loop("replies.all()")).toEqual(["DJ101@3"]);
    expect(loop("session_set.all()")).toEqual(["DJ101@3"]);
  });
});
