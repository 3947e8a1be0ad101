"""Every list costs the same number of queries for 1 row and for 50."""

import datetime

import pytest

from feedback.models import Campaign
from programs.models import ActivityKind, SkilfulMobilisationModel
from tests.factories import ResidentialAreaFactory
from tests.programs.conftest import make_activity

pytestmark = pytest.mark.django_db


def _fill(n, programmes, province_officer, front_a):
    area = ResidentialAreaFactory(commune=front_a.unit)
    for i in range(n):
        activity = make_activity(
            programme=programmes[10], organization=front_a, user=province_officer,
            kind=ActivityKind.GREAT_UNITY_FESTIVAL, held_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
        )  # fmt: skip
        activity.residential_areas.add(area)
        SkilfulMobilisationModel.objects.create(
            name=f"Mô hình {i}", organization=front_a, commune=front_a.unit, year=2026, field="economy",
            description="x", created_by=province_officer,
        )  # fmt: skip
        Campaign.objects.create(
            name=f"Đợt {i}", organization=front_a, unit=front_a.unit,
            starts_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            ends_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=i),
        )  # fmt: skip


URLS = [
    ("/chuong-trinh/?nam=2026", 16),  # one aggregate per quantity: row 9's area registration added one
    ("/chuong-trinh/10/?nam=2026", 14),
    ("/dan-van-kheo/", 5),
    ("/chuong-trinh/thang-nghe-dan-noi/?nam=2026", 5),
    ("/api/v1/programmes/", 6),
    ("/api/v1/milestones/?page_size=50", 4),
    ("/api/v1/activities/?page_size=50", 5),
    ("/api/v1/programme-campaigns/?page_size=50", 4),
]


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(("url", "limit"), URLS)
def test_list_query_count_does_not_grow_with_rows(
    client, programmes, province_officer, front_a, django_assert_max_num_queries, rows, url, limit
):
    _fill(rows, programmes, province_officer, front_a)
    client.force_login(province_officer)

    with django_assert_max_num_queries(limit):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_commune_officer_activity_list_query_count(
    client, programmes, province_officer, officer_a, front_a, django_assert_max_num_queries, rows
):
    _fill(rows, programmes, province_officer, front_a)
    client.force_login(officer_a)

    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/activities/?page_size=50").json()

    assert len(body["results"]) == rows
