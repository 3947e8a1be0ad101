"""PostgreSQL only: the personal-data access record refuses UPDATE and DELETE, like the security log.

The function ``mttq_refuse_change`` is created by organizations 0003; without the 'purgeable' argument it
allows no DELETE at all.
"""

from django.db import migrations

FORWARD_SQL = [
    "CREATE TRIGGER personaldataaccess_append_only BEFORE UPDATE OR DELETE ON feedback_personaldataaccess "
    "FOR EACH ROW EXECUTE FUNCTION mttq_refuse_change()"
]
REVERSE_SQL = ["DROP TRIGGER IF EXISTS personaldataaccess_append_only ON feedback_personaldataaccess"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0005_acknowledge_items_received_before_the_outbox"),
        ("organizations", "0003_security_event_log"),
    ]

    operations = [migrations.RunPython(_run(FORWARD_SQL), _run(REVERSE_SQL))]
