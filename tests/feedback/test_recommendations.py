"""Recording a recommendation of the Front or a member organisation (target A1's subject): who, to whom, when;
it is forwarded with its deadline and counted by A1 as an own recommendation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.models import EventKind, ItemEvent, Status
from feedback.selectors.figures import a1_counts
from organizations.models import Level, OrganizationKind
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def women(province):
    return OrganizationFactory(kind=OrganizationKind.WOMENS_UNION, level=Level.PROVINCE, unit=province)


def _post(client, **data):
    return client.post("/api/v1/recommendations/", data, content_type="application/json")


def test_a_member_organisations_recommendation_is_recorded_and_forwarded(
    client, rules, category, commune_a, agency_a, women, province_officer
):
    client.force_login(province_officer)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=VN), tick=False):
        response = _post(
            client,
            source_organization=women.id,
            addressee=agency_a.id,
            commune=commune_a.id,
            category=category.id,
            type="oversight_recommendation",
            title="Kiến nghị sau giám sát chính sách hỗ trợ phụ nữ",
            content="Đề nghị UBND xã rà soát danh sách hộ được hỗ trợ.",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    # who, to whom, when: the Women's Union, agency A, 2 March 2026; due 2 Mar + 15 = Tuesday 17 March 2026
    assert (body["source_organization_id"], body["current_agency_id"], body["status"]) == (
        women.id,
        agency_a.id,
        Status.FORWARDED,
    )
    assert body["answer_due_date"] == "2026-03-17"
    moves = list(
        ItemEvent.objects.filter(item_id=body["id"], kind=EventKind.TRANSITION).values_list("data__move", flat=True)
    )
    assert moves == ["accept", "forward"]
    # and A1 counts it as an own recommendation, considered (forwarded), not yet answered
    rows = a1_counts(
        received_from=dt.date(2026, 1, 1),
        received_to=dt.date(2026, 3, 31),
        as_of=dt.date(2026, 3, 3),
        dimension="province",
    )
    assert [(r["subject"], r["recommended"], r["considered"], r["answered"]) for r in rows] == [("own", 1, 1, 0)]


def test_only_the_front_and_member_organisations_recommend(
    client, rules, category, commune_a, agency_a, province_officer
):
    client.force_login(province_officer)
    response = _post(
        client,
        source_organization=agency_a.id,
        addressee=agency_a.id,
        commune=commune_a.id,
        category=category.id,
        title="x",
        content="y",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_a_recommending_organization"


def test_an_agency_officer_may_not_record_one(client, rules, category, commune_a, agency_a, women, agency_officer_a):
    client.force_login(agency_officer_a)
    response = _post(
        client, source_organization=women.id, addressee=agency_a.id, commune=commune_a.id, category=category.id,
        title="x", content="y",
    )  # fmt: skip
    assert response.status_code == 403
