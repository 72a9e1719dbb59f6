import { describe, expect, it } from "vitest";
import {
  classDefinitions,
  DefinitionIndex,
  referencedClassNames,
  relatedDefinitions,
} from "../../src/prompt/related-definitions.js";
import { API_SERIALIZERS_HEAD, API_VIEWS_HEAD, MODELS_HEAD } from "../fixtures/django-pr.js";

const ADMIN = `from django.contrib import admin

from shop.models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer"]
`;

describe("class definitions", () => {
  it("cuts a file into its top-level classes", () => {
    const defs = classDefinitions("shop/models.py", MODELS_HEAD);
    expect(defs.map((d) => d.name)).toEqual(["Customer", "Order"]);
    expect(defs[1]!.source.split("\n")[0]).toBe("class Order(models.Model):");
    expect(defs[1]!.source).toContain("return self.number");
  });

  it("finds the classes a view or serializer uses", () => {
    expect([...referencedClassNames(API_VIEWS_HEAD)].sort()).toEqual(["Order", "OrderSerializer"]);
    expect(referencedClassNames(API_SERIALIZERS_HEAD)).toContain("Order");
  });
});

describe("relatedDefinitions", () => {
  const index = new DefinitionIndex(
    new Map([
      ["shop/api/views.py", API_VIEWS_HEAD],
      ["shop/api/serializers.py", API_SERIALIZERS_HEAD],
      ["shop/models.py", MODELS_HEAD],
      ["shop/admin.py", ADMIN],
    ]),
  );

  it("gives a changed view the models and serializers it queries", () => {
    const defs = relatedDefinitions(["shop/api/views.py"], index, new Set(["shop/api/views.py"]), 5_000);
    // and, one hop further, the Customer the Order's ForeignKey points to
    expect(defs.map((d) => `${d.path}:${d.name}`).sort()).toEqual([
      "shop/api/serializers.py:OrderSerializer",
      "shop/models.py:Customer",
      "shop/models.py:Order",
    ]);
  });

  it("gives a changed model the PR's serializers and admin that use it", () => {
    const pr = new Set(["shop/models.py", "shop/admin.py", "shop/api/serializers.py"]);
    const defs = relatedDefinitions(["shop/models.py"], index, pr, 5_000);
    expect(defs.map((d) => d.name).sort()).toEqual(["OrderAdmin", "OrderSerializer"]);
  });

  it("stays within its token allowance, smallest first", () => {
    const defs = relatedDefinitions(["shop/api/views.py"], index, new Set(["shop/api/views.py"]), 60);
    expect(defs.map((d) => d.name)).toEqual(["Customer"]);
    expect(relatedDefinitions(["shop/api/views.py"], index, new Set(), 5)).toEqual([]);
  });
});
