import { describe, expect, it } from "vitest";
import { jobCallees } from "../../src/checks/background.js";
import { relativeModulePath } from "../../src/checks/python.js";
import { SourceFile } from "../../src/checks/source.js";

const file = (path: string, text: string) => new SourceFile(path, text, new Set());

describe("jobCallees: what a project's jobs call, resolved through their imports", () => {
  it("reads calls inside tasks only, through every import form, and the module's own helpers", () => {
    const tasks =
      "from celery import shared_task, Task\nfrom shop.services import renumber as go\nfrom . import services\n" +
      "from ..billing import invoices\nfrom shop.reports import (\n    Report,\n    summarise,\n)\n\n" +
      "@shared_task\ndef nightly(refs):\n    go(refs)\n    services.send(refs)\n    invoices.bill()\n" +
      "    Report().run()\n    summarise(refs)\n    _local(refs)\n\n" +
      "def helper(refs):\n    cleanup(refs)\n\nclass Sweep(Task):\n    def run(self):\n        sweep()\n";
    expect(jobCallees(file("src/shop/tasks.py", tasks))).toEqual([
      { module: "shop/services", name: "renumber" },
      { module: "src/shop/services", name: "send" },
      { module: "src/billing/invoices", name: "bill" },
      { module: "shop/reports", name: "Report" },
      { module: "shop/reports", name: "summarise" },
      { module: "src/shop/tasks", name: "_local" },
      { module: "src/shop/tasks", name: "sweep" },
    ]);
  });

  it("a command module's calls all count; a tasks package's own module is its folder", () => {
    expect(
      jobCallees(file("shop/management/commands/renumber.py", "from shop.services import renumber\n\nrenumber([])\n")),
    ).toEqual([{ module: "shop/services", name: "renumber" }]);
    expect(jobCallees(file("shop/tasks/__init__.py", "@shared_task\ndef run():\n    helper()\n"))).toEqual([
      { module: "shop/tasks", name: "helper" },
    ]);
  });

  it("a module where jobs do not live, or a Task that is not Celery's, gives nothing", () => {
    expect(jobCallees(file("shop/views.py", "@shared_task\ndef run():\n    helper()\n"))).toEqual([]);
    const projectTask =
      "from celery import shared_task\nfrom shop.models import Task\n\nclass Sweep(Task):\n    def run(self):\n        sweep()\n";
    expect(jobCallees(file("shop/tasks.py", projectTask))).toEqual([]);
    expect(jobCallees(file("shop/tasks/list.html", "{% for t in tasks %}{{ t }}{% endfor %}\n"))).toEqual([]);
  });
});

describe("relativeModulePath", () => {
  it("resolves a relative import from the file's folder, each further dot one up; an absolute one is not its job", () => {
    expect(relativeModulePath("a/b/c.py", ".x")).toBe("a/b/x");
    expect(relativeModulePath("a/b/c.py", "..x.y")).toBe("a/x/y");
    expect(relativeModulePath("a/b/c.py", ".")).toBe("a/b");
    expect(relativeModulePath("c.py", ".x")).toBe("x");
    expect(relativeModulePath("a/b/c.py", "x.y")).toBeUndefined();
  });
});
