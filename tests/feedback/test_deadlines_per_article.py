"""Each deadline rule cites one article, and applies only where that article's text applies.

- Triage: Law on Citizen Reception 2013 Art. 28, 10 working days, by default; Decree 20/2008 Art. 9,
  5 working days, only for petitions on administrative regulations (the administrative-procedures category).
- Denunciations (Law on Denunciations 2018 Art. 30): 30 days; a normal case cannot be extended, a complex one
  once by at most 30 days, an especially complex one twice. The complexity is chosen on the item with a reason.
- Voter petitions and People's Inspection Board recommendations: no article grants an extension, so none.
- The default answer rule's extension has no article: it is the province's own rule, labelled so.
Dates counted by hand; the holidays of March-May 2026: Thu 30 Apr, Fri 1 May.
"""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.deadlines import compute_due_date, seed_deadline_rules
from feedback.models import (
    Category,
    Complexity,
    DayCount,
    DeadlineRule,
    EventKind,
    ItemEvent,
    ItemType,
    Step,
)
from feedback.seeding import seed_categories
from feedback.services import workflow as wf
from mttq_portal.errors import ApplicationError, ConflictError
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def _on(day):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


@pytest.fixture
def seeded_rules(db):
    seed_categories(stdout=StringIO())
    seed_deadline_rules(stdout=StringIO())


def test_every_rule_cites_one_article(seeded_rules):
    # then no legal basis joins two texts with ";" (the old triage rule cited Decree 20 and the Law together)
    for rule in DeadlineRule.objects.all():
        assert ";" not in rule.legal_reference.split("(")[0], rule.legal_reference


def test_triage_is_10_working_days_under_the_law_on_citizen_reception(seeded_rules):
    # given a report on land received on Monday 2 March 2026
    land = Category.objects.get(code="dat-dai")
    due = compute_due_date(
        step=Step.TRIAGE, item_type=ItemType.REPORT, channel="web", start=D(2026, 3, 2), category_id=land.pk
    )
    # then: Tue 3 (1), Wed 4, Thu 5, Fri 6 (4), Mon 9 (5), Tue 10, Wed 11, Thu 12, Fri 13 (9), Mon 16 (10)
    assert (due.days, due.day_count, due.due_date) == (10, DayCount.WORKING, D(2026, 3, 16))
    assert due.rule.legal_reference.startswith("Luật Tiếp công dân 2013, Điều 28")


def test_triage_is_5_working_days_for_administrative_regulations(seeded_rules):
    # given a report about administrative procedures received on Monday 2 March 2026
    procedures = Category.objects.get(code="thu-tuc-hanh-chinh")
    due = compute_due_date(
        step=Step.TRIAGE, item_type=ItemType.REPORT, channel="web", start=D(2026, 3, 2), category_id=procedures.pk
    )
    # then: Tue 3 (1), Wed 4 (2), Thu 5 (3), Fri 6 (4), Mon 9 (5)
    assert (due.days, due.due_date) == (5, D(2026, 3, 9))
    assert due.rule.legal_reference.startswith("Nghị định 20/2008/NĐ-CP, Điều 9")


def test_seeding_twice_changes_nothing_and_keeps_an_administrators_edit(seeded_rules):
    # given an administrator who set the complaint rule to 35 days
    DeadlineRule.objects.filter(item_type=ItemType.COMPLAINT).update(days=35)
    before = DeadlineRule.objects.count()
    # when the seed runs again
    seed_deadline_rules(stdout=StringIO())
    # then no rule is added and the edit stays
    assert DeadlineRule.objects.count() == before
    assert DeadlineRule.objects.get(item_type=ItemType.COMPLAINT).days == 35


def test_the_old_default_rules_are_brought_to_their_article(db):
    # given the rules as the first release seeded them
    seed_categories(stdout=StringIO())
    DeadlineRule.objects.create(
        step=Step.TRIAGE,
        item_type="",
        channel="",
        days=5,
        day_count=DayCount.WORKING,
        max_extensions=0,
        legal_reference="Nghị định 20/2008/NĐ-CP, Điều 9; Luật Tiếp công dân 2013, Điều 28",
    )
    DeadlineRule.objects.create(
        step=Step.ANSWER,
        item_type=ItemType.VOTER_PETITION,
        channel="",
        days=60,
        day_count=DayCount.CALENDAR,
        max_extensions=1,
        extension_days=30,
        legal_reference="Luật Hoạt động giám sát của Quốc hội và HĐND; kiến nghị cử tri do Quốc hội chuyển",
    )
    # when the seed runs
    seed_deadline_rules(stdout=StringIO())
    # then the triage rule is 10 working days under the Law on Citizen Reception, and the voter petition
    # rule allows no extension
    triage = DeadlineRule.objects.get(step=Step.TRIAGE, category=None, is_active=True)
    assert (triage.days, triage.legal_reference[:29]) == (10, "Luật Tiếp công dân 2013, Điều")
    assert DeadlineRule.objects.get(item_type=ItemType.VOTER_PETITION).max_extensions == 0


def test_the_default_extension_is_labelled_as_the_provinces_own_rule(seeded_rules):
    default = DeadlineRule.objects.get(step=Step.ANSWER, item_type="")
    denunciation = DeadlineRule.objects.get(item_type=ItemType.DENUNCIATION)
    voters = DeadlineRule.objects.get(item_type=ItemType.VOTER_PETITION)
    inspection = DeadlineRule.objects.get(item_type=ItemType.INSPECTION_BOARD_RECOMMENDATION)
    assert default.extension_is_provincial_rule is True
    assert denunciation.extension_is_provincial_rule is False  # Art. 30 grants them
    assert (voters.allows_extensions, inspection.allows_extensions) == (False, False)


@pytest.fixture
def denunciation(seeded_rules, commune_a, agency_a, officer_a):
    def make(complexity=Complexity.NORMAL):
        # forwarded on Monday 2 March 2026: 2 Mar + 30 = Wed 1 April 2026
        with _on(D(2026, 3, 2)):
            item = ItemFactory(commune=commune_a, type=ItemType.DENUNCIATION)
            if complexity != Complexity.NORMAL:
                wf.item_set_complexity(
                    user=officer_a, item_id=item.pk, complexity=complexity, reason="Nhiều người bị tố cáo"
                )
            wf.item_accept_and_forward(user=officer_a, item_id=item.pk, agency_id=agency_a.pk)
        item.refresh_from_db()
        assert item.due_date == D(2026, 4, 1)
        return item

    return make


def _ask_and_grant(item, agency_officer, officer, day, days=30):
    with _on(day):
        request = wf.extension_request(user=agency_officer, item_id=item.pk, reason="Cần xác minh", requested_days=days)
        wf.extension_decide(user=officer, request_id=request.pk, grant=True)
    item.refresh_from_db()


def test_a_normal_denunciation_cannot_be_extended(denunciation, agency_officer_a):
    item = denunciation()
    with _on(D(2026, 3, 20)), pytest.raises(ConflictError) as refused:
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần xác minh", requested_days=10)
    assert refused.value.code == "extension_limit"


def test_a_complex_denunciation_is_extended_once_by_at_most_30_days(denunciation, agency_officer_a, officer_a):
    item = denunciation(Complexity.COMPLEX)
    # more than 30 days is refused: Wed 1 Apr + 35 = Wed 6 May, after the 30-day end (Mon 4 May, below)
    with _on(D(2026, 3, 20)), pytest.raises(ApplicationError) as too_long:
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần xác minh", requested_days=35)
    assert too_long.value.code == "extension_too_long"
    # 30 days: Wed 1 Apr + 30 = Fri 1 May (Labour Day), Sat 2, Sun 3 -> Monday 4 May 2026
    _ask_and_grant(item, agency_officer_a, officer_a, D(2026, 3, 20))
    assert (item.due_date, item.extension_count) == (D(2026, 5, 4), 1)
    # a second extension is refused
    with _on(D(2026, 4, 20)), pytest.raises(ConflictError) as refused:
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Còn vướng", requested_days=10)
    assert refused.value.code == "extension_limit"


def test_an_especially_complex_denunciation_is_extended_twice(denunciation, agency_officer_a, officer_a):
    item = denunciation(Complexity.ESPECIALLY_COMPLEX)
    _ask_and_grant(item, agency_officer_a, officer_a, D(2026, 3, 20))  # -> Mon 4 May (see above)
    # second: Mon 4 May + 30 = Wed 3 June 2026
    _ask_and_grant(item, agency_officer_a, officer_a, D(2026, 4, 20))
    assert (item.due_date, item.extension_count) == (D(2026, 6, 3), 2)
    with _on(D(2026, 5, 20)), pytest.raises(ConflictError):
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Lần ba", requested_days=10)


def test_the_complexity_is_recorded_with_its_reason(seeded_rules, commune_a, officer_a):
    item = ItemFactory(commune=commune_a, type=ItemType.DENUNCIATION)
    wf.item_set_complexity(user=officer_a, item_id=item.pk, complexity=Complexity.COMPLEX, reason="Liên quan 3 xã")
    # a repeat writes nothing more
    wf.item_set_complexity(user=officer_a, item_id=item.pk, complexity=Complexity.COMPLEX, reason="Liên quan 3 xã")
    item.refresh_from_db()
    assert (item.complexity, item.complexity_reason, item.is_complex) == ("complex", "Liên quan 3 xã", True)
    events = ItemEvent.objects.filter(item=item, kind=EventKind.COMPLEXITY_SET)
    assert [(e.note, e.data) for e in events] == [("Liên quan 3 xã", {"from": "normal", "to": "complex"})]
    # a reason is required
    with pytest.raises(ApplicationError):
        wf.item_set_complexity(user=officer_a, item_id=item.pk, complexity=Complexity.NORMAL, reason=" ")


@pytest.mark.parametrize("item_type", [ItemType.VOTER_PETITION, ItemType.INSPECTION_BOARD_RECOMMENDATION])
def test_no_extension_without_an_article(seeded_rules, commune_a, agency_a, officer_a, agency_officer_a, item_type):
    with _on(D(2026, 3, 2)):
        item = ItemFactory(commune=commune_a, type=item_type)
        wf.item_accept_and_forward(user=officer_a, item_id=item.pk, agency_id=agency_a.pk)
    with _on(D(2026, 3, 10)), pytest.raises(ConflictError) as refused:
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần thêm thời gian", requested_days=10)
    assert refused.value.code == "extension_limit"


def test_the_front_sets_the_complexity_through_the_api(client, seeded_rules, commune_a, officer_a, agency_officer_a):
    item = ItemFactory(commune=commune_a, type=ItemType.DENUNCIATION)
    client.force_login(officer_a)
    url = f"/api/v1/items/{item.pk}/complexity/"
    response = client.post(
        url, {"complexity": "especially_complex", "reason": "Nhiều đối tượng"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["complexity"], response.json()["complexity_reason"]) == (
        "especially_complex",
        "Nhiều đối tượng",
    )
    bad = client.post(url, {"complexity": "rat-kho", "reason": "x"}, content_type="application/json")
    assert bad.status_code == 400
    # an agency officer may not decide it
    client.force_login(agency_officer_a)
    assert client.post(url, {"complexity": "normal", "reason": "x"}, content_type="application/json").status_code in (
        403,
        404,
    )
