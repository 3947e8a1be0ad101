"""Target A1 as written: the recommendations of the Front's Standing Board, the socio-political
organisations and the mass associations to party committees and authorities, "được xem xét, trả lời, giải
quyết" (considered, answered, resolved: three stages, each shown). On time is the portal's own indicator;
citizens' items forwarded by the Front are a labelled breakdown. Every figure is counted by hand below.

The world (received in Q2 2026 unless noted; the count is made on 15 June 2026, Q1 closed, Q2 running):
own recommendations (the target's subject)
  1 women      Women's Union, commune A: forwarded 2/4 due 20/4, answered 10/4 (on time), resolved 11/4
  2 front      Front recommendation, commune A: forwarded 12/4 due 5/5, answered 12/5 (late), on the roadmap
  3 mass       mass association, oversight, commune B: forwarded 2/5 due 20/5, not answered
  4 kept       Front recommendation, commune B: accepted 2/6, never forwarded
  5 returned   social critique, commune A: forwarded 6/4 due 30/4, handed back by the agency 8/4
  6 rejected   Women's Union, commune A: rejected (not legitimate) -> out
  7 q1         Front recommendation, commune A, received 20/2 (Q1): due 10/3, answered 12/3 (late), resolved
citizens' items forwarded by the Front (the breakdown)
  8 citizen    commune A: forwarded 3/4 due 18/4, answered 15/4 (on time), resolved 16/4
  9 waiting    commune B: forwarded 4/5 due 19/5, not answered
 10 unsent     commune A: accepted, never forwarded -> not in the breakdown (nothing forwarded)
"""

from datetime import date
from decimal import Decimal

import pytest

from feedback.models import ItemType
from organizations.models import Level, OrganizationKind
from targets.models import Dimension, Indicator, IndicatorRole, IndicatorValue, ValueStatus
from targets.services.rollup import rollup_compliance
from tests.factories import OrganizationFactory

from .conftest import Story

AS_OF = date(2026, 6, 15)


def _value(code, period, dimension=Dimension.PROVINCE, key=0):
    return IndicatorValue.objects.get(indicator__code=code, period__code=period, dimension=dimension, key=key)


@pytest.fixture
def world(targets_seeded, province, commune_a, commune_b, agency_a, agency_b, category):
    women = OrganizationFactory(kind=OrganizationKind.WOMENS_UNION, level=Level.PROVINCE, unit=province)
    mass = OrganizationFactory(kind=OrganizationKind.MASS_ASSOCIATION, level=Level.PROVINCE, unit=province)
    a = {"commune": commune_a, "category": category, "agency": agency_a}
    b = {"commune": commune_b, "category": category, "agency": agency_b}
    R, FR = ItemType.RECOMMENDATION, ItemType.FRONT_RECOMMENDATION
    s = {}
    s["women"] = Story(**a, received=date(2026, 4, 1), source=women).forward(date(2026, 4, 2), due=date(2026, 4, 20))
    s["women"].answer(date(2026, 4, 10)).move(date(2026, 4, 11), "resolve")
    s["front"] = Story(**a, received=date(2026, 4, 10), type=FR).forward(date(2026, 4, 12), due=date(2026, 5, 5))
    s["front"].answer(date(2026, 5, 12)).move(date(2026, 5, 13), "roadmap")
    s["mass"] = Story(**b, received=date(2026, 5, 1), type=ItemType.OVERSIGHT_RECOMMENDATION, source=mass)
    s["mass"].forward(date(2026, 5, 2), due=date(2026, 5, 20))
    s["kept"] = Story(**b, received=date(2026, 6, 1), type=FR).move(date(2026, 6, 2), "accept")
    s["returned"] = Story(**a, received=date(2026, 4, 5), type=ItemType.CRITIQUE_RECOMMENDATION)
    s["returned"].forward(date(2026, 4, 6), due=date(2026, 4, 30)).move(date(2026, 4, 8), "return", actor="agency")
    s["rejected"] = Story(**a, received=date(2026, 4, 3), type=R, source=women).move(date(2026, 4, 4), "reject")
    s["q1"] = Story(**a, received=date(2026, 2, 20), type=FR).forward(date(2026, 2, 21), due=date(2026, 3, 10))
    s["q1"].answer(date(2026, 3, 12)).move(date(2026, 3, 13), "resolve")
    s["citizen"] = Story(**a, received=date(2026, 4, 2)).forward(date(2026, 4, 3), due=date(2026, 4, 18))
    s["citizen"].answer(date(2026, 4, 15)).move(date(2026, 4, 16), "resolve")
    s["waiting"] = Story(**b, received=date(2026, 5, 3)).forward(date(2026, 5, 4), due=date(2026, 5, 19))
    s["unsent"] = Story(**a, received=date(2026, 5, 5)).move(date(2026, 5, 6), "accept")
    s["orgs"] = {"women": women, "mass": mass}
    return s


@pytest.mark.django_db
def test_a1_counts_the_organisations_recommendations_in_three_stages(world):
    rollup_compliance(year=2026, as_of=AS_OF)
    # Q2 own: recommended 5 (women, front, mass, kept, returned); considered 3 (women, front, mass: forwarded
    # and not handed back); answered 2 (women, front); resolved 1 (women); deadline passed 4 (women 20/4,
    # front 5/5, mass 20/5, returned 30/4; kept has none); on time 1 (women)
    q2 = {"recommended": 5, "considered": 3, "answered": 2, "resolved": 1, "due": 4, "on_time": 1}
    considered, answered, resolved, on_time = (_value(c, "2026-Q2") for c in ("A1.1", "A1.2", "A1.3", "A1.4"))
    assert (considered.numerator, considered.denominator, considered.value) == (3, 5, Decimal("60.00"))
    assert (answered.numerator, answered.denominator, answered.value) == (2, 5, Decimal("40.00"))
    assert (resolved.numerator, resolved.denominator, resolved.value) == (1, 5, Decimal("20.00"))
    assert (on_time.numerator, on_time.denominator, on_time.value) == (1, 4, Decimal("25.00"))
    assert considered.details == q2
    assert resolved.status == ValueStatus.AT_RISK  # Q2 is still running
    # the year adds Q1's recommendation (considered, answered late, resolved, deadline passed)
    assert _value("A1.3", "2026").details == {
        "recommended": 6,
        "considered": 4,
        "answered": 3,
        "resolved": 2,
        "due": 5,
        "on_time": 1,
    }
    assert _value("A1.3", "2026").value == Decimal("33.33")  # 2 / 6
    # Q1 is closed: its one recommendation was resolved -> met, although it was answered late
    assert _value("A1.3", "2026-Q1").status == ValueStatus.MET
    assert _value("A1.4", "2026-Q1").status == ValueStatus.MISSED


@pytest.mark.django_db
def test_citizens_items_are_a_labelled_breakdown(world):
    rollup_compliance(year=2026, as_of=AS_OF)
    # Q2 citizens' items forwarded: citizen and waiting (unsent was never forwarded); resolved 1
    breakdown = _value("A1.5", "2026-Q2")
    assert (breakdown.numerator, breakdown.denominator, breakdown.value) == (1, 2, Decimal("50.00"))
    assert breakdown.details == {
        "recommended": 2,
        "considered": 2,
        "answered": 1,
        "resolved": 1,
        "due": 2,
        "on_time": 1,
    }
    roles = dict(Indicator.objects.filter(target__code="A1").values_list("code", "role"))
    assert roles == {
        "A1.1": IndicatorRole.TARGET,
        "A1.2": IndicatorRole.TARGET,
        "A1.3": IndicatorRole.TARGET,
        "A1.4": IndicatorRole.PORTAL_OWN,
        "A1.5": IndicatorRole.BREAKDOWN,
    }
    # the target's status is the last stage's (resolved implies considered and answered)
    assert Indicator.objects.get(target__code="A1", is_headline=True).code == "A1.3"


@pytest.mark.django_db
def test_a1_breaks_down_by_commune_and_source_organisation(world, commune_a, commune_b):
    rollup_compliance(year=2026, as_of=AS_OF)
    # commune A, Q2 own: women, front, returned -> considered 2, answered 2, resolved 1, due 3, on time 1
    assert _value("A1.1", "2026-Q2", Dimension.COMMUNE, commune_a.id).details == {
        "recommended": 3,
        "considered": 2,
        "answered": 2,
        "resolved": 1,
        "due": 3,
        "on_time": 1,
    }
    # commune B, Q2 own: mass (considered only), kept (nothing yet)
    b = _value("A1.1", "2026-Q2", Dimension.COMMUNE, commune_b.id)
    assert (b.numerator, b.denominator) == (1, 2)
    # the Women's Union: one legitimate recommendation (the rejected one is out), resolved
    women = _value("A1.3", "2026-Q2", Dimension.SOURCE_ORGANIZATION, world["orgs"]["women"].id)
    assert (women.numerator, women.denominator, women.status) == (1, 1, ValueStatus.MET)


@pytest.mark.django_db
def test_rollup_twice_gives_the_same_rows(world):
    first = rollup_compliance(year=2026, as_of=AS_OF)
    fields = ("id", "indicator_id", "period_id", "dimension", "key", "numerator", "denominator", "value", "status")
    snapshot = sorted(IndicatorValue.objects.values_list(*fields))
    second = rollup_compliance(year=2026, as_of=AS_OF)
    assert sorted(IndicatorValue.objects.values_list(*fields)) == snapshot
    assert first.rows == second.rows > 0
    assert second.state == "done"
    assert second.duration_ms is not None


@pytest.mark.django_db
def test_the_number_links_to_exactly_the_items_counted(client, world, commune_a, province_officer):
    import time_machine

    from targets.links import behind_url

    with time_machine.travel(date(2026, 6, 15), tick=False):
        rollup_compliance(year=2026, as_of=AS_OF)
        client.force_login(province_officer)
        own_html = client.get(behind_url(_value("A1.1", "2026-Q2", Dimension.COMMUNE, commune_a.id))).content.decode()
        citizens_html = client.get(behind_url(_value("A1.5", "2026-Q2"))).content.decode()

    def shown(html):
        return {name for name, story in world.items() if name != "orgs" and story.item.tracking_code in html}

    assert shown(own_html) == {"women", "front", "returned"}  # commune A's 3 own recommendations in Q2
    assert shown(citizens_html) == {"citizen", "waiting"}
