"""Target A1 computed from feedback items, against figures counted by hand."""

from datetime import date
from decimal import Decimal

import pytest

from feedback.models import ItemType
from targets.models import Dimension, IndicatorValue, ValueStatus
from targets.services.rollup import rollup_compliance

from .conftest import Story

AS_OF = date(2026, 6, 15)  # Q2 still running; Q1 closed.


def _value(code, period, dimension=Dimension.PROVINCE, key=0):
    return IndicatorValue.objects.get(indicator__code=code, period__code=period, dimension=dimension, key=key)


@pytest.fixture
def a1_items(targets_seeded, province, commune_a, commune_b, agency_a, agency_b, category):
    a = {"commune": commune_a, "category": category, "agency": agency_a}
    b = {"commune": commune_b, "category": category, "agency": agency_b}
    s = {}
    # Q2, commune A
    s["early"] = Story(**a, received=date(2026, 4, 1)).forward(date(2026, 4, 2), due=date(2026, 4, 20))
    s["early"].answer(date(2026, 4, 10)).move(date(2026, 4, 11), "resolve")
    s["late"] = Story(**a, received=date(2026, 4, 10)).forward(date(2026, 4, 12), due=date(2026, 5, 5))
    s["late"].answer(date(2026, 5, 12)).move(date(2026, 5, 13), "roadmap")
    s["unanswered"] = Story(**a, received=date(2026, 5, 1)).forward(date(2026, 5, 2), due=date(2026, 5, 20))
    s["not_yet_due"] = Story(**a, received=date(2026, 6, 1)).forward(date(2026, 6, 2), due=date(2026, 6, 20))
    s["rejected"] = Story(**a, received=date(2026, 4, 1)).forward(date(2026, 4, 2), due=date(2026, 5, 10))
    s["rejected"].move(date(2026, 4, 5), "return", actor="agency").move(date(2026, 4, 6), "reject")
    s["merged"] = Story(**a, received=date(2026, 4, 1)).forward(date(2026, 4, 2), due=date(2026, 5, 10))
    s["merged"].move(date(2026, 4, 5), "return", actor="agency")
    s["merged"].move(date(2026, 4, 6), "merge", merged_into_id=s["early"].item.id)
    s["reopened"] = Story(**a, received=date(2026, 4, 1)).forward(date(2026, 4, 2), due=date(2026, 4, 25))
    s["reopened"].answer(date(2026, 4, 24)).move(date(2026, 4, 26), "resolve")
    s["reopened"].move(date(2026, 5, 1), "reopen", actor="citizen")
    # Q2, commune B: the Front's own recommendation, answered early and resolved.
    s["own"] = Story(**b, received=date(2026, 5, 1), type=ItemType.OVERSIGHT_RECOMMENDATION)
    s["own"].forward(date(2026, 5, 2), due=date(2026, 6, 1)).answer(date(2026, 5, 30)).move(
        date(2026, 5, 31), "resolve"
    )
    # Q1, commune A: answered late, resolved.
    s["q1_late"] = Story(**a, received=date(2026, 2, 20)).forward(date(2026, 2, 21), due=date(2026, 3, 10))
    s["q1_late"].answer(date(2026, 3, 12)).move(date(2026, 3, 13), "resolve")
    return s


@pytest.mark.django_db
def test_a1_rates_match_the_hand_count(a1_items):
    # given the fixture: Q2 items due and past due: early, late, unanswered, reopened (commune A), own (B).
    # not_yet_due (due 20/6 > 15/6), rejected and merged are out of the denominator.
    # when
    rollup_compliance(year=2026, as_of=AS_OF)

    # then Q2: due 5; answered 4 (early, late, reopened, own); on time 3 (early, reopened, own); resolved 2.
    answered, on_time, resolved = (_value(c, "2026-Q2") for c in ("A1.1", "A1.2", "A1.3"))
    assert (answered.numerator, answered.denominator, answered.value) == (4, 5, Decimal("80.00"))
    assert (on_time.numerator, on_time.value) == (3, Decimal("60.00"))
    assert (resolved.numerator, resolved.value) == (2, Decimal("40.00"))
    assert answered.details == {"due": 5, "answered": 4, "on_time": 3, "resolved": 2}
    assert answered.status == ValueStatus.AT_RISK  # Q2 is still running
    # the year adds Q1's late, resolved item: due 6, answered 5, on time 3, resolved 3.
    year = _value("A1.1", "2026")
    assert year.details == {"due": 6, "answered": 5, "on_time": 3, "resolved": 3}
    assert year.value == Decimal("83.33")
    assert _value("A1.1", "2026-H1").details == year.details
    # Q1 is closed: answered 1/1 is met, on time 0/1 is missed.
    assert _value("A1.1", "2026-Q1").status == ValueStatus.MET
    assert _value("A1.2", "2026-Q1").status == ValueStatus.MISSED
    # Q3 has not started: no row.
    assert not IndicatorValue.objects.filter(period__code="2026-Q3").exists()


@pytest.mark.django_db
def test_a1_breaks_down_by_commune_agency_source_and_category(a1_items, commune_a, commune_b, agency_b, category):
    rollup_compliance(year=2026, as_of=AS_OF)

    commune_a_q2 = _value("A1.1", "2026-Q2", Dimension.COMMUNE, commune_a.id)
    assert commune_a_q2.details == {"due": 4, "answered": 3, "on_time": 2, "resolved": 1}
    assert commune_a_q2.unit_id == commune_a.id
    commune_b_q2 = _value("A1.3", "2026-Q2", Dimension.COMMUNE, commune_b.id)
    assert (commune_b_q2.value, commune_b_q2.status) == (Decimal("100.00"), ValueStatus.MET)
    agency_b_q2 = _value("A1.2", "2026-Q2", Dimension.AGENCY, agency_b.id)
    assert (agency_b_q2.numerator, agency_b_q2.denominator, agency_b_q2.organization_id) == (1, 1, agency_b.id)
    by_category = _value("A1.1", "2026", Dimension.CATEGORY, category.id)
    assert by_category.details["due"] == 6


@pytest.mark.django_db
def test_a_later_edit_does_not_change_a_closed_period(a1_items):
    # given Q1 rolled up: one item, answered two days late
    rollup_compliance(year=2026, as_of=AS_OF)
    before = _value("A1.2", "2026-Q1")
    assert (before.numerator, before.denominator) == (0, 1)

    # when its deadline is later corrected to a date after the answer (still in Q1) and the rollup runs again
    from feedback.models import Item

    Item.objects.filter(pk=a1_items["q1_late"].item.pk).update(answer_due_date=date(2026, 3, 20))
    rollup_compliance(year=2026, as_of=date(2026, 8, 1))

    # then on time is the flag frozen when the answer was given: Q1 is unchanged
    after = _value("A1.2", "2026-Q1")
    assert (after.numerator, after.denominator, after.status) == (0, 1, ValueStatus.MISSED)


@pytest.mark.django_db
def test_rollup_twice_gives_the_same_rows(a1_items):
    first = rollup_compliance(year=2026, as_of=AS_OF)
    snapshot = sorted(
        IndicatorValue.objects.values_list(
            "id", "indicator_id", "period_id", "dimension", "key", "numerator", "denominator", "value", "status"
        )
    )

    second = rollup_compliance(year=2026, as_of=AS_OF)

    again = sorted(
        IndicatorValue.objects.values_list(
            "id", "indicator_id", "period_id", "dimension", "key", "numerator", "denominator", "value", "status"
        )
    )
    assert again == snapshot
    assert first.rows == second.rows > 0
    assert second.state == "done"
    assert second.duration_ms is not None


@pytest.mark.django_db
def test_the_number_links_to_exactly_the_items_counted(client, a1_items, commune_a, province_officer):
    import time_machine

    from targets.links import behind_url

    with time_machine.travel(date(2026, 6, 15), tick=False):
        rollup_compliance(year=2026, as_of=AS_OF)
        value = _value("A1.1", "2026-Q2", Dimension.COMMUNE, commune_a.id)
        client.force_login(province_officer)
        html = client.get(behind_url(value)).content.decode()

    shown = {name for name, story in a1_items.items() if story.item.tracking_code in html}
    assert shown == {"early", "late", "unanswered", "reopened"}  # the 4 due in commune A in Q2
