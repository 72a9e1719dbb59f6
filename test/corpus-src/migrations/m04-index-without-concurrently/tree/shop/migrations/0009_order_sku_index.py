from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0008_backfill_channel")]

    operations = [
        migrations.AddIndex(  #!E:migrations -- blocks writes while building
            model_name="order",
            index=models.Index(fields=["sku"], name="order_sku_idx"),
        ),
    ]
