from django.db import migrations, models


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
