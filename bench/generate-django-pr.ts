// Generates a synthetic Django pull request: realistic views, models, serializers, migrations and
// templates, every line new. Used by the benchmarks; deterministic for a given size.

export interface GeneratedFile {
  path: string;
  content: string;
}

function view(app: string, i: number): string {
  return `from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from ${app}.models import Order${i}, Customer${i}


def order_list_${i}(request):
    orders = Order${i}.objects.filter(paid=False).order_by("-created")
    rows = []
    for order in orders:
        rows.append({"number": order.number, "customer": order.customer.name})
    if len(orders) > 0:
        rows.sort(key=lambda r: r["number"])
    return render(request, "${app}/orders_${i}.html", {"rows": rows})


async def order_detail_${i}(request, pk):
    order = await Order${i}.objects.select_related("customer").aget(pk=pk)
    return JsonResponse({"number": order.number, "customer": order.customer.name})


def customer_orders_${i}(request, pk):
    customer = get_object_or_404(Customer${i}, pk=pk)
    orders = list(customer.orders.all()[:50])
    total = sum(o.total for o in orders)
    return JsonResponse({"count": len(orders), "total": str(total)})
`.repeat(2);
}

function models(i: number): string {
  return `from django.db import models


class Customer${i}(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)

    def __str__(self):
        return self.name


class Order${i}(models.Model):
    customer = models.ForeignKey(Customer${i}, on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(max_length=20, unique=True)
    paid = models.BooleanField(default=False)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]

    def save(self, *args, **kwargs):
        self.number = self.number.upper()
        super().save(*args, **kwargs)
`;
}

function serializer(app: string, i: number): string {
  return `from rest_framework import serializers, viewsets

from ${app}.models import Order${i}


class OrderSerializer${i}(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")

    class Meta:
        model = Order${i}
        fields = ["id", "number", "customer_name", "total"]


class OrderViewSet${i}(viewsets.ReadOnlyModelViewSet):
    queryset = Order${i}.objects.select_related("customer")
    serializer_class = OrderSerializer${i}
`;
}

function migration(i: number): string {
  return `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "${String(i).padStart(4, "0")}_previous")]

    operations = [
        migrations.AddField(model_name="order${i}", name="note", field=models.TextField(blank=True, default="")),
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
`;
}

function template(i: number): string {
  return `{% extends "base.html" %}
{% block content %}
<table>
  {% for row in rows %}
  <tr><td>{{ row.number }}</td><td>{{ row.customer }}</td>
    <td><button hx-post="{% url 'archive' ${i} %}"
                hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'>Archive</button></td></tr>
  {% endfor %}
</table>
{% endblock %}
`;
}

/** Cuts a file to about `lines` lines, at a blank line so Python stays whole where it can. */
function trimTo(content: string, lines: number): string {
  const all = content.split("\n");
  if (all.length <= lines) return content;
  let cut = lines;
  while (cut > lines / 2 && (all[cut - 1] ?? "").trim() !== "") cut--;
  return `${all.slice(0, cut).join("\n")}\n`;
}

/**
 * `count` files cycling through the five kinds, spread over apps of ten files each; with
 * `linesPerFile`, each is cut to about that length (20 files of 40 lines is an everyday PR).
 */
export function generateDjangoPr(count: number, linesPerFile?: number): GeneratedFile[] {
  const files = generateFiles(count);
  return linesPerFile === undefined ? files : files.map((f) => ({ ...f, content: trimTo(f.content, linesPerFile) }));
}

function generateFiles(count: number): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (let i = 0; i < count; i++) {
    const app = `app${Math.floor(i / 10)}`;
    switch (i % 5) {
      // sizes chosen so that 300 files come to about 20,000 lines, as in a large real PR
      case 0:
        files.push({ path: `${app}/views_${i}.py`, content: view(app, i).repeat(3) });
        break;
      case 1:
        files.push({ path: `${app}/models_${i}.py`, content: models(i).repeat(3) });
        break;
      case 2:
        files.push({ path: `${app}/api_${i}.py`, content: serializer(app, i).repeat(3) });
        break;
      case 3:
        files.push({
          path: `${app}/migrations/${String(i).padStart(4, "0")}_change.py`,
          content: migration(i).repeat(2),
        });
        break;
      default:
        files.push({ path: `${app}/templates/${app}/orders_${i}.html`, content: template(i).repeat(4) });
    }
  }
  return files;
}
