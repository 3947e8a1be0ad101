"""Yearly quantities and milestone progress: what the provincial Front sees as late or short."""

import datetime
import itertools

import pytest
from django.utils import timezone

from feedback.models import Campaign, Category, Item
from organizations.models import Level, OrganizationKind, Role
from programs.models import ActivityKind, Milestone
from programs.selectors import programme_progress_list
from tests.factories import MembershipFactory, OrganizationFactory, ResidentialAreaFactory
from tests.programs.conftest import make_activity

pytestmark = pytest.mark.django_db
_codes = itertools.count(1)


def make_item(*, commune, is_complex=False, triage_on_time=None, received=None):
    category, _ = Category.objects.get_or_create(code="khac", defaults={"name_vi": "Khác", "name_en": "Other"})
    n = next(_codes)
    return Item.objects.create(
        tracking_code=f"T-{n:06d}",
        secret_hash="x",
        type="recommendation",
        category=category,
        commune=commune,
        title=f"Kiến nghị {n}",
        content="Nội dung",
        channel="web",
        consent_processing=True,
        privacy_notice_version="1",
        consent_method="online_form",
        received_at=received or datetime.datetime(2026, 2, 1, 9, tzinfo=timezone.get_current_timezone()),
        is_complex=is_complex,
        triage_on_time=triage_on_time,
    )


def _row(rows, number):
    return next(r for r in rows if r.programme.number == number)


def test_listening_months_count_per_front_committee(programmes, province_officer, province_front, front_a, front_b):
    # given the provincial Front and commune A each held two Months in 2026, commune B one
    for org, n in ((province_front, 2), (front_a, 2), (front_b, 1)):
        for i in range(n):
            Campaign.objects.create(
                name=f"Tháng nghe dân nói {i}",
                organization=org,
                unit=org.unit,
                starts_on=datetime.date(2026, 3 + i * 6, 1),
                ends_on=datetime.date(2026, 3 + i * 6, 28),
            )

    # when the provincial Front looks at the list
    quantity = _row(programme_progress_list(user=province_officer, year=2026), 4).quantities[0]

    # then 2 of 3 Front committees reached the target: short
    assert (quantity.value, quantity.organizations_reached, quantity.organizations_total) == (5.0, 2, 3)
    assert quantity.reached is False


def test_commune_officer_sees_their_commune_only(programmes, officer_a, front_a):
    Campaign.objects.create(
        name="T1", organization=front_a, unit=front_a.unit, starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
    )  # fmt: skip
    Campaign.objects.create(
        name="T2", organization=front_a, unit=front_a.unit, starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 9, 30),
    )  # fmt: skip

    quantity = _row(programme_progress_list(user=officer_a, year=2026), 4).quantities[0]

    assert (quantity.organizations_reached, quantity.organizations_total, quantity.reached) == (1, 1, True)


def test_great_unity_festival_covers_residential_areas(programmes, province_officer, front_a):
    areas = [ResidentialAreaFactory(commune=front_a.unit) for _ in range(4)]
    activity = make_activity(
        programme=programmes[10], organization=front_a, user=province_officer, kind=ActivityKind.GREAT_UNITY_FESTIVAL
    )
    activity.residential_areas.set(areas[:3])

    quantity = _row(programme_progress_list(user=province_officer, year=2026), 10).quantities[0]

    # 3 of the 4 residential areas held the festival: 75%, with the denominator shown
    assert (quantity.value, quantity.reached) == (75.0, False)
    assert (quantity.areas_covered, quantity.areas_total) == (3, 4)


def test_complex_cases_handled_on_time(programmes, province_officer, commune_a):
    make_item(commune=commune_a, is_complex=True, triage_on_time=True)
    make_item(commune=commune_a, is_complex=True, triage_on_time=True)
    make_item(commune=commune_a, is_complex=False, triage_on_time=False)

    quantity = next(q for q in _row(programme_progress_list(user=province_officer, year=2026), 9).quantities
                    if q.quantity.code == "p9-complex-cases")  # fmt: skip

    assert (quantity.value, quantity.reached) == (100.0, True)


def test_complex_cases_count_by_the_local_day_of_receipt(programmes, province_officer, commune_a):
    # The year's first and last local minutes are in; a minute before and at the next midnight are out.
    tz = timezone.get_current_timezone()
    for when, on_time in (
        (datetime.datetime(2026, 1, 1, 0, 0, tzinfo=tz), True),
        (datetime.datetime(2026, 12, 31, 23, 59, tzinfo=tz), True),
        (datetime.datetime(2025, 12, 31, 23, 59, tzinfo=tz), False),
        (datetime.datetime(2027, 1, 1, 0, 0, tzinfo=tz), False),
    ):
        make_item(commune=commune_a, is_complex=True, triage_on_time=on_time, received=when)

    quantity = next(q for q in _row(programme_progress_list(user=province_officer, year=2026), 9).quantities
                    if q.quantity.code == "p9-complex-cases")  # fmt: skip

    assert (quantity.value, quantity.reached) == (100.0, True)


def test_propaganda_sessions_reach_45(programmes, province_officer, front_a):
    make_activity(
        programme=programmes[9], organization=front_a, user=province_officer,
        kind=ActivityKind.PROPAGANDA_SESSION, session_count=44,
    )  # fmt: skip
    quantity = next(q for q in _row(programme_progress_list(user=province_officer, year=2026), 9).quantities
                    if q.quantity.code == "p9-propaganda-sessions")  # fmt: skip
    assert (quantity.value, quantity.reached) == (44.0, False)

    make_activity(
        programme=programmes[9], organization=front_a, user=province_officer, kind=ActivityKind.PROPAGANDA_SESSION
    )
    quantity = next(q for q in _row(programme_progress_list(user=province_officer, year=2026), 9).quantities
                    if q.quantity.code == "p9-propaganda-sessions")  # fmt: skip
    assert (quantity.value, quantity.reached) == (45.0, True)


def test_provincial_front_sees_late_milestones_and_short_quantities(client, programmes, province_officer):
    # given the Q1/2026 milestone of programme 12 is past and not done
    client.force_login(province_officer)

    html = client.get("/chuong-trinh/?nam=2026").content.decode()
    detail = client.get("/chuong-trinh/12/?nam=2026").content.decode()

    # then the list says how many are behind and the programme page marks the milestone late
    assert "chương trình có mốc quá hạn hoặc chỉ tiêu chưa đạt" in html
    assert "quá hạn: 1" in html
    assert "Ban hành Quý I/2026" in detail
    assert "Quá hạn" in detail
    late = Milestone.objects.get(programme__number=12, key="issue-2026-03-31")
    api = client.get("/api/v1/milestones/?state=late&programme=12").json()
    assert [m["id"] for m in api["results"]] == [late.id]


def test_board_viewer_sees_progress_but_cannot_record(client, programmes, board_viewer):
    client.force_login(board_viewer)

    assert client.get("/chuong-trinh/").status_code == 200
    assert client.get("/chuong-trinh/9/hoat-dong/moi/").status_code == 403


def test_an_organisation_outside_any_scope_is_not_counted_for_a_commune_officer(programmes, officer_a, commune_b):
    other = OrganizationFactory(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune_b)
    MembershipFactory(organization=other, role=Role.FRONT_OFFICER)
    make_activity(
        programme=programmes[5], organization=other, user=officer_a, kind=ActivityKind.INTER_AGENCY_CONFERENCE
    )

    quantity = _row(programme_progress_list(user=officer_a, year=2026), 5).quantities[0]

    assert quantity.value == 0


def test_row_9_counts_the_ethnic_and_religious_areas_that_registered(programmes, province_officer, front_a):
    # given 4 areas of ethnic or religious regions and 2 others in commune A
    ethnic = [ResidentialAreaFactory(commune=front_a.unit, is_ethnic_or_religious_area=True) for _ in range(4)]
    others = [ResidentialAreaFactory(commune=front_a.unit) for _ in range(2)]
    # when 3 of the 4 (and one other area, which does not count) register for the campaign in 2026
    activity = make_activity(
        programme=programmes[9], organization=front_a, user=province_officer, kind=ActivityKind.CAMPAIGN_REGISTRATION
    )
    activity.residential_areas.set([*ethnic[:3], others[0]])
    quantity = next(
        q
        for q in _row(programme_progress_list(user=province_officer, year=2026), 9).quantities
        if q.quantity.code == "p9-ethnic-religious-areas-registered"
    )
    # then 3 of 4 = 75%: short of 100%
    assert (quantity.value, quantity.reached, quantity.areas_covered, quantity.areas_total) == (75.0, False, 3, 4)


def test_rows_4_and_5_show_how_the_portal_reads_them(client, programmes, province_officer):
    client.force_login(province_officer)
    html = client.get("/chuong-trinh/?nam=2026").content.decode()
    assert "Đọc là 02 lần mỗi năm, cho mỗi Ủy ban MTTQ" in html
    assert "Đọc là 02 hội nghị liên ngành mỗi năm, toàn tỉnh" in html
