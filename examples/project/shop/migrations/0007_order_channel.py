from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_order_slug")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="channel",
            field=models.CharField(max_length=20),
        ),
        migrations.AddField(
            model_name="order",
            name="note",
            field=models.TextField(null=True, blank=True),
        ),
        migrations.AddField(
            model_name="order",
            name="gift",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="Coupon",
            fields=[("id", models.BigAutoField(primary_key=True)), ("code", models.CharField(max_length=20))],
        ),
        migrations.AddField(
            model_name="coupon",
            name="label",
            field=models.CharField(max_length=40),
        ),
    ]
