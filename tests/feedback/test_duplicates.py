"""Likely duplicates mean something: same commune, same field, close in time, and either the same words
or pins close together; each suggestion says why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.selectors.queue import distance_metres, duplicate_suggestions
from tests.factories import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields():
    return {
        "transport": CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport"),
        "education": CategoryFactory(code="giao-duc", name_vi="Giáo dục", name_en="Education"),
        "utilities": CategoryFactory(code="dien-nuoc", name_vi="Điện, nước", name_en="Utilities"),
        "social": CategoryFactory(code="chinh-sach", name_vi="Chính sách xã hội", name_en="Social policy"),
        "culture": CategoryFactory(code="van-hoa", name_vi="Văn hóa", name_en="Culture"),
    }


def test_the_pothole_is_not_matched_with_unrelated_matters(officer_a, commune_a, commune_b, fields):
    # given the five unrelated matters the old suggestion offered, and one real duplicate
    noise = [
        ("Mất nước sinh hoạt kéo dài ở bản Phăng", "utilities"),
        ("Đề nghị giảm học phí cho học sinh trường tiểu học", "education"),
        ("Cầu treo bản Co Luống xuống cấp", "transport"),
        ("Chậm hỗ trợ nhà ở cho hộ nghèo", "social"),
        ("Nhà văn hóa bản xuống cấp, dột nát", "culture"),
    ]
    for title, field in noise:
        ItemFactory(commune=commune_a, category=fields[field], title=title, content="Đề nghị xã xem xét giải quyết.")
    same = ItemFactory(
        commune=commune_a,
        category=fields["transport"],
        title="Ổ gà trước cổng trường tiểu học rất nguy hiểm",
        content="Học sinh đi xe đạp bị ngã.",
    )
    ItemFactory(commune=commune_b, category=fields["transport"], title="Ổ gà lớn trước cổng trường tiểu học")
    old = ItemFactory(
        commune=commune_a,
        category=fields["transport"],
        title="Ổ gà lớn trước cổng trường tiểu học",
        received_at=timezone.now() - timedelta(days=400),
    )
    new = ItemFactory(commune=commune_a, category=fields["transport"], title="Ổ gà lớn trước cổng trường tiểu học")

    found = duplicate_suggestions(user=officer_a, item=new)

    assert [d.pk for d in found] == [same.pk]
    assert old.pk not in [d.pk for d in found]
    assert "giống" in found[0].duplicate_reasons[0] or "similar" in found[0].duplicate_reasons[0]


def test_pins_close_together_in_the_same_field_are_suggested_with_the_distance(officer_a, commune_a, fields):
    # 0.001 degree of latitude is about 111 m
    near = ItemFactory(
        commune=commune_a,
        category=fields["transport"],
        title="Đường bị lún sụt",
        latitude="21.386000",
        longitude="103.023000",
    )
    ItemFactory(
        commune=commune_a,
        category=fields["transport"],
        title="Mặt đường hư hỏng",
        latitude="21.396000",  # about 1.1 km away
        longitude="103.023000",
    )
    new = ItemFactory(
        commune=commune_a,
        category=fields["transport"],
        title="Hố sâu giữa lòng đường",
        latitude="21.387000",
        longitude="103.023000",
    )

    found = duplicate_suggestions(user=officer_a, item=new)

    assert [d.pk for d in found] == [near.pk]
    assert round(distance_metres(21.386, 103.023, 21.387, 103.023)) == 111
    assert any("111 m" in reason for reason in found[0].duplicate_reasons)


def test_the_officer_sees_why_each_suggestion_is_made(client, officer_a, commune_a, fields):
    ItemFactory(commune=commune_a, category=fields["transport"], title="Ổ gà trước cổng trường tiểu học")
    new = ItemFactory(commune=commune_a, category=fields["transport"], title="Ổ gà lớn trước cổng trường tiểu học")
    client.force_login(officer_a)

    page = client.get(reverse("workspace-item", args=[new.id])).content.decode()

    assert "Vì sao" in page
    assert "cùng lĩnh vực" in page
