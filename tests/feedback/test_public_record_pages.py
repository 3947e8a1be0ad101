"""The public record as a case database: entry pages, only answered entries, keyword search, a period picker
with the period in progress marked, short pages."""

import re

import pytest
from django.utils import timezone

from feedback.services.intake import item_submit

pytestmark = pytest.mark.django_db


def _published(submit_kwargs, make_answered, title):
    result = item_submit(**submit_kwargs | {"title": title}, consent_publish=True, submitter_name="Quàng Thị Mai")
    return make_answered(result.item, close=True)


def test_an_entry_opens_on_its_own_page_with_the_answer(client, submit_kwargs, make_answered):
    item = _published(submit_kwargs, make_answered, "Quàng Thị Mai báo đèn đường hỏng")

    html = client.get("/cong-khai/").content.decode()
    link = re.search(r'href="(/cong-khai/\d+/)"', html)
    page = client.get(link.group(1)).content.decode()

    assert "đèn đường hỏng" in page
    assert "Đã sửa xong đoạn đường." in page
    assert "Quàng Thị Mai" not in page
    assert item.tracking_code not in page


def test_an_answer_not_yet_approved_is_not_an_entry(client, submit_kwargs, make_answered):
    result = item_submit(**submit_kwargs | {"title": "Chờ Mặt trận duyệt"}, consent_publish=True)
    make_answered(result.item, close=False, answer="")  # the agency answered, no public answer yet

    html = client.get("/cong-khai/").content.decode()

    assert "Chờ Mặt trận duyệt" not in html


def test_keyword_search_ignores_accents(client, submit_kwargs, make_answered):
    _published(submit_kwargs, make_answered, "Đèn đường hỏng")
    _published(submit_kwargs, make_answered, "Mất nước sinh hoạt")

    html = client.get("/cong-khai/", {"q": "den duong"}).content.decode()

    assert "Đèn đường hỏng" in html
    assert "Mất nước sinh hoạt" not in html


def test_the_period_is_a_picker_and_the_current_one_is_marked_in_progress(client):
    today = timezone.localdate()
    month = f"{today.year}-{today.month:02d}"

    html = client.get("/cong-khai/", {"period": month}).content.decode()

    assert '<select class="form-select" id="f-period" name="period">' in html
    assert f'<option value="{month}" selected>' in html
    assert f'<option value="{today.year - 1}-Q4"' in html
    assert "chưa phải số liệu cuối cùng" in html


def test_ten_entries_a_page(client, submit_kwargs, make_answered):
    for n in range(12):
        _published(submit_kwargs, make_answered, f"Việc số {n}")

    html = client.get("/cong-khai/").content.decode()

    assert html.count('class="card mb-2 public-item"') == 10
    assert "1 / 2" in html
