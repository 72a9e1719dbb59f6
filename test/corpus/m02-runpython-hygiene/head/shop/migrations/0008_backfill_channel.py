from django.db import migrations

from shop.models import Order


def backfill(apps, schema_editor):
    for order in Order.objects.filter(channel=""):
        order.channel = "web"
        order.save()


def backfill_notes(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(note=None).update(note="")


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_channel")]

    operations = [
        migrations.RunPython(backfill),
        migrations.RunPython(backfill_notes, migrations.RunPython.noop),
        migrations.RunSQL("UPDATE shop_order SET total = 0 WHERE total IS NULL"),
    ]
