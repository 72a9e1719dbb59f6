import { describe, expect, it } from "vitest";
import {
  alteredRelations,
  attachedAttributes,
  defaultedFields,
  droppedReads,
  eagerLoads,
  prefetchedRelations,
  renamedClasses,
  renamedDefs,
} from "../../src/checks/change-facts.js";
import { PythonFile } from "../../src/checks/python.js";
import { SourceFile } from "../../src/checks/source.js";

describe("renamedDefs: a def renamed in place", () => {
  const head =
    "class Q(QuerySet):\n    def new_name(self):\n        return self\n\n    def other(self):\n        return 1\n";
  const renamed = (removed: string, at: number, changed = [2]) =>
    renamedDefs(
      new SourceFile("q.py", head, new Set(changed), [removed], new Set([at]), [{ text: removed, line: at }]),
    );
  it("pairs a deleted def with the changed def at the same spot and indent, just before or after it", () => {
    expect(renamed("    def old_name(self):", 2)).toEqual([["old_name", "new_name"]]);
    expect(renamed("    def old_name(self):", 3)).toEqual([["old_name", "new_name"]]);
    expect(renamed("    def old_name(self):", 1)).toEqual([["old_name", "new_name"]]);
    expect(renamed("    async def old_name(self):", 2)).toEqual([["old_name", "new_name"]]);
  });
  it("not a def left as it was, one at another indent, the same name, or a def too far away", () => {
    expect(renamed("    def old_name(self):", 2, [])).toEqual([]);
    expect(renamed("def old_name(self):", 2)).toEqual([]);
    expect(renamed("    def new_name(self, x):", 2)).toEqual([]);
    expect(renamed("    def old_name(self):", 5, [2])).toEqual([]);
    expect(renamed("    x = 1", 2)).toEqual([]);
  });
});

describe("renamedClasses: a class renamed in place", () => {
  const head = "class ResponseSerializer(serializers.ModelSerializer):\n    version = 3\n\nclass Plain:\n    pass\n";
  const renamed = (removed: string, changed = [1]) =>
    renamedClasses(
      new SourceFile("s.py", head, new Set(changed), [removed], new Set([1]), [{ text: removed, line: 1 }]),
    );
  it("pairs a deleted class line with the changed class line at the same spot", () => {
    expect(renamed("class DestinationSerializer(serializers.ModelSerializer):")).toEqual([
      ["DestinationSerializer", "ResponseSerializer"],
    ]);
    expect(renamed("class Destination:")).toEqual([["Destination", "ResponseSerializer"]]);
  });
  it("not a class left as it was, a def, or the same name", () => {
    expect(renamed("class DestinationSerializer(serializers.ModelSerializer):", [])).toEqual([]);
    expect(renamed("def DestinationSerializer(x):")).toEqual([]);
    expect(renamed("class ResponseSerializer(Base):")).toEqual([]);
  });
});

describe("eagerLoads: the relations a file's querysets load with each model's rows", () => {
  it("whole chains only, with select_related()/prefetch_related() of any form", () => {
    const py = new PythonFile(
      'a = Report.objects.filter(x=1).select_related("project", "automation__owner").order_by("-id")\n' +
        "b = Automation.objects.select_related()\nc = Cve.objects.filter(x=1)\nd = rows.select_related('x')\n",
    );
    expect(eagerLoads(py)).toEqual([
      ["Report", ["project", "automation"]],
      ["=a", ["project", "automation"]],
      ["Automation", ["*"]],
      ["=b", ["*"]],
    ]);
    // a parenthesised chain assigned to a name; a chain that is not assigned has no name
    expect(
      eagerLoads(
        new PythonFile(
          "rows = (\n    Run.objects.prefetch_related('results')\n)\nshow(Run.objects.select_related('x'))\n",
        ),
      ),
    ).toEqual([
      ["Run", ["results"]],
      ["=rows", ["results"]],
      ["Run", ["x"]],
    ]);
  });
  it("a chain ended by a slice, once (opencve c2d961740e: the last 20 executions with their results)", () => {
    const py = new PythonFile(
      "recent = (\n    Run.objects.filter(a=1)\n    .prefetch_related('results')\n    .order_by('-at')[:20]\n)\n" +
        "first = Run.objects.select_related('x')[0]\nplain = Run.objects.all()[:5]\n",
    );
    expect(eagerLoads(py)).toEqual([
      ["Run", ["results"]],
      ["=recent", ["results"]],
      ["Run", ["x"]],
      ["=first", ["x"]],
    ]);
  });
});

describe("attachedAttributes", () => {
  it("names set on objects, not on self, not compared", () => {
    expect(
      attachedAttributes(
        "for r in rows:\n    r.summary = s(r)\n    r.count  = 1\n    self.cache = {}\n    if r.x == 1:\n        pass\nR.y = 2\n",
      ),
    ).toEqual(["summary", "count"]);
  });
});

describe("droppedReads: what the change stops reading", () => {
  const file = (path: string, text: string, removed: string[]) =>
    new SourceFile(
      path,
      text,
      new Set([1]),
      removed,
      new Set(),
      removed.map((t) => ({ text: t, line: 1 })),
    );
  it("reads and serializer sources in deleted lines, named nowhere in the changed files after the change", () => {
    const model = file("app/models.py", "ids = [r.vuln.name for r in self.refs.all()]\n", [
      "ids = [str(v) for v in self.legacy_set.all()]",
      "    field = Field(source='old_refs')",
      "x.count = 1",
    ]);
    const view = file("app/views.py", "qs = Finding.objects.prefetch_related(refs())\n", ["show(row.kept)"]);
    const template = file("app/templates/a.html", "{{ row.kept }}\n", []);
    expect([...droppedReads([model, view, template])].sort()).toEqual(["legacy_set", "old_refs"]);
  });
});

describe("droppedReads: only production reads keep a relation read (Grand Challenge f9f8d74be7)", () => {
  const signals = (text: string) =>
    new SourceFile("app/signals.py", text, new Set([1]), ["    civ.image.update_permissions()"], new Set([1]), [
      { text: "    civ.image.update_permissions()", line: 1 },
    ]);
  const test = (text: string) => new SourceFile("app/tests/test_signals.py", text, new Set([1]));
  it("a loop variable or a function sharing the relation's name, or a test reading it, reads no relation", () => {
    const moved = signals("for image in images_for(jobs):\n    image.update_permissions()\n");
    expect(droppedReads([moved]).has("image")).toBe(true);
    expect(droppedReads([moved, test("assert 'view' in perms(group, civ.image)\n")]).has("image")).toBe(true);
  });
  it("an attribute read, a string naming it, or a field of that name keeps it", () => {
    for (const text of [
      "for civ in civs:\n    civ.image.update_permissions()\n",
      "qs = Value.objects.values('image__pk')\n",
      'rows = Value.objects.prefetch_related("job__image")\n',
      "class ValueSerializer(Serializer):\n    image = ImageSerializer()\n",
    ])
      expect(droppedReads([signals(text)]).has("image")).toBe(false);
  });
});

describe("prefetchedRelations", () => {
  it("prefetch_related paths and Prefetch objects (an f-string lookup too), with what their rows load", () => {
    const py = new PythonFile(
      "qs.prefetch_related('tags', 'items__product')\n" +
        "p = Prefetch(f'{prefix}refs', queryset=Ref.objects.select_related('vuln'))\n" +
        "q = Prefetch('notes')\nshow(prefetch_related_objects(rows, 'x'))\n" +
        "r = Prefetch(lookup_name)\nqs.prefetch_related('a' + 'b', name)\n",
    );
    expect(prefetchedRelations(py)).toEqual([
      ["tags", []],
      ["items", ["product"]],
      ["product", []],
      ["refs", ["vuln"]],
      ["notes", []],
    ]);
  });
});

describe("defaultedFields", () => {
  it("fields a migration adds or alters with a default or a db_default, by keyword or position", () => {
    const py = new PythonFile(
      "ops = [\n" +
        "    migrations.AddField(model_name='g', name='mechanism', field=models.CharField(default='v1')),\n" +
        "    migrations.AlterField('g', 'kind', models.IntegerField(db_default=1)),\n" +
        "    migrations.AlterField(model_name='g', name='plain', field=models.IntegerField()),\n" +
        "    migrations.RemoveField(model_name='g', name='gone', field=models.IntegerField(default=1)),\n" +
        "    migrations.AddField(model_name='g', name=NAME, field=models.IntegerField(default=1)),\n" +
        "    migrations.AddField(model_name='g', name='shared', field=shared_field),\n]\n",
    );
    expect(defaultedFields(py)).toEqual(["mechanism", "kind"]);
  });
});

describe("alteredRelations", () => {
  it("relations a migration alters, by keyword or position, whatever module the field class comes from", () => {
    const py = new PythonFile(
      "ops = [\n" +
        "    migrations.AlterField(model_name='seriesbook', name='book', field=app.fields.ForeignKey(to='app.work', on_delete=CASCADE)),\n" +
        "    migrations.AlterField('g', 'owner', models.OneToOneField(to='auth.user', on_delete=CASCADE)),\n" +
        "    migrations.AlterField('g', 'tags', models.ManyToManyField(to='app.tag')),\n" +
        "    migrations.AlterField(model_name='g', name='title', field=models.CharField(max_length=9)),\n" +
        "    migrations.AddField(model_name='g', name='added', field=models.ForeignKey(to='app.x', on_delete=CASCADE)),\n]\n",
    );
    expect(alteredRelations(py)).toEqual(["book", "owner", "tags"]);
  });
});
