from django.db import migrations


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
