from django.contrib.postgres.operations import AddIndexConcurrently
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
