from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_profile_avatar")]

    operations = [
        migrations.RemoveField(model_name="profile", name="legacy_id"),
        migrations.RenameField(model_name="profile", old_name="tel", new_name="phone"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="profile", name="fax"),
            ],
        ),
    ]
