import os

from corpus_lib import build
R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "corpus")

build(R, "a01-sync-orm-in-async-view", [{
  "path": "catalog/views.py", "new": True, "head": '''from django.http import JsonResponse

from catalog.models import Item


async def item_detail(request, pk):
    item = Item.objects.get(pk=pk)  #!E:async -- sync ORM in async def
    return JsonResponse({"name": item.name})


async def item_detail_fixed(request, pk):
    item = await Item.objects.aget(pk=pk)  #!N -- async ORM
    return JsonResponse({"name": item.name})


async def item_names(request):
    names = []
    for item in Item.objects.filter(active=True):  #!E:async -- sync iteration of a queryset
        names.append(item.name)
    async for item in Item.objects.filter(active=False):  #!N -- async for
        names.append(item.name)
    return JsonResponse({"names": names})


def item_count(request):
    return JsonResponse({"count": Item.objects.count()})  #!N -- a sync view
'''}], context={"catalog/models.py": '''from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
'''})

build(R, "a02-blocking-io-in-async", [{
  "path": "hooks/views.py", "new": True, "head": '''import asyncio
import time

import httpx
import requests
from django.http import JsonResponse


async def forward(request):
    requests.post("https://example.com/hook", json={"ok": True})  #!E:async -- blocks the event loop
    time.sleep(1)  #!E:async -- blocks the event loop
    return JsonResponse({})


async def forward_fixed(request):
    async with httpx.AsyncClient() as client:
        await client.post("https://example.com/hook", json={"ok": True})  #!N -- async client
    await asyncio.sleep(1)  #!N -- async sleep
    return JsonResponse({})


def forward_sync(request):
    requests.post("https://example.com/hook", json={})  #!N -- sync view may block
    return JsonResponse({})
'''}])

build(R, "a03-unawaited-async-orm", [{
  "path": "stats/service.py", "new": True, "head": '''from asgiref.sync import sync_to_async

from stats.models import Event


async def event_count():
    return Event.objects.acount()  #!E:async -- returns a coroutine, never awaited


async def record(kind):
    Event.objects.acreate(kind=kind)  #!E:async -- coroutine dropped
    await Event.objects.acreate(kind="audit")  #!N -- awaited


async def total():
    count = await Event.objects.acount()  #!N -- awaited
    legacy = await sync_to_async(compute_legacy)()  #!N -- awaited
    return count + legacy


def compute_legacy():
    return 0
'''}])

build(R, "a04-async-consumer", [{
  "path": "chat/consumers.py", "new": True, "head": '''import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from chat.models import Message


class ChatConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        data = json.loads(text_data)
        Message.objects.create(room=self.room, body=data["body"])  #!E:async -- sync ORM in a consumer
        await self.send(text_data=json.dumps({"ok": True}))

    async def history(self):
        messages = await database_sync_to_async(self.load_history)()  #!N -- wrapped
        await self.send(text_data=json.dumps(messages))

    def load_history(self):
        return list(Message.objects.filter(room=self.room).values("body")[:50])  #!N -- sync helper run in a thread
'''}])

build(R, "m01-add-not-null-field", [{
  "path": "shop/migrations/0007_order_channel.py", "new": True, "head": '''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_order_slug")]

    operations = [
        migrations.AddField(  #!E:migrations -- NOT NULL, no default, existing table
            model_name="order",
            name="channel",
            field=models.CharField(max_length=20),
        ),
        migrations.AddField(  #!N -- nullable
            model_name="order",
            name="note",
            field=models.TextField(null=True, blank=True),
        ),
        migrations.AddField(  #!N -- has a default
            model_name="order",
            name="gift",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="Coupon",
            fields=[("id", models.BigAutoField(primary_key=True)), ("code", models.CharField(max_length=20))],
        ),
        migrations.AddField(  #!N -- the table is created in this migration
            model_name="coupon",
            name="label",
            field=models.CharField(max_length=40),
        ),
    ]
'''}])

build(R, "m02-runpython-hygiene", [{
  "path": "shop/migrations/0008_backfill_channel.py", "new": True, "head": '''from django.db import migrations

from shop.models import Order  #!E:migrations -- imports the current model class


def backfill(apps, schema_editor):
    for order in Order.objects.filter(channel=""):
        order.channel = "web"
        order.save()


def backfill_notes(apps, schema_editor):
    Order = apps.get_model("shop", "Order")  #!N -- historical model
    Order.objects.filter(note=None).update(note="")


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_channel")]

    operations = [
        migrations.RunPython(backfill),  #!E:migrations -- no reverse_code
        migrations.RunPython(backfill_notes, migrations.RunPython.noop),  #!N -- reversible
        migrations.RunSQL("UPDATE shop_order SET total = 0 WHERE total IS NULL"),  #!E:migrations -- no reverse_sql
    ]
'''}])

build(R, "m03-drop-and-rename", [{
  "path": "accounts/migrations/0012_profile_cleanup.py", "new": True, "head": '''from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_profile_avatar")]

    operations = [
        migrations.RemoveField(model_name="profile", name="legacy_id"),  #!E:migrations -- old code still selects it
        migrations.RenameField(model_name="profile", old_name="tel", new_name="phone"),  #!E:migrations -- old code queries tel
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="profile", name="fax"),  #!N -- state only, column kept
            ],
        ),
    ]
'''}])

build(R, "m04-index-without-concurrently", [
  {"path": "shop/migrations/0009_order_sku_index.py", "new": True, "head": '''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0008_backfill_channel")]

    operations = [
        migrations.AddIndex(  #!E:migrations -- blocks writes while building
            model_name="order",
            index=models.Index(fields=["sku"], name="order_sku_idx"),
        ),
    ]
'''},
  {"path": "shop/migrations/0010_payment_amount_index.py", "new": True, "head": '''from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  #!N -- needed for CONCURRENTLY
    dependencies = [("shop", "0009_order_sku_index")]

    operations = [
        AddIndexConcurrently(  #!N -- concurrent
            model_name="payment",
            index=models.Index(fields=["amount"], name="payment_amount_idx"),
        ),
    ]
'''}], context={"requirements.txt": "Django==5.0.6\npsycopg[binary]==3.1.19\n"})

build(R, "m05-atomic-false-mixed", [{
  "path": "shop/migrations/0011_mixed.py", "new": True, "head": '''from django.db import migrations, models


def fill(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.update(priority=0)


class Migration(migrations.Migration):
    atomic = False  #!E:migrations -- non-atomic migration with schema and data changes
    dependencies = [("shop", "0010_payment_amount_index")]

    operations = [
        migrations.AddField(model_name="order", name="priority", field=models.IntegerField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
'''}])
