"""Trigram index over the folded text, for accent-insensitive search and duplicate hints (PostgreSQL's pg_trgm)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_items_events_deadlines")]

    operations = [
        migrations.RunSQL(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX IF NOT EXISTS item_search_trgm_idx ON feedback_item USING gin (search_text gin_trgm_ops)",
            ],
            ["DROP INDEX IF EXISTS item_search_trgm_idx"],
        )
    ]
