/**
 * Advice that is right in general but not for where the code runs, seen on real, shipped commits
 * (test/noise/judgements.tsv has the references): written here from scratch, each with a near miss
 * that must still fire.
 */
import { describe, expect, it } from "vitest";
import {
  DEPLOY_OVERLAP,
  IN_BACKGROUND,
  SUPPLIED_VALUES,
  TABLE_SIZE,
  UNIQUE_BEFORE,
  heldBackNotes,
} from "../../src/checks/conditions.js";
import { runChecks } from "../../src/checks/index.js";
import { isFieldClass, isModelBase } from "../../src/checks/model-classes.js";
import type { ProjectFacts } from "../../src/checks/project-facts.js";
import { SourceFile } from "../../src/checks/source.js";
import { changedSourceFile } from "../helpers/changed-source-file.js";

const MODELS = `from django.db import models

class Story(models.Model):
    ref = models.IntegerField()
`;

const everyLine = (text: string) => new Set(text.split("\n").map((_, i) => i + 1));

const PG: ProjectFacts = { database: { engine: "postgresql", source: "test" } };

const CONDITION_TAGS = new Map([
  [IN_BACKGROUND.hint, "bg"],
  [SUPPLIED_VALUES.hint, "in"],
]);

/** Posted findings and held-back ones (with their condition), as `RULE@line`. */
function review(path: string, text: string, context: Record<string, string> = {}) {
  const lines = text.split("\n").length;
  const file = new SourceFile(path, text, new Set(Array.from({ length: lines }, (_, i) => i + 1)));
  const others = Object.entries({ "shop/models.py": MODELS, ...context }).map(
    ([p, t]) => new SourceFile(p, t, new Set()),
  );
  const result = runChecks([file], others, { facts: PG });
  expect(result.failures).toEqual([]);
  return {
    posted: result.findings.map((f) => `${f.rule}@${f.line}`),
    held: result.conditional.map((f) => `${f.rule}@${f.line}:${CONDITION_TAGS.get(f.condition ?? "") ?? "?"}`),
  };
}

describe("a query per row in background code (DJ102) is a hint for the model, not a comment", () => {
  const head = "from shop.models import Story\n\ndef snapshot(ref):\n    return Story.objects.get(ref=ref)\n\n";
  /** A job body at `indent`: a direct query and a helper that queries, folded into one finding of the loop. */
  const job = (indent: string) =>
    `${indent}for ref in Story.objects.filter(ref__in=refs).values_list('ref', flat=True):\n${indent}    print(Story.objects.filter(ref=ref).count())\n${indent}    snapshot(ref)\n`;
  const cases: Array<[string, string, string, string]> = [
    ["a Celery shared_task", "shop/tasks.py", "@shared_task\ndef run(refs):\n", "    "],
    ["an app.task with options", "shop/services.py", "@app.task(bind=True)\ndef run(self, refs):\n", "    "],
    [
      "a Huey periodic task",
      "shop/jobs.py",
      "@huey.db_periodic_task(crontab(minute='0'))\ndef run(refs=()):\n",
      "    ",
    ],
    [
      "a method of a Celery Task class",
      "shop/jobs.py",
      "from celery import Task\n\nclass Run(Task):\n    def run(self, refs):\n",
      "        ",
    ],
    [
      "a management command",
      "shop/management/commands/renumber.py",
      "class Command(BaseCommand):\n    def handle(self, *refs, **options):\n",
      "        ",
    ],
  ];
  it.each(cases)("%s", (_, path, def, indent) => {
    const text = `${head}${def}${job(indent)}`;
    const loopLine = text.split("\n").findIndex((l) => l.trim().startsWith("for ref")) + 1;
    expect(review(path, text)).toEqual({
      posted: [],
      held: [`DJ102@${loopLine + 1}:bg`],
    });
  });

  it("still posts it where a request waits, and where Task is the project's own model", () => {
    const view = `${head}def view(request, refs):\n${job("    ")}`;
    expect(review("shop/views.py", view)).toEqual({ posted: ["DJ102@8"], held: [] });
    const ownTask = `from shop.models import Task\n${head}class Special(Task):\n    def renumber(self, refs):\n${job("        ")}`;
    expect(review("shop/models_extra.py", ownTask).posted).toEqual(["DJ102@10"]);
    const notATask = `${head}@login_required\ndef view(request, refs):\n${job("    ")}`;
    expect(review("shop/views.py", notATask).posted).toEqual(["DJ102@9"]);
  });
});

describe("loops over what configuration holds (DJ102)", () => {
  const count = "print(Story.objects.filter(ref=app['id']).count())";
  const view = (outer: string, inner: string) =>
    `from django.conf import settings\nfrom shop.models import Story\n\ndef providers(request):\n    for name, config in ${outer}:\n        for app in ${inner}:\n            ${count}\n`;
  it("a key, index or dict view of a code-bounded loop's element is bounded too", () => {
    expect(review("shop/views.py", view("settings.PROVIDERS.items()", "config.get('APPS', [])"))).toEqual({
      posted: [],
      held: [],
    });
    expect(review("shop/views.py", view("settings.PROVIDERS.items()", "config['apps']"))).toEqual({
      posted: [],
      held: [],
    });
    expect(review("shop/views.py", view("(('a', {}), ('b', {}))", "config.values()"))).toEqual({
      posted: [],
      held: [],
    });
  });

  it("but not data the element leads to, nor an element of data", () => {
    expect(review("shop/views.py", view("settings.PROVIDERS.items()", "config.apps.all()")).posted).toEqual([
      "DJ102@7",
    ]);
    // values, not rows: a hint for the model (SUPPLIED_VALUES), where a bounded loop raises nothing at all
    expect(review("shop/views.py", view("request.user.providers.items()", "config.get('APPS', [])")).held).toEqual([
      "DJ102@7:in",
    ]);
    expect(review("shop/views.py", view("settings.PROVIDERS.items()", "other.get('APPS', [])")).held).toEqual([
      "DJ102@7:in",
    ]);
  });
});

describe("row-by-row saves where save signals are connected (DJ110)", () => {
  const view =
    "from shop.models import Story\n\ndef renumber(request, refs):\n    for story in Story.objects.all():\n        Story.objects.create(ref=story.ref)\n\ndef bump(request):\n    for story in Story.objects.all():\n        story.ref += 1\n        story.save()\n";
  const signals = (decorator: string) =>
    `from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n${decorator}\ndef log_change(sender, instance, **kwargs):\n    pass\n`;
  const posted = (context: Record<string, string>) => review("shop/views.py", view, context).posted;

  it("are not turned into bulk_create/bulk_update, which would skip the receivers", () => {
    expect(posted({})).toEqual(["DJ110@5", "DJ110@10"]);
    // a receiver for every model (NetBox's change log), however it is connected
    expect(posted({ "core/signals.py": signals("@receiver((post_save, m2m_changed))") })).toEqual([]);
    expect(posted({ "core/apps.py": "post_save.connect(log_change, dispatch_uid='log')\n" })).toEqual([]);
    // a receiver for this model only
    expect(posted({ "shop/signals.py": signals("@receiver(post_save, sender=models.Story)") })).toEqual([]);
  });

  it("still are where the receivers observe other models or other signals", () => {
    expect(posted({ "shop/signals.py": signals("@receiver(post_save, sender=Order)") })).toEqual([
      "DJ110@5",
      "DJ110@10",
    ]);
    expect(posted({ "shop/signals.py": signals("@receiver(post_delete)") })).toEqual(["DJ110@5", "DJ110@10"]);
    expect(posted({ "shop/signals.py": signals("@receiver(request_finished)\n# post_save is not used here") })).toEqual(
      ["DJ110@5", "DJ110@10"],
    );
  });
});

describe("pydantic models beside Django models (DJ508)", () => {
  const models = (imports: string, base: string, field: string) =>
    `${imports}\n\nclass GotifyConf(${base}):\n    url: str\n    priority: int | None = ${field}\n`;
  const posted = (text: string) =>
    runChecks([new SourceFile("hc/api/models.py", text, everyLine(text))], [], { facts: PG }).findings.map(
      (f) => `${f.rule}@${f.line}`,
    );
  it("a pydantic BaseModel and its Field are not a model change wanting a migration", () => {
    expect(posted(models("from pydantic import BaseModel, Field", "BaseModel", "Field(None, ge=0)"))).toEqual([]);
    expect(posted(models("import pydantic", "pydantic.BaseModel", "pydantic.Field(None)"))).toEqual([]);
  });
  it("a project's own BaseModel of Django fields is", () => {
    const own = models(
      "from django.db import models\nfrom core.models import BaseModel",
      "BaseModel",
      "models.IntegerField(null=True)",
    );
    expect(posted(own)).toEqual(["DJ508@6"]);
  });
});

describe("index advice (DJ503, DJ504) is a hint for the model: the code does not say how big the table grows", () => {
  it("is held back with its condition, not posted", () => {
    const text =
      "from django.db import models\n\nclass Rule(models.Model):\n    priority = models.IntegerField()\n    class Meta:\n        ordering = ('priority',)\n\ndef first():\n    return Rule.objects.filter(priority=1).first()\n";
    const result = runChecks([new SourceFile("shop/models.py", text, everyLine(text))], [], { facts: PG });
    expect(result.findings.map((f) => f.rule)).not.toContain("DJ504");
    expect(result.findings.map((f) => f.rule)).not.toContain("DJ503");
    expect(result.conditional.map((f) => [f.rule, f.condition])).toEqual([
      ["DJ504", TABLE_SIZE.hint],
      ["DJ503", TABLE_SIZE.hint],
    ]);
    // posted where the config says the tables are large
    const large = runChecks([new SourceFile("shop/models.py", text, everyLine(text))], [], {
      facts: { ...PG, largeTables: true },
    });
    expect([large.findings.map((f) => f.rule).filter((r) => r !== "DJ508"), large.conditional]).toEqual([
      ["DJ504", "DJ503"],
      [],
    ]);
  });
});

describe("loading removed with the relation it loaded (DJ114)", () => {
  const view = "from shop.models import Plan\n\ndef plans(request):\n    return Plan.objects.all()\n";
  const deleted = "    return Plan.objects.prefetch_related('recipe', 'shared')";
  const raised = (models: string, modelRemoved: string[]) =>
    runChecks(
      [
        new SourceFile("shop/views.py", view, new Set([4]), [deleted], new Set([4]), [{ text: deleted, line: 4 }]),
        new SourceFile("shop/models.py", models, new Set(), modelRemoved, new Set(modelRemoved.length ? [5] : [])),
      ],
      [],
      { facts: PG },
    ).findings.map((f) => `${f.rule}: ${f.message.slice(0, 60)}`);
  const plan = (shared: string) =>
    `from django.db import models\n\nclass Plan(models.Model):\n    recipe = models.ForeignKey('Recipe', on_delete=models.CASCADE)\n${shared}`;
  it("is not raised for a relation the change drops from its model: nothing is left to load", () => {
    expect(raised(plan(""), ["    shared = models.ManyToManyField('auth.User')"])).toEqual([
      "DJ114: This change stops loading `recipe`: anything that reads it p",
    ]);
  });
  it("still is when the relation stays on the model", () => {
    expect(raised(plan("    shared = models.ManyToManyField('auth.User')\n"), [])).toEqual([
      "DJ114: This change stops loading `recipe`, `shared`: anything that ",
    ]);
  });
});

describe("templates named .html that render text (DJ403)", () => {
  const raised = (path: string, text: string) =>
    runChecks([new SourceFile(path, text, everyLine(text))], [], { facts: PG }).findings.map(
      (f) => `${f.rule}@${f.line}`,
    );
  it("an SMS or push message with no markup at all is text: |safe keeps & and quotes as written", () => {
    const sms =
      '{% load hc_extras %}\n{% if status == "down" %}\nThe check "{{ check.name|safe }}" is DOWN.\n{% endif %}\n';
    expect(raised("hc/integrations/sms/templates/sms_message.html", sms)).toEqual([]);
    expect(raised("hc/templates/ntfy_title.html", "{{ check.name|safe }} is {{ status|upper }}\n")).toEqual([]);
  });
  it("markup, an entity, a parent template or a bare fragment keep it HTML", () => {
    expect(raised("t/templates/a.html", '<p>The check "{{ check.name|safe }}" is DOWN.</p>\n')).toEqual(["DJ403@1"]);
    expect(raised("t/templates/b.html", "The check&nbsp;{{ check.name|safe }} is DOWN.\n")).toEqual(["DJ403@1"]);
    expect(
      raised(
        "t/templates/c.html",
        '{% extends "base.html" %}\n{% block content %}Hello {{ name|safe }}{% endblock %}\n',
      ),
    ).toEqual(["DJ403@2"]);
    expect(raised("t/templates/d.html", "{{ body|safe }}\n")).toEqual(["DJ403@1"]);
  });
});

describe("mark_safe over a variable whose construction the change edits (DJ402)", () => {
  const render = (extra: string) =>
    "from django.utils.safestring import mark_safe\n\ndef render(instance, content, plugin):\n" +
    "    is_slot = getattr(plugin, 'is_slot', False)\n" +
    "    content = TEMPLATE.format(\n        pk=instance.pk,\n        content=content,\n" +
    `        ${extra},\n    )\n    return mark_safe(content)\n`;
  const raised = (extra: string, changed: number[]) =>
    runChecks([new SourceFile("cms/rendering.py", render(extra), new Set(changed))], [], { facts: PG }).findings.map(
      (f) => `${f.rule}@${f.line}`,
    );
  it("is not raised by an edit that adds only literals, or a variable that only chooses between them", () => {
    expect(raised("disabled=' cms-slot' if is_slot else ''", [4, 8])).toEqual([]);
  });
  it("is raised by an edit that brings a value in", () => {
    expect(raised("title=instance.title", [8])).toEqual(["DJ402@10"]);
    expect(raised("disabled=instance.css if is_slot else ''", [8])).toEqual(["DJ402@10"]);
  });
});

describe("a primary key widened to BigAutoField (DJ306)", () => {
  const alter = (field: string) =>
    `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AlterField(model_name='plugin', name='id', field=${field}),\n    ]\n`;
  const said = (text: string, facts: ProjectFacts = { ...PG, largeTables: true }) =>
    runChecks([new SourceFile("cms/migrations/0043_id.py", text, everyLine(text))], [], { facts }).findings.map(
      (f) => `${f.rule}: ${f.message.slice(0, 48)}`,
    );
  it("is a column rewrite of the key and its references, not a new unique constraint", () => {
    expect(said(alter("models.BigAutoField(auto_created=True, primary_key=True, serialize=False)"))).toEqual([
      "DJ306: The primary key becomes `BigAutoField`: on an ex",
    ]);
    // a new key on a CharField is a unique constraint, posted where the change's model declares it
    const model =
      "from django.db import models\n\nclass Plugin(models.Model):\n    id = models.CharField(max_length=9, primary_key=True)\n";
    const text = alter("models.CharField(max_length=9, primary_key=True)");
    const withModel = (changed: number[]) =>
      runChecks(
        [
          new SourceFile("cms/migrations/0043_id.py", text, everyLine(text)),
          new SourceFile("cms/models.py", model, new Set(changed)),
        ],
        [],
        { facts: { ...PG, largeTables: true } },
      ).findings.map((f) => `${f.rule}: ${f.message.slice(0, 48)}`);
    expect(withModel([4])).toEqual(["DJ306: `AlterField` adds a unique constraint: it locks "]);
    expect(withModel([])).toEqual([]);
    // only the lock's length is at stake: held back where the tables are not known to be large
    expect(said(alter("models.BigAutoField(primary_key=True)"), PG)).toEqual([]);
  });
});

describe("an auto_now column added (DJ301; LibrePhotos 061d03b18c)", () => {
  it("Django fills its rows: only old code's INSERTs fail, which matters where deploys overlap", () => {
    const text =
      "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n" +
      "        migrations.AddField(model_name='photo', name='seen', field=models.DateTimeField(auto_now=True)),\n    ]\n";
    const result = runChecks([new SourceFile("api/migrations/0066_x.py", text, everyLine(text))], [], { facts: PG });
    expect([result.findings, result.conditional.map((f) => [f.rule, f.condition])]).toEqual([
      [],
      [["DJ301", DEPLOY_OVERLAP.hint]],
    ]);
  });
});

describe("a column made unique in the migration that added and filled it (DJ306; wger 1f79fae3fb)", () => {
  const migration = (first: string) =>
    `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n${first}` +
    "        migrations.RunPython(fill_uuids, migrations.RunPython.noop),\n" +
    "        migrations.AlterField(model_name='meal', name='uuid', field=models.UUIDField(unique=True)),\n    ]\n";
  const add = "        migrations.AddField(model_name='meal', name='uuid', field=models.UUIDField(null=True)),\n";
  const run = (text: string, facts: ProjectFacts) => {
    const result = runChecks([new SourceFile("nutrition/migrations/0035_uuids.py", text, everyLine(text))], [], {
      facts,
    });
    return [result.findings.map((f) => f.message.slice(0, 40)), result.conditional.map((f) => f.condition)];
  };
  it("has no duplicates from before it: only the lock is left, a table-size question", () => {
    expect(run(migration(add), PG)).toEqual([[], [TABLE_SIZE.hint]]);
    expect(run(migration(add), { ...PG, largeTables: true })[0]).toEqual(["`uuid`, added earlier in this migration,"]);
  });
  it("a column that existed before the migration may hold duplicates: a hint unless the change's model makes it unique", () => {
    // (babybuddy 1a107fc31b, ralph d80d2ecbb8, mathesar e30a69bf11: catch-up migrations restating a column that was
    // unique since its first migration; the checks do not read the migration history)
    expect(run(migration(add.replace("name='uuid'", "name='code'")), PG)).toEqual([[], [UNIQUE_BEFORE.hint]]);
    expect(run(migration(add.replace("model_name='meal'", "model_name='plan'")), PG)).toEqual([
      [],
      [UNIQUE_BEFORE.hint],
    ]);
    const model = (line: string) => `from django.db import models\n\nclass Meal(models.Model):\n${line}\n`;
    const withModel = (line: string, changed: number[]) => {
      const text = migration("");
      const result = runChecks(
        [
          new SourceFile("nutrition/migrations/0035_uuids.py", text, everyLine(text)),
          new SourceFile("nutrition/models.py", model(line), new Set(changed)),
        ],
        [],
        { facts: PG },
      );
      return result.findings.map((f) => f.message.slice(0, 40));
    };
    expect(withModel("    uuid = models.UUIDField(unique=True)", [4])).toEqual([
      "`AlterField` adds a unique constraint: i",
    ]);
    // a multi-line definition whose unique=True line the change writes (the field was there before: its model
    // line says so too)
    expect(withModel("    uuid = models.UUIDField(\n        unique=True,\n    )", [5])).toEqual([
      "`AlterField` adds a unique constraint: i",
      "`uuid` becomes unique: its migration bui",
    ]);
    // the model's definition unchanged, or unique only in a line the change did not write, is no evidence
    expect(withModel("    uuid = models.UUIDField(unique=True)", [])).toEqual([]);
    expect(
      withModel("    uuid = models.UUIDField(unique=True)\n    name = models.CharField(max_length=9)", [5]),
    ).toEqual([]);
  });
});

describe("an integer column widened (DJ306)", () => {
  const alter = (to: string) =>
    `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AlterField(model_name='step', name='delay', field=models.${to}()),\n    ]\n`;
  const run = (to: string, from: string, facts: ProjectFacts) => {
    const text = alter(to);
    const file = new SourceFile("flows/migrations/0021_widen.py", text, everyLine(text), [
      `    delay = models.${from}()`,
    ]);
    const result = runChecks([file], [], { facts });
    return [
      result.findings.map((f) => `${f.rule}: ${f.message.slice(0, 44)}`),
      result.conditional.map((f) => [f.rule, f.condition]),
    ];
  };
  it("keeps running code working: only the rewrite's lock is at stake, a table-size question", () => {
    expect(run("IntegerField", "PositiveSmallIntegerField", PG)).toEqual([[], [["DJ306", TABLE_SIZE.hint]]]);
    expect(run("BigIntegerField", "IntegerField", { ...PG, largeTables: true })).toEqual([
      ["DJ306: `delay` widens from `IntegerField` to `BigIn"],
      [],
    ]);
  });
  it("a narrowing or a change of kind is still posted: values may not fit, running code sends the old type", () => {
    expect(run("SmallIntegerField", "IntegerField", PG)[0]).toEqual([
      "DJ306: `delay` changes from `IntegerField` to `Smal",
    ]);
    expect(run("IntegerField", "CharField", PG)[0]).toEqual(["DJ306: `delay` changes from `CharField` to `Integer"]);
  });
});

describe("|safe on a value named for a number (DJ403)", () => {
  const raised = (tag: string) => {
    const text = `<div class="progress-bar" style="width: ${tag}%">x</div>\n`;
    return runChecks([new SourceFile("dash/templates/cards/feeding.html", text, new Set([1]))], [], {
      facts: PG,
    }).findings.map((f) => f.rule);
  };
  it("only keeps the number from being localised: no text gets through", () => {
    expect(raised("{{ info.left_pct|safe }}")).toEqual([]);
    expect(raised("{{ stats.count|safe }}")).toEqual([]);
  });
  it("is still raised for text, or a number a filter turns into text first", () => {
    expect(raised("{{ info.left_label|safe }}")).toEqual(["DJ403"]);
    expect(raised("{{ info.left_pct|default:info.note|safe }}")).toEqual(["DJ403"]);
    expect(raised("{{ info.pct_label|safe }}")).toEqual(["DJ403"]);
  });
});

describe("a template loop over rows built in the view (DJ107)", () => {
  const models =
    "from django.db import models\n\nclass Line(models.Model):\n    product = models.ForeignKey('Product', on_delete=models.CASCADE)\n";
  const raised = (loop: string) => {
    const text = `${loop}\n  {{ row.product.title }}\n{% endfor %}\n`;
    return runChecks(
      [new SourceFile("shop/templates/shop/rows.html", text, everyLine(text))],
      [new SourceFile("shop/models.py", models, new Set())],
      { facts: PG },
    ).findings.map((f) => f.rule);
  };
  it("needs evidence the rows are model instances, not just a relation's name", () => {
    // `display_rows` is a list of dicts made in the view: `row.product` is the product itself
    expect(raised("{% for row in display_rows %}")).toEqual([]);
  });
  it("finds it over a queryset the view hands over, or a loop variable named after the model", () => {
    expect(raised("{% for row in object_list %}")).toEqual(["DJ107"]);
    expect(raised("{% for row in order.line_set.all %}")).toEqual(["DJ107"]);
    expect(raised("{% for line in lines %}").length).toBe(0); // `row.` is not the loop variable here
    const named = "{% for line in lines %}\n  {{ line.product.title }}\n{% endfor %}\n";
    expect(
      runChecks(
        [new SourceFile("shop/templates/shop/l.html", named, everyLine(named))],
        [new SourceFile("shop/models.py", models, new Set())],
        { facts: PG },
      ).findings.map((f) => f.rule),
    ).toEqual(["DJ107"]);
  });
});

describe("obj.fk.id where the function reads the related row anyway (DJ112)", () => {
  const models =
    "from django.db import models\n\nclass Flip(models.Model):\n    owner = models.ForeignKey('Check', on_delete=models.CASCADE)\n\n" +
    "    def duration(self):\n        if not self.owner.id:\n            return None\n        return BODY\n";
  const raised = (body: string) => {
    const text = models.replace("BODY", body);
    return runChecks([new SourceFile("hc/api/models.py", text, new Set([7]))], [], { facts: PG }).findings.map(
      (f) => f.rule,
    );
  };
  it("saves no query: the row is loaded and cached two lines later", () => {
    expect(raised("self.owner.flip_set.first()")).toEqual([]);
  });
  it("is raised where only the id is read", () => {
    expect(raised("self.owner_id")).toEqual(["DJ112"]);
    expect(raised("self.owner.pk")).toEqual(["DJ112"]);
  });
});

describe("what is a Django model class and a Django field (model-classes)", () => {
  it("takes Django's model bases, a project's own abstract base and the auth bases", () => {
    for (const base of ["models.Model", "Model", "TimeStampedModel", "core.models.BaseModel", "AbstractUser"])
      expect([base, isModelBase(base, "from django.db import models\n")]).toEqual([base, true]);
    expect(isModelBase("AbstractBaseUser", "")).toBe(true);
    expect(isModelBase("BaseModel", "from core.models import BaseModel\n")).toBe(true);
  });
  it("not a form, a serializer, or pydantic's BaseModel", () => {
    for (const base of ["forms.Form", "ModelSerializer", "ModelForm", "pydantic.BaseModel", "object"])
      expect([base, isModelBase(base, "")]).toEqual([base, false]);
    expect(isModelBase("BaseModel", "import os\nfrom pydantic import Field, BaseModel\n")).toBe(false);
  });
  it("calls a field class by its Django ending, never the bare Field", () => {
    expect(["CharField", "ForeignKey", "ParentalKey", "ManyToManyField", "NullCharField"].map(isFieldClass)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["Field", "Serializer", "Prefetch", "FieldFile"].map(isFieldClass)).toEqual([false, false, false, false]);
  });
});

describe("background code beyond task decorators (DJ102)", () => {
  const loop = (indent: string) =>
    `${indent}for ref in Story.objects.filter(ref__in=refs).values_list('ref', flat=True):\n${indent}    print(Story.objects.filter(ref=ref).count())\n`;
  const held = (path: string, text: string) => review(path, `from shop.models import Story\n\n${text}`);
  it("a command class anywhere, a celery.Task subclass", () => {
    for (const [path, def] of [
      ["shop/jobs.py", "class Renumber(BaseCommand):\n    def handle(self, *refs, **options):\n"],
      ["shop/jobs.py", "class Run(celery.Task):\n    def run(self, refs):\n"],
    ] as const) {
      const result = held(path, `${def}${loop("        ")}`);
      expect([path, result.posted, result.held.length]).toEqual([path, [], 1]);
    }
  });
  it("not a plain class or an unmarked function", () => {
    expect(held("shop/jobs.py", `class Run(Base):\n    def run(self, refs):\n${loop("        ")}`).posted).toEqual([
      "DJ102@6",
    ]);
  });
  it("a module-level helper of a management command module", () => {
    const helper = `def renumber(refs):\n${loop("    ")}`;
    expect(held("shop/management/commands/renumber.py", helper)).toEqual({ posted: [], held: ["DJ102@5:bg"] });
    expect(held("shop/management/renumber.py", helper).posted).toEqual(["DJ102@5"]);
  });
});

describe("what a task or a command hands its work to (DJ102)", () => {
  const loop =
    "    for ref in Story.objects.filter(ref__in=refs).values_list('ref', flat=True):\n        print(Story.objects.filter(ref=ref).count())\n";
  const service = `from shop.models import Story\n\nclass Importer:\n    def run(self, refs):\n    ${loop.replace(/\n {4}/g, "\n        ")}\ndef renumber(refs):\n${loop}\ndef report(refs):\n${loop}`;
  const at = (jobs: Record<string, string>) => review("src/shop/services.py", service, jobs);
  const task = (body: string, head = "from shop.services import Importer, renumber\n") =>
    `${head}from celery import shared_task\n\n@shared_task\ndef nightly(refs):\n    ${body}\n`;

  it("is background work: a class or a function a task calls, imported by name or through its module", () => {
    const result = at({ "shop/tasks.py": task("Importer().run(refs)\n    renumber(refs)") });
    // run (query at line 6) and renumber (line 10) are the task's work; report (line 14) is called by nothing known
    expect(result).toEqual({ posted: ["DJ102@14"], held: ["DJ102@6:bg", "DJ102@10:bg"] });
    const viaModule = at({ "src/shop/tasks.py": task("services.report(refs)", "from . import services\n") });
    expect(viaModule).toEqual({ posted: ["DJ102@6", "DJ102@10"], held: ["DJ102@14:bg"] });
    const command = {
      "shop/management/commands/renumber.py": "from shop.services import renumber as go\n\ngo([])\n",
    };
    expect(at(command).held).toEqual(["DJ102@10:bg"]);
  });

  it("not a name the tasks module imports but calls outside a task, nor one of another module", () => {
    const helperOnly = "from shop.services import renumber\n\ndef helper(refs):\n    renumber(refs)\n";
    expect(at({ "shop/tasks.py": helperOnly }).held).toEqual([]);
    const elsewhere = task("renumber(refs)", "from billing.services import renumber\n");
    expect(at({ "shop/tasks.py": elsewhere }).held).toEqual([]);
    // a tasks module is where jobs live: the same call in a view's module says nothing
    expect(at({ "shop/views.py": task("renumber(refs)") }).held).toEqual([]);
  });
});

describe("set 4 shapes: quantities, test utilities, a model's own table name", () => {
  const rules = (path: string, text: string) =>
    runChecks([new SourceFile(path, text, everyLine(text))], [], { facts: PG }).findings.map((f) => f.rule);
  const model = (extra: string, field: string) =>
    `from django.db import models\n${extra}\nclass Pumping(models.Model):\n    ${field} = models.FloatField()\n`;
  it("DJ507: an amount is money in a module that deals in money, a quantity elsewhere", () => {
    expect(rules("core/models.py", model("", "amount"))).not.toContain("DJ507");
    expect(rules("shop/models.py", model("CURRENCY = 'EUR'", "amount"))).toContain("DJ507");
    expect(rules("core/models.py", model("", "price"))).toContain("DJ507");
  });
  it("a test_utils project is test code", () => {
    const text =
      "from django.db import models\n\nclass Example(models.Model):\n    name = models.CharField(max_length=9)\n";
    expect(rules("cms/test_utils/project/sampleapp/models.py", text)).toEqual([]);
    expect(rules("cms/sampleapp/models.py", text)).toEqual(["DJ508"]);
  });
  it("DJ401: a model's own _meta.db_table formatted into SQL is code, not data", () => {
    const sql = (value: string) =>
      `def attach(queryset, model):\n    sql = "SELECT 1 FROM t WHERE t.id = {tbl}.id".format(tbl=${value})\n    return queryset.extra(select={"x": sql})\n`;
    expect(rules("shop/utils.py", sql("model._meta.db_table"))).toEqual([]);
    expect(rules("shop/utils.py", sql("model.name"))).toEqual(["DJ401"]);
    // the same built in two steps: the name holds, at its use, what was assigned before it
    const twoSteps = (value: string) =>
      `def attach(queryset, model):\n    sql = "SELECT 1 FROM t WHERE t.id = {tbl}.id"\n    sql = sql.format(tbl=${value})\n    return queryset.extra(select={"x": sql})\n`;
    expect(rules("shop/utils.py", twoSteps("model._meta.db_table"))).toEqual([]);
    expect(rules("shop/utils.py", twoSteps("model.name"))).toEqual(["DJ401"]);
  });
});

describe("an AlterField that keeps an existing unique constraint (DJ306)", () => {
  const migration =
    "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n" +
    "        migrations.AlterField(model_name='user', name='email', field=models.EmailField(max_length=255, unique=True)),\n    ]\n";
  const models =
    "from django.db import models\n\nclass User(models.Model):\n    email = models.EmailField(max_length=255, unique=True)\n";
  const raised = (oldDefinition: string[]) =>
    runChecks(
      [
        new SourceFile("users/migrations/0030_auto.py", migration, everyLine(migration)),
        changedSourceFile("users/models.py", models.replace(/ {4}email.*\n/, `${oldDefinition.join("\n")}\n`), models),
      ],
      [],
      { facts: PG },
    ).findings.map((f) => f.rule);
  it("builds nothing new where the deleted definition was unique already (only blank=True went)", () => {
    expect(raised(["    email = models.EmailField(max_length=255,", "        blank=True, unique=True)"])).toEqual([]);
  });
  it("is raised where the field becomes unique", () => {
    expect(raised(["    email = models.EmailField(max_length=255, blank=True)"])).toEqual(["DJ306", "DJ509"]);
    // a deleted neighbour's unique=True is not this one's
    expect(
      raised(["    code = models.SlugField(unique=True)", "    email = models.EmailField(max_length=255, blank=True)"]),
    ).toEqual(["DJ306", "DJ509"]);
  });
});

describe("a nested path kept through a Prefetch with its own queryset (DJ114)", () => {
  const view = (loading: string) =>
    "from shop.models import Unit, Line\n\ndef lines(request):\n" +
    `    conversions = Unit.objects.select_related('base_unit')\n    return Line.objects.prefetch_related(${loading})\n`;
  const deleted = "    return Line.objects.prefetch_related('unit__conversions', 'unit__conversions__base_unit')";
  const raised = (loading: string) =>
    runChecks(
      [
        new SourceFile("shop/views.py", view(loading), new Set([5]), [deleted], new Set([5]), [
          { text: deleted, line: 5 },
        ]),
      ],
      [],
      { facts: PG },
    ).findings.map((f) => f.rule);
  it("still loads a__b__c as Prefetch('a__b', queryset=...select_related('c'))", () => {
    expect(raised("Prefetch('unit__conversions', queryset=conversions)")).toEqual([]);
  });
  it("not when the Prefetch's prefix or the rest is missing", () => {
    expect(raised("Prefetch('unit', queryset=conversions)")).toEqual(["DJ114"]);
  });
});

describe("a column dropped or renamed (DJ304, DJ305) where old code may not be serving", () => {
  const migration = (ops: string, head = "") =>
    `${head}from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [\n${ops}\n    ]\n`;
  const ops =
    "        migrations.RemoveField(model_name='story', name='old'),\n" +
    "        migrations.RenameField(model_name='story', old_name='ref', new_name='number'),";
  const run = (text: string, facts: ProjectFacts) =>
    runChecks([new SourceFile("shop/migrations/0009_tidy.py", text, everyLine(text))], [], { facts });

  it("is a hint for the model where nothing says deploys overlap (a self-hosted app stops to upgrade)", () => {
    const result = run(migration(ops), PG);
    expect(result.findings).toEqual([]);
    expect(result.conditional.map((f) => [f.rule, f.line, f.condition])).toEqual([
      ["DJ304", 5, DEPLOY_OVERLAP.hint],
      ["DJ305", 6, DEPLOY_OVERLAP.hint],
    ]);
    expect(heldBackNotes(result.conditional.map((f) => f.condition ?? ""))).toEqual([
      "2 column or table drop or rename notes not posted: they break only code still serving during the migration " +
        "(`project.rolling_deploys: true` in the config posts them).",
    ]);
  });

  it("is posted where deploys overlap, or where the migration itself is ordered around deploys (django-safemigrate)", () => {
    const rolling = run(migration(ops), { ...PG, rollingDeploys: { source: "Procfile" } });
    expect([rolling.findings.map((f) => `${f.rule}@${f.line}`), rolling.conditional]).toEqual([
      ["DJ304@5", "DJ305@6"],
      [],
    ]);
    const marked = run(
      migration(ops, "from django_safemigrate import Safe\n").replace(
        "    operations",
        "    safe = Safe.before_deploy()\n    operations",
      ),
      PG,
    );
    expect([marked.findings.map((f) => f.rule), marked.conditional]).toEqual([["DJ304", "DJ305"], []]);
    // Named in a comment only: not a safemigrate migration.
    const mentioned = run(migration(ops, "# see django_safemigrate docs\n"), PG);
    expect(mentioned.findings).toEqual([]);
  });
});

describe("a query or a create per supplied value, not per row (DJ102, DJ110): a hint for the model", () => {
  // Shapes from real commits: typed tag names (linkding 82e5b7d9d5), language codes of a query parameter (wger
  // d15a5a646c), records of an uploaded export (Tandoor 0f35a5f570), selected ids of a form (opencve e88ed3a2fe).
  const models = `${MODELS}\nclass Tag(models.Model):\n    story = models.ForeignKey(Story, on_delete=models.CASCADE)\n    name = models.CharField(max_length=40)\n`;
  const view = (setup: string, iterable: string, body: string) =>
    `from shop.models import Story, Tag\n\ndef view(request, export, stories_qs):\n${setup}    for item in ${iterable}:\n        ${body}\n`;
  const at = (setup: string, iterable: string, body = "print(Tag.objects.filter(name=item).first())") =>
    review("shop/views.py", view(setup, iterable, body), { "shop/models.py": models });

  it("holds back a loop over values the request, a form, a file or a split string supplies", () => {
    for (const iterable of [
      "request.GET.get('codes', '').split(',')",
      "request.POST.getlist('ids')",
      "export['recipes']",
      "set(request.GET['names'].split())",
      "range(int(request.GET['n']))",
    ])
      expect([iterable, at("", iterable)]).toEqual([iterable, { posted: [], held: ["DJ102@5:in"] }]);
    // a name filled in the function from the request is as long as the request
    expect(at("    names = []\n    names.extend(request.GET.getlist('n'))\n", "names")).toEqual({
      posted: [],
      held: ["DJ102@7:in"],
    });
    // the value used as a column's value, an unknown attribute read: still not a row
    expect(at("", "export['tags']", "print(Tag.objects.filter(name=item.name).count())").held).toEqual(["DJ102@5:in"]);
    const creates = at("", "request.POST.getlist('names')", "Tag.objects.create(name=item)");
    expect(creates).toEqual({ posted: [], held: ["DJ110@5:in"] });
  });

  it("posts a loop over rows: a queryset however it is held, a related manager, a table's values", () => {
    for (const [setup, iterable] of [
      ["", "Story.objects.filter(ref__gt=0)"],
      ["    rows = Story.objects.all()\n", "rows"],
      ["    rows = list(Story.objects.all())\n", "rows"],
      ["", "sorted(stories_qs, key=len)"],
      ["", "Story.objects.all() if request.user.is_staff else Story.objects.none()"],
      ["", "request.user.stories.all()"],
      ["", "Story.objects.values_list('ref', flat=True)"],
    ] as const) {
      const lines = setup ? 6 : 5;
      expect([iterable, at(setup, iterable)]).toEqual([iterable, { posted: [`DJ102@${lines}`], held: [] }]);
    }
    // `.all()` with arguments, or on a bare name, is no related manager; `.values()` of a dict is no table's
    expect(at("", "export.stories.all(1)").held).toEqual(["DJ102@5:in"]);
    expect(at("", "export.all()").held).toEqual(["DJ102@5:in"]);
    expect(at("", "export.values()").held).toEqual(["DJ102@5:in"]);
  });

  it("posts a loop whose body treats its items as rows: reads pk, saves them, passes them as a relation", () => {
    const rows = (body: string) => at("", "export['items']", body);
    expect(rows("print(Tag.objects.filter(name='a').count(), item.pk)").posted).toEqual(["DJ102@5"]);
    expect(rows("Tag.objects.filter(name='a').first(); item.save()").posted).toEqual(["DJ102@5"]);
    expect(rows("print(Tag.objects.filter(story=item).count())").posted).toEqual(["DJ102@5"]);
    // a column that is no relation, a model the project does not define, another name's pk: not evidence
    expect(rows("print(Tag.objects.filter(name=item).count())").held).toEqual(["DJ102@5:in"]);
    expect(rows("print(Badge.objects.filter(story=item).count())").held).toEqual(["DJ102@5:in"]);
    expect(rows("print(Tag.objects.filter(name='a').count(), other.pk)").held).toEqual(["DJ102@5:in"]);
    expect(rows("print(Tag.objects.filter(name='a').count(), item.pkg)").held).toEqual(["DJ102@5:in"]);
  });

  it("reads wrappers, conditionals and names as written, not loosely", () => {
    const posted = (setup: string, iterable: string) => at(setup, iterable).posted.length > 0;
    // a method named like a builtin is not one; a wrapper given nothing wraps nothing
    expect(posted("", "export.sorted(Story.objects.all())")).toBe(false);
    expect(posted("", "sorted(export['ids'])")).toBe(false);
    // either branch of a conditional may be the rows
    expect(posted("", "export['ids'] if request.GET else Story.objects.all()")).toBe(true);
    expect(posted("", "export['ids'] if request.GET else export['more']")).toBe(false);
    // the value a name holds where the loop reads it, not one assigned after
    expect(posted("    rows = export['ids']\n", "rows")).toBe(false);
    const later = view("    rows = export['ids']\n", "rows", "print(Tag.objects.filter(name=item).first())");
    const reassigned = `${later}    rows = list(Story.objects.all())\n`;
    expect(review("shop/views.py", reassigned, { "shop/models.py": models }).posted).toEqual([]);
    // nested wrappers and names, three deep
    expect(posted("    a = Story.objects.all()\n    b = list(a)\n", "sorted(b)")).toBe(true);
    // a related manager's all() takes no argument and follows an attribute, not a call
    expect(posted("", "export.stories().all()")).toBe(false);
    expect(posted("", "export.stories.first()")).toBe(false);
    // values of a table, not of a dict
    expect(posted("", "Story.objects.filter(ref=1).values('ref')")).toBe(true);
    expect(posted("", "Story.objects.filter(ref=1).values_list('ref').first()")).toBe(false);
  });

  it("says in the summary how many were held back and why", () => {
    expect(heldBackNotes([SUPPLIED_VALUES.hint, SUPPLIED_VALUES.hint, IN_BACKGROUND.hint])).toEqual([
      "1 query-per-row note on background code (tasks, commands) not posted: handed to the model to weigh.",
      "2 query-per-item notes on loops over supplied values (not table rows) not posted: handed to the model to weigh.",
    ]);
  });
});
