from django.db import migrations, models


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
