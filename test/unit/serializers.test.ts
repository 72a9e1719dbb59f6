import { describe, expect, it } from "vitest";
import { PythonFile } from "../../src/checks/python.js";
import { readSerializer, serializerReasons } from "../../src/checks/serializers.js";

/** The serializer class `name` of `text`, read. */
function read(text: string, name = "S") {
  const py = new PythonFile(text);
  const cls = py.nodes("ClassDefinition").find((c) => py.src(c.getChild("VariableName") ?? c) === name);
  if (!cls) throw new Error(`no class ${name}`);
  return readSerializer(py, cls, name);
}

const head = "from rest_framework import serializers\n\nclass S(serializers.ModelSerializer):\n";

describe("readSerializer: what a DRF serializer reads of each row", () => {
  it("nested serializers, dotted sources, string and slug related fields, depth: each a reason", () => {
    const info = read(
      `${head}    customer = CustomerSerializer()\n    city = serializers.CharField(source="address.city")\n` +
        `    name = serializers.CharField(source="name")\n    tags = serializers.StringRelatedField(many=True)\n` +
        `    kind = serializers.SlugRelatedField(slug_field="slug", read_only=True)\n    total = 3\n\n` +
        "    class Meta:\n        model = shop.Order\n        depth = 1\n",
    );
    expect(info).toEqual({
      name: "S",
      model: "Order",
      relatedReasons: [
        "nested `customer = CustomerSerializer(...)`",
        '`city` reads `source="address.city"`',
        "`tags` is a StringRelatedField",
        "`kind` is a SlugRelatedField",
        "`depth = 1`",
      ],
      methodFields: [],
    });
    expect(read(`${head}    class Meta:\n        model = Order\n        depth = 0\n`).relatedReasons).toEqual([]);
  });

  it("a write-only field is input, never rendered: it reads no row (IntelOwl 8395e2d69b)", () => {
    const info = read(
      `${head}    data_content = DataSerializer(write_only=True, source="data")\n` +
        `    data = DataSerializer(read_only=True)\n    owner_id = serializers.SlugRelatedField(slug_field="pk", write_only=True)\n`,
    );
    expect(info.relatedReasons).toEqual(["nested `data = DataSerializer(...)`"]);
    expect(read(`${head}    data = DataSerializer(write_only=False)\n`).relatedReasons).toEqual([
      "nested `data = DataSerializer(...)`",
    ]);
  });
  it("a method field records what its method reads through the object, by the default name or method_name", () => {
    const info = read(
      `${head}    a = serializers.SerializerMethodField()\n    b = serializers.SerializerMethodField(method_name="find_b")\n` +
        `    c = serializers.SerializerMethodField("find_c")\n    d = serializers.SerializerMethodField()\n\n` +
        "    def get_a(self, obj):\n        return obj.customer.name + obj.customer.city + obj.sku\n\n" +
        "    @staticmethod\n    def find_b(row):\n        return row.lines_set.count()\n\n" +
        "    def find_c(self, obj):\n        return fmt(obj)\n",
    );
    expect(info.relatedReasons).toEqual([]);
    expect(info.methodFields).toEqual([
      { field: "a", reads: ["customer"], opaque: false },
      { field: "b", reads: ["lines_set"], opaque: false },
      { field: "c", reads: [], opaque: true },
      // get_d is not defined here (a base class has it): what it reads is unknown
      { field: "d", reads: [], opaque: true },
    ]);
  });
});

describe("serializerReasons", () => {
  const info = read(
    `${head}    a = serializers.SerializerMethodField()\n    nested = XSerializer()\n\n` +
      "    def get_a(self, obj):\n        return obj.customer.name\n",
  );
  it("counts a method field when what it reads is a relation, or when it is opaque", () => {
    expect(serializerReasons(info, (name) => name === "customer")).toEqual([
      "nested `nested = XSerializer(...)`",
      "`a` is a SerializerMethodField",
    ]);
    expect(serializerReasons(info, () => false)).toEqual(["nested `nested = XSerializer(...)`"]);
    expect(
      serializerReasons({ ...info, methodFields: [{ field: "z", reads: [], opaque: true }] }, () => false),
    ).toEqual(["nested `nested = XSerializer(...)`", "`z` is a SerializerMethodField"]);
  });
});
