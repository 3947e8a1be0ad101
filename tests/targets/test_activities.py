"""Targets A5, A6 and A7 computed from programme activities."""

from datetime import date
from decimal import Decimal

import pytest

from organizations.models import Level, OrganizationKind
from programs.models import Activity, ActivityKind, Programme
from targets.models import Dimension, IndicatorValue, ValueStatus
from targets.services.rollup import rollup_compliance
from tests.factories import OrganizationFactory


def _value(code, dimension=Dimension.PROVINCE, key=0, period="2026"):
    return IndicatorValue.objects.get(indicator__code=code, period__code=period, dimension=dimension, key=key)


@pytest.fixture
def programme(db):
    return Programme.objects.create(number=99, title="Chương trình thử nghiệm")


def activity(programme, org, kind, day, commune=None, user=None):
    return Activity.objects.create(
        programme=programme,
        kind=kind,
        held_on=day,
        organization=org,
        commune=commune,
        description="Hoạt động",
        created_by=user,
    )


@pytest.mark.django_db
def test_dialogues_working_sessions_and_listening_sessions_count_per_commune_level_and_organisation(
    targets_seeded, programme, province, commune_a, commune_b, front_a, front_b, province_front, officer_a
):
    # given: commune A held a dialogue (twice) and a working session; commune B nothing; the province a
    # working session. Front A and the provincial Women's Union held listening sessions; Front B did not.
    womens_union = OrganizationFactory(kind=OrganizationKind.WOMENS_UNION, level=Level.PROVINCE, unit=province)
    activity(programme, front_a, ActivityKind.DIALOGUE, date(2026, 3, 2), commune_a, officer_a)
    activity(programme, front_a, ActivityKind.DIALOGUE, date(2026, 9, 2), commune_a, officer_a)
    activity(programme, front_a, ActivityKind.WORKING_SESSION, date(2026, 4, 2), commune_a, officer_a)
    activity(programme, province_front, ActivityKind.WORKING_SESSION, date(2026, 5, 2), None, officer_a)
    activity(programme, front_a, ActivityKind.LISTENING_SESSION, date(2026, 6, 2), commune_a, officer_a)
    activity(programme, womens_union, ActivityKind.LISTENING_SESSION, date(2026, 6, 3), None, officer_a)
    activity(programme, front_b, ActivityKind.DIALOGUE, date(2025, 12, 30), commune_b, officer_a)  # last year

    # when
    rollup_compliance(year=2026, as_of=date(2026, 12, 31))

    # then A5: 1 of 2 communes held its dialogue
    a5 = _value("A5.1")
    assert (a5.numerator, a5.denominator, a5.value) == (1, 2, Decimal("50.00"))
    assert _value("A5.1", Dimension.COMMUNE, commune_a.id).details == {"activities": 2}
    assert _value("A5.1", Dimension.COMMUNE, commune_a.id).status == ValueStatus.MET
    assert _value("A5.1", Dimension.COMMUNE, commune_b.id).status == ValueStatus.AT_RISK  # 31/12 not over yet
    # A6: the province and commune A of 3 units
    a6 = _value("A6.1")
    assert (a6.numerator, a6.denominator) == (2, 3)
    assert _value("A6.1", Dimension.COMMUNE, province.id).numerator == 1
    # A7: Front A and the Women's Union, of Front A, Front B, the provincial Front and the Women's Union
    a7 = _value("A7.1")
    assert (a7.numerator, a7.denominator) == (2, 4)
    assert _value("A7.1", Dimension.ORGANIZATION, front_b.id).numerator == 0

    # and once the year is over, an unmet commune has missed it
    rollup_compliance(year=2026, as_of=date(2027, 1, 5))
    assert _value("A5.1", Dimension.COMMUNE, commune_b.id).status == ValueStatus.MISSED


@pytest.mark.django_db
def test_t4_counts_front_committees_that_received_triaged_and_closed_items(
    targets_seeded, province, commune_a, commune_b, front_a, front_b, province_front, agency_a, agency_b
):
    from feedback.models import Category

    from .conftest import Story

    category = Category.objects.create(code="moi-truong", name_vi="Môi trường", name_en="Environment")
    # commune A: received, triaged, answered and closed in 2026; commune B: received and triaged only.
    story = Story(commune=commune_a, category=category, agency=agency_a, received=date(2026, 3, 1))
    from feedback.models import EventKind, ItemEvent

    ItemEvent.objects.create(item=story.item, kind=EventKind.SUBMITTED, actor_label="citizen")
    story.forward(date(2026, 3, 2), due=date(2026, 3, 20)).answer(date(2026, 3, 10)).move(date(2026, 3, 11), "resolve")
    other = Story(commune=commune_b, category=category, agency=agency_b, received=date(2026, 3, 1))
    ItemEvent.objects.create(item=other.item, kind=EventKind.SUBMITTED, actor_label="citizen")
    other.forward(date(2026, 3, 2), due=date(2026, 3, 20))

    rollup_compliance(year=2026, as_of=date(2026, 12, 1))

    t4 = _value("T4.1")
    assert (t4.numerator, t4.denominator) == (1, 3)  # front A of A, B and the province
    assert t4.status == ValueStatus.AT_RISK  # a 2030 target: still time
    row_a = _value("T4.1", Dimension.ORGANIZATION, front_a.id)
    assert row_a.numerator == 1
    assert row_a.details["closed"] == 1
    assert _value("T4.1", Dimension.ORGANIZATION, front_b.id).details == {"received": 1, "triaged": 2, "closed": 0}
