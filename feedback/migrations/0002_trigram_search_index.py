"""PostgreSQL only: trigram index over the folded text, for accent-insensitive search and duplicate hints.

SQLite (the embedded `make run` default) has no pg_trgm; there the search falls back to LIKE.
"""

from django.db import migrations

FORWARD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS item_search_trgm_idx ON feedback_item USING gin (search_text gin_trgm_ops)",
]
REVERSE_SQL = ["DROP INDEX IF EXISTS item_search_trgm_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_items_events_deadlines")]

    operations = [migrations.RunPython(_run(FORWARD_SQL), _run(REVERSE_SQL))]
