from django.db import migrations, models


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
