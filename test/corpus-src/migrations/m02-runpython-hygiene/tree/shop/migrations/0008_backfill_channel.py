from django.db import migrations

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
