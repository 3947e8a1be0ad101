"""Items flagged complex before complexity had three levels are "complex" (one extension for a denunciation)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Item = apps.get_model("feedback", "Item")
    Item.objects.filter(is_complex=True, complexity="normal").update(complexity="complex")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0006_complexity_category_rules_extension_basis")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
