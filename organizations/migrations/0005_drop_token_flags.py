from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_token_flags_to_scopes")]

    operations = [
        migrations.RemoveField(model_name="apitoken", name="can_submit"),
        migrations.RemoveField(model_name="apitoken", name="scope"),
    ]
