import os

from corpus_lib import build
R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "corpus")

MODELS = '''from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField()


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=20, unique=True)
'''

build(R, "q10-template-fk-in-loop", [{
  "path": "shop/templates/shop/orders.html", "new": True, "head": '''<table>
{% for order in orders %}
  <tr>
    <td>{{ order.number }}</td>{#!N -- a column of the row itself#}
    <td>{{ order.customer.email }}</td>{#!E:queries -- the customer ForeignKey is followed per row#}
  </tr>
{% endfor %}
</table>
'''}], context={"shop/models.py": MODELS})

build(R, "q11-queryset-parameter", [{
  "path": "shop/exports.py", "new": True, "head": '''import csv


def export_orders(queryset, out):
    writer = csv.writer(out)
    for order in queryset:
        writer.writerow([order.number, order.customer.email])  #!E:queries -- N+1 on customer
    return out


def export_numbers(orders, out):
    writer = csv.writer(out)
    for order in orders:
        writer.writerow([order.number])  #!N -- no relation read
    return out
'''}], context={"shop/models.py": MODELS})

build(R, "s11-sql-through-variable", [{
  "path": "reports/raw.py", "new": True, "head": '''from django.db import connection


def order_by_number(number):
    query = "SELECT id FROM shop_order WHERE number = '%s'"
    with connection.cursor() as cursor:
        cursor.execute(query % number)  #!E:security -- % formatting of a SQL variable
        return cursor.fetchone()


def orders_by_ids(ids):
    placeholders = ", ".join(["%s"] * len(ids))
    query = "SELECT id FROM shop_order WHERE id IN (%s)" % placeholders
    with connection.cursor() as cursor:
        cursor.execute(query, ids)  #!N -- only placeholders are formatted in
        return cursor.fetchall()
'''}])

build(R, "s12-dev-settings", [{
  "path": "config/settings/dev.py", "new": True, "head": '''from .base import *  # noqa

DEBUG = True  #!N -- development settings
ALLOWED_HOSTS = ["*"]  #!N -- development settings
SESSION_COOKIE_SECURE = False  #!N -- development over http
'''}])

build(R, "a05-sync-http-client-in-async", [{
  "path": "integrations/views.py", "new": True, "head": '''import httpx
from django.http import JsonResponse


async def rates(request):
    response = httpx.get("https://api.example.com/rates")  #!E:async -- sync client in async view
    return JsonResponse(response.json())


async def rates_fixed(request):
    async with httpx.AsyncClient() as client:
        response = await client.get("https://api.example.com/rates")  #!N -- async client
    return JsonResponse(response.json())
'''}])

build(R, "m06-alter-field-type-change", [
  {"path": "shop/models.py", "head": '''from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    reference = models.CharField(max_length=32)  #!+
    note = models.CharField(max_length=500, blank=True)  #!+
''', "removed": [(5, "    reference = models.IntegerField()"), (5, "    note = models.CharField(max_length=200, blank=True)")]},
  {"path": "shop/migrations/0012_order_reference.py", "new": True, "head": '''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0011_mixed")]

    operations = [
        migrations.AlterField(  #!E:migrations -- IntegerField to CharField rewrites the table
            model_name="order",
            name="reference",
            field=models.CharField(max_length=32),
        ),
        migrations.AlterField(  #!N -- only max_length grows
            model_name="order",
            name="note",
            field=models.CharField(max_length=500, blank=True),
        ),
    ]
'''}])
