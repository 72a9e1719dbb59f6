import { describe, expect, it } from "vitest";
import {
  helperModulePaths,
  modelModulePaths,
  relatedPaths,
  renderedTemplatePaths,
} from "../../src/decide/related-files.js";

describe("templates the changed views render", () => {
  it("are looked for where Django's app-directories and project loaders would find them", () => {
    const view =
      'def v(request):\n    return render(request, "shop/list.html", {})\n\nclass L(ListView):\n    template_name = "shop/detail.html"\n';
    expect(
      renderedTemplatePaths(new Map([["shop/views.py", view]]), new Set(["shop/templates/shop/detail.html"])),
    ).toEqual(["shop/templates/shop/list.html", "templates/shop/list.html", "templates/shop/detail.html"]);
  });

  it("reads no templates for migrations, other files or dynamic names, and at most six", () => {
    const many = Array.from({ length: 9 }, (_, i) => `render_to_string("t${i}.html", {})`).join("\n");
    const paths = renderedTemplatePaths(
      new Map([
        ["a/views.py", `${many}\nrender(request, name, {})\n`],
        ["a/migrations/0001_x.py", 'render(request, "m.html", {})'],
        ["a/templates/x.html", '{% include "y.html" %}'],
      ]),
      new Set(),
    );
    expect(new Set(paths.map((p) => p.split("/").pop()))).toEqual(
      new Set(["t0.html", "t1.html", "t2.html", "t3.html", "t4.html", "t5.html"]),
    );
  });
});

describe("base templates", () => {
  it("are read for a changed template from its app's templates folder and every folder above it (Hypha 192c9e01fa)", () => {
    expect(relatedPaths(["hypha/apply/projects/templates/application_projects/partials/docs.html"])).toEqual([
      "templates/base.html",
      "hypha/templates/base.html",
      "hypha/apply/templates/base.html",
      "hypha/apply/projects/templates/base.html",
    ]);
    // many changed modules do not crowd the project's base template out of the bound (Hypha's 57-file change)
    const modules = Array.from({ length: 30 }, (_, i) => `hypha/apply/app${i}/views.py`);
    const related = relatedPaths([...modules, "hypha/apply/funds/templates/funds/comments.html"]);
    expect(related).toHaveLength(24);
    expect(related.slice(0, 2)).toEqual(["templates/base.html", "hypha/templates/base.html"]);
    expect(relatedPaths(["templates/shop/list.html", "notes.txt"])).toEqual(["templates/base.html"]);
    // a changed base template is the PR's own, not a related file
    expect(relatedPaths(["shop/templates/shop/list.html", "templates/base.html"])).toEqual([
      "shop/templates/base.html",
    ]);
  });
});

describe("models/ packages", () => {
  it("are read like models.py: the package, then the modules it re-exports or that the change imports", () => {
    expect(relatedPaths(["shop/views.py"])).toEqual([
      "shop/models.py",
      "shop/models/__init__.py",
      "shop/serializers.py",
      "models.py",
      "models/__init__.py",
      "serializers.py",
    ]);
    const texts = new Map([
      ["shop/models/__init__.py", "from .order import Order\nfrom .customer import *  # noqa\n"],
      ["src/shop/views.py", "from shop.models.invoice import Invoice\nfrom django.db.models.functions import Lower\n"],
    ]);
    expect(modelModulePaths(texts, new Set(["shop/models/customer.py"]))).toEqual([
      "shop/models/order.py",
      "src/shop/models/invoice.py",
    ]);
  });
});

describe("modules of the functions a change calls", () => {
  it("are read where the import says, under the package's source root or relative to the file", () => {
    const view = [
      "from documents.permissions import has_perm_for, PermissionSet",
      "from .utils import (",
      "    rows_for as rows,",
      ")",
      "from django.db import models",
      "from rest_framework.response import Response",
      "from json import dumps",
      "from ..shared import CONSTANT",
      "",
      "def v(request):",
      "    for row in rows(request):",
      "        has_perm_for(request.user, row)",
      "    return Response(CONSTANT)",
    ].join("\n");
    expect(helperModulePaths(new Map([["src/documents/views.py", view]]), new Set(["src/documents/utils.py"]))).toEqual(
      ["src/documents/permissions.py", "src/documents/permissions/__init__.py", "src/documents/utils/__init__.py"],
    );
  });
  it("skips migrations, Django's, DRF's and Celery's modules, names never called, and stops at eight modules", () => {
    expect(
      helperModulePaths(new Map([["app/migrations/0002_x.py", "from app.utils import f\nf()\n"]]), new Set()),
    ).toEqual([]);
    expect(
      helperModulePaths(
        new Map([["app/views.py", "from celery import shared_task\nfrom app.utils import f\nshared_task()\n"]]),
        new Set(),
      ),
    ).toEqual([]);
    const many = Array.from({ length: 12 }, (_, i) => `from app.m${i} import f${i}\nf${i}()`).join("\n");
    expect(helperModulePaths(new Map([["app/views.py", many]]), new Set())).toHaveLength(16);
  });
});
