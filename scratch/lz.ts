import { parser } from "@lezer/python";
const src = `from django.db import models
async def view(request, pk):
    obj = Item.objects.get(pk=pk)
    for o in Order.objects.filter(x=1):
        print(o.customer.name)
    x = [a.b for a in qs]
    await sync_to_async(f)()
    async for i in qs:
        pass
    with transaction.atomic():
        y = f"{a} b" % 3
    if qs: pass
class M(models.Model):
    class Meta:
        ordering = ["-x"]
    def save(self, *args, **kwargs):
        return super().save(*args, **kwargs)
`;
const tree = parser.parse(src);
const c = tree.cursor();
let depth = 0;
function walk() {
  do {
    const text = src.slice(c.from, c.to).split("\n")[0].slice(0, 40);
    console.log("  ".repeat(depth) + c.name + "  " + JSON.stringify(text));
    if (c.firstChild()) { depth++; walk(); depth--; c.parent(); }
  } while (c.nextSibling());
}
walk();
