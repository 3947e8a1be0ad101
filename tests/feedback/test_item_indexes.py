"""The feedback tables carry no index that another one already serves (ADR 0177), and the queries that used
the dropped ones are still served by an index.

The oracle is PostgreSQL: its catalog (pg_index) for what exists, its planner (EXPLAIN, sequential scans
switched off so that the few rows of a test do not decide the plan) for what a query can use."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import CategoryRoute, Item
from feedback.services.intake import item_submit

pytestmark = pytest.mark.django_db

# Written down from migration 0018: the five that every submission wrote for nothing, and the route's one.
DROPPED = {
    "feedback_item_commune_id_1afd1b85",
    "feedback_item_current_agency_id_f7053e78",
    "feedback_item_received_at_851cb453",
    "feedback_item_tracking_code_cd9ea010_like",
    "feedback_item_idempotency_key_f816ca9f_like",
    "feedback_categoryroute_category_id_47ce2b88",
}

# A plain b-tree index whose key columns (with their operator classes) are the leading key columns of
# another plain b-tree index of the same table: the other one answers every query it could answer.
REDUNDANT_SQL = """
WITH ix AS (
  SELECT c.relname AS name, i.indrelid::regclass::text AS tbl, i.indisunique AS uniq,
         i.indpred IS NOT NULL AS partial, i.indexprs IS NOT NULL AS expr, am.amname,
         (string_to_array(i.indkey::text, ' ')::int[])[1:i.indnkeyatts] AS keys,
         (string_to_array(i.indclass::text, ' ')::oid[])[1:i.indnkeyatts] AS ops
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
)
SELECT a.name, b.name
FROM ix a JOIN ix b ON a.tbl = b.tbl AND a.name <> b.name
WHERE a.tbl LIKE 'feedback\\_%%' AND a.amname = 'btree' AND b.amname = 'btree'
  AND NOT a.uniq AND NOT (a.partial OR a.expr OR b.partial OR b.expr)
  AND cardinality(a.keys) <= cardinality(b.keys)
  AND b.keys[1:cardinality(a.keys)] = a.keys AND b.ops[1:cardinality(a.keys)] = a.ops
  AND (cardinality(a.keys) < cardinality(b.keys) OR a.name > b.name)
ORDER BY 1
"""


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [table])
        return {row[0] for row in cursor.fetchall()}


def _plan(queryset) -> str:
    with CaptureQueriesContext(connection) as captured:
        list(queryset.all())  # a fresh copy: a queryset already read sends nothing
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + captured.captured_queries[-1]["sql"])
        return json.dumps(cursor.fetchone()[0])


def test_the_dropped_indexes_are_gone_and_no_feedback_table_has_a_redundant_one():
    assert not DROPPED & (_index_names("feedback_item") | _index_names("feedback_categoryroute"))
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT_SQL)
        assert cursor.fetchall() == []


def test_the_queries_of_the_dropped_indexes_are_served_by_the_ones_that_lead_with_their_column(
    submit_kwargs, category, commune
):
    item = item_submit(**submit_kwargs, idempotency_key="k" * 32).item
    since = timezone.now() - timezone.timedelta(days=1)
    expected = {
        "item_commune_work_idx": Item.objects.filter(commune_id=commune.pk).order_by(),
        "item_agency_work_idx": Item.objects.filter(current_agency_id=commune.pk).order_by(),
        "item_received_idx": Item.objects.filter(received_at__gte=since).order_by("received_at")[:20],
        "feedback_item_tracking_code_key": Item.objects.filter(tracking_code=item.tracking_code),
        "feedback_item_idempotency_key_key": Item.objects.filter(idempotency_key="k" * 32),
        "route_one_per_category_commune": CategoryRoute.objects.filter(category_id=category.pk).order_by(),
    }
    for index, queryset in expected.items():
        assert f'"Index Name": "{index}"' in _plan(queryset), index


def test_the_queue_search_finds_words_and_codes_through_indexes(submit_kwargs):
    from feedback.selectors.queue import search

    item = item_submit(**submit_kwargs | {"title": "Sạt lở", "content": "Đường vào bản bị sạt lở."}).item
    other = item_submit(**submit_kwargs | {"title": "Đèn hỏng", "content": "Đèn đường ở tổ 3 hỏng."}).item
    code = item.tracking_code
    # the words without accents, and the code as a citizen reads it out: lower case, spaces for dashes
    for query in ("duong vao ban", code.lower(), code.replace("-", " ")):
        queryset = search(Item.objects.order_by(), query)
        assert list(queryset) == [item], query
        assert other not in queryset
        plan = _plan(queryset)
        assert '"Seq Scan"' not in plan, query
        assert '"Index Name": "item_search_trgm_idx"' in plan, query
        assert '"Index Name": "feedback_item_tracking_code_key"' in plan, query
