"""The public record: only consenting, answered items; no personal data; filters; figures; query counts."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import Item
from feedback.selectors.public import public_record_items
from feedback.services.intake import item_submit

pytestmark = pytest.mark.django_db


def _answered(submit_kwargs, make_answered, *, publish=True, title="Đèn đường hỏng", **extra):
    result = item_submit(
        **submit_kwargs | {"title": title},
        consent_publish=publish,
        submitter_name="Quàng Thị Mai",
        submitter_phone="0987 654 321",
        submitter_email="mai@example.vn",
        **extra,
    )
    return make_answered(result.item, close=True)


def test_only_consenting_answered_items_are_shown_without_personal_data(client, submit_kwargs, make_answered):
    shown = _answered(submit_kwargs, make_answered, title="Quàng Thị Mai báo đèn đường hỏng, gọi 0987 654 321")
    _answered(submit_kwargs, make_answered, publish=False, title="Không công khai")
    item_submit(**submit_kwargs | {"title": "Chưa trả lời"}, consent_publish=True)
    html = client.get("/cong-khai/").content.decode()
    assert "đèn đường hỏng" in html
    assert "Không công khai" not in html
    assert "Chưa trả lời" not in html
    assert "Quàng Thị Mai" not in html
    assert "0987" not in html
    assert "mai@example.vn" not in html
    assert shown.tracking_code not in html
    assert "Đã sửa xong đoạn đường." in html


def test_filters_and_figures(client, submit_kwargs, make_answered, commune):
    _answered(submit_kwargs, make_answered)
    html = client.get(f"/cong-khai/?commune={commune.id}&period=2020").content.decode()
    assert "Không có kết quả công khai nào" in html
    html = client.get(f"/cong-khai/?commune={commune.id}&category={submit_kwargs['category_id']}").content.decode()
    assert "Đèn đường hỏng" in html
    assert make_answered.agency.name in html  # per-agency figures


@pytest.mark.parametrize("raw", ["abc", "2026-13", "2026-Q5", "<script>"])
def test_bad_filters_never_fail(client, raw):
    response = client.get("/cong-khai/", {"period": raw, "commune": raw, "category": raw, "page": raw})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1]


@pytest.mark.parametrize("rows", [1, 50])
def test_public_record_query_count(client, submit_kwargs, make_answered, django_assert_max_num_queries, rows):
    first = _answered(submit_kwargs, make_answered)
    clones = []
    for n in range(rows - 1):
        first.pk = None
        first.tracking_code = f"DB-26-X{n:02d}-000-00{n % 10}"
        first.idempotency_key = None
        clones.append(Item(**{f.attname: getattr(first, f.attname) for f in Item._meta.concrete_fields}))
    Item.objects.bulk_create(clones)
    # session-less page: communes, categories, count, page, two figure queries, nav/scope
    with django_assert_max_num_queries(8):
        response = client.get("/cong-khai/")
    assert response.status_code == 200


def test_the_latest_answers_are_read_from_the_published_records_own_index(submit_kwargs, make_answered):
    # given 60 published answers given 1 to 60 hours ago, and 400 newer items not published (not yet answered)
    now = timezone.now()
    published = [_answered(submit_kwargs, make_answered, title=f"Đã trả lời {n}") for n in range(60)]
    for n, item in enumerate(published):
        Item.objects.filter(pk=item.pk).update(answered_at=now - timedelta(hours=n + 1))
    template = Item.objects.values().get(pk=item_submit(**submit_kwargs | {"title": "Mới nhận"}).item.pk)
    Item.objects.bulk_create(
        Item(**{**template, "id": None, "tracking_code": f"DB-26-NEW-{n:05d}", "idempotency_key": None})
        for n in range(400)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_item")
    # when the public record's first page is read
    with CaptureQueriesContext(connection) as captured:
        page = list(public_record_items()[:20])
    # then it is the 20 latest answers, latest first, read from the index of published items by answer time
    assert [i.pk for i in page] == [i.pk for i in published[:20]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + captured.captured_queries[-1]["sql"])
        plan = json.dumps(cursor.fetchone()[0])
    assert '"Index Name": "item_published_answered_idx"' in plan
