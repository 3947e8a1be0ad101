"""Drops the five indexes of feedback_item, and one of feedback_categoryroute, that no query needs (ADR 0177).

- ``commune_id``, ``current_agency_id`` and ``received_at`` each had an index of their own beside a composite
  index that leads with the same column (item_commune_work_idx, item_agency_work_idx, item_received_idx):
  PostgreSQL serves an equality, a range or either order from the composite one.
- ``tracking_code`` and ``idempotency_key`` had, beside their unique index, the ``varchar_pattern_ops`` copy
  Django adds for ``LIKE 'prefix%'``; neither column is ever searched that way.

- ``feedback_categoryroute.category_id`` is the first column of the unique (category, commune) index.

Every submission wrote the item's five index entries for nothing. They are dropped CONCURRENTLY (no lock that
stops submissions on a large table) and IF EXISTS (their names are Django's, the same in every database).
"""

import django.db.models.deletion
from django.db import migrations, models

# (name, definition for the way back)
DROPPED = [
    ("feedback_item_commune_id_1afd1b85", "feedback_item (commune_id)"),
    ("feedback_item_current_agency_id_f7053e78", "feedback_item (current_agency_id)"),
    ("feedback_item_received_at_851cb453", "feedback_item (received_at)"),
    ("feedback_item_tracking_code_cd9ea010_like", "feedback_item (tracking_code varchar_pattern_ops)"),
    ("feedback_item_idempotency_key_f816ca9f_like", "feedback_item (idempotency_key varchar_pattern_ops)"),
    ("feedback_categoryroute_category_id_47ce2b88", "feedback_categoryroute (category_id)"),
]


class Migration(migrations.Migration):
    # DROP INDEX CONCURRENTLY runs outside a transaction.
    atomic = False

    dependencies = [
        ("feedback", "0017_item_published_idx"),
        ("organizations", "0007_merge_tokens_security_log_and_bodies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="categoryroute",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="routes",
                        to="feedback.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="commune",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback_items",
                        to="organizations.administrativeunit",
                        verbose_name="commune",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="current_agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_items",
                        to="organizations.organization",
                        verbose_name="responsible agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="received_at",
                    field=models.DateTimeField(verbose_name="received"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                )
                for name, definition in DROPPED
            ],
        ),
    ]
