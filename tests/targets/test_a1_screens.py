"""Every screen's number against one hand count of a small world (the world of ``test_a1.py``).

One definition of each figure (``feedback.selectors.figures``): the targets rollup and API (A1), the
dashboard and the report API (flow and deadline figures, labelled as such), and the public figures.
Counted on 15 June 2026 over the second quarter (1 April - 30 June 2026).
"""

from datetime import date, datetime, time

import pytest
import time_machine

from feedback.selectors.public import parse_period, public_figures_by_commune
from organizations.tokens import api_token_issue
from reports.periods import period_parse
from reports.selectors import FigureFilters, figures_totals
from reports.services import summary_refresh
from targets.services.rollup import rollup_compliance

from .conftest import TZ
from .test_a1 import world  # noqa: F401 -- the hand-counted world, as a fixture

TODAY = date(2026, 6, 15)


@pytest.fixture
def counted(world):  # noqa: F811
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=TZ), tick=False):
        rollup_compliance(year=2026, as_of=TODAY)
        summary_refresh(full=True)
        yield world


@pytest.mark.django_db
def test_every_screen_shows_the_hand_count(client, counted, commune_a, commune_b, province_officer, province_front):
    # targets API, A1 headline (resolved): of the 5 own recommendations made in Q2, 1 resolved (women)
    client.force_login(province_officer)
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=TZ), tick=False):
        body = client.get("/api/v1/indicator-values/?period=2026-Q2&indicator=A1.3&dimension=province").json()
    (a1,) = body["results"]
    assert (a1["numerator"], a1["denominator"]) == (1, 5)

    # dashboard flow figures, Q2: received 9 (women, front, mass, kept, returned, rejected, citizen, waiting,
    # unsent; q1 was received in February); answered in Q2 3 (women 10/4, front 12/5, citizen 15/4); on time 2
    # (women, citizen); resolved in Q2 2 (women 11/4, citizen 16/4)
    # deadline figures: legitimate items with a deadline in Q2 passed before 15/6: women 20/4, front 5/5,
    # mass 20/5, returned 30/4, citizen 18/4, waiting 19/5 = 6; answered 3; on time 2; resolved 2
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=TZ), tick=False):
        totals = figures_totals(user=province_officer, filters=FigureFilters(period=period_parse("2026-Q2")))
    assert (totals["received"], totals["answered"], totals["answered_on_time"], totals["resolved"]) == (9, 3, 2, 2)
    assert (totals["due"], totals["due_answered"], totals["due_on_time"], totals["due_resolved"]) == (6, 3, 2, 2)

    # report API: the same figures through a token of the provincial Front
    key = api_token_issue(organization=province_front, name="Tỉnh")[1]
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=TZ), tick=False):
        api = client.get(
            "/api/v1/reports/compliance/",
            {"group_by": "commune", "period": "2026-Q2"},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        ).json()
    rows = {r["key"]: r for r in api["results"]}
    # commune A: received women, front, returned, rejected, citizen, unsent = 6; answered women, front,
    # citizen = 3; due women, front, returned, citizen = 4
    a = rows[str(commune_a.id)]
    assert (a["received"], a["answered"], a["due"]) == (6, 3, 4)
    # commune B: received mass, kept, waiting = 3; answered 0; due mass, waiting = 2
    b = rows[str(commune_b.id)]
    assert (b["received"], b["answered"], b["due"]) == (3, 0, 2)

    # public figures by commune, Q2 (received in Q2): the same received and answered as the report API, and
    # on time among them: commune A women and citizen = 2, commune B 0
    public = {f.name: f for f in public_figures_by_commune(period=parse_period("2026-Q2"))}
    assert (public[commune_a.name].received, public[commune_a.name].answered) == (6, 3)
    assert public[commune_a.name].answered_on_time == 2
    assert (public[commune_b.name].received, public[commune_b.name].answered) == (3, 0)
