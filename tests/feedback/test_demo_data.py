"""generate_demo_data: realistic, consistent with the workflow's invariants, reproducible for a seed."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import EventKind, ExtensionRequest, Item, ItemEvent, Status
from tests.feedback.lifecycle import LEGAL, WHO

pytestmark = pytest.mark.django_db

ARGS = ["--items", "600", "--seed", "7", "--until", "2026-11-20", "--batch-size", "250"]


def _codes():
    return list(Item.objects.order_by("id").values_list("tracking_code", "status", "due_date"))


def test_demo_items_cover_the_lifecycle_and_keep_one_agency_one_due_date(seeded):
    # when
    out = StringIO()
    call_command("generate_demo_data", *ARGS, stdout=out)

    # then: every state is represented, with events and some extensions
    assert Item.objects.count() == 600
    statuses = Counter(Item.objects.values_list("status", flat=True))
    assert {Status.RESOLVED, Status.FORWARDED, Status.ANSWERED, Status.REJECTED} <= set(statuses)
    assert ItemEvent.objects.count() > 600 * 3
    assert ExtensionRequest.objects.exists()
    assert Item.objects.filter(answer_on_time=True).exists()
    assert Item.objects.filter(answer_on_time=False).exists()
    # one focal point and one due date while waiting for an agency
    forwarded = Item.objects.filter(status=Status.FORWARDED)
    assert not forwarded.filter(current_agency__isnull=True).exists()
    assert not forwarded.filter(due_date__isnull=True).exists()
    assert not Item.objects.filter(status__in=[Status.RESOLVED, Status.REJECTED], closed_at__isnull=True).exists()
    # every item's last transition event leads to its status
    for item in Item.objects.all()[:100]:
        last = item.events.exclude(to_status="").order_by("created_at", "id").last()
        assert last.to_status == item.status
    assert "100%" in out.getvalue()


def test_every_simulated_move_is_legal_in_the_lifecycle(seeded):
    """Given 600 simulated lives, when their events are replayed in order, then each move leaves the status
    the previous one reached, by an edge of the hand-written lifecycle, made by an actor allowed to make it."""
    call_command("generate_demo_data", *ARGS, stdout=StringIO())

    illegal, moves_seen = [], set()
    events = ItemEvent.objects.filter(kind__in=[EventKind.SUBMITTED, EventKind.TRANSITION]).order_by(
        "item_id", "created_at", "id"
    )
    current: dict[int, str] = {}
    for event in events.values("item_id", "kind", "from_status", "to_status", "actor_label", "data"):
        if event["kind"] == EventKind.SUBMITTED:
            current[event["item_id"]] = event["to_status"]
            continue
        move = event["data"]["move"]
        moves_seen.add(move)
        edge = (current.get(event["item_id"]), move)
        if (
            event["from_status"] != edge[0]
            or LEGAL.get(edge) != event["to_status"]
            or event["actor_label"] not in WHO[move]
        ):
            illegal.append(event)
        current[event["item_id"]] = event["to_status"]

    assert illegal == []
    assert current == dict(Item.objects.values_list("id", "status"))
    # the simulation walks most of the graph, so the check above is not vacuous
    assert {"accept", "reject", "merge", "forward", "return", "answer", "extend", "resolve", "reopen"} <= moves_seen


def test_the_same_seed_gives_the_same_items(seeded):
    call_command("generate_demo_data", *ARGS, stdout=StringIO())
    first = _codes()
    ExtensionRequest.objects.all().delete()
    ItemEvent.objects.all().delete()
    Item.objects.filter(merged_into__isnull=False).delete()
    Item.objects.all().delete()

    call_command("generate_demo_data", *ARGS, stdout=StringIO())

    assert [row[1:] for row in _codes()] == [row[1:] for row in first]
    assert [row[0] for row in _codes()] == [row[0] for row in first]


def test_at_scale_a_simulated_sample_is_copied_by_sql_with_codes_and_histories_of_their_own(seeded, monkeypatch):
    from feedback import demo, tracking

    # Given a sample of 200 simulated lives for 600 items (at full scale: 10,000 for a million)
    monkeypatch.setattr(demo, "SIMULATED_ITEMS", 200)

    call_command("generate_demo_data", *ARGS, stdout=StringIO())

    # Then 600 items exist, 400 of them copies of the first 200 with the same states and event histories
    items = list(Item.objects.order_by("id").values("id", "tracking_code", "secret_hash", "status", "received_at"))
    assert len(items) == 600
    sample, copies = items[:200], items[200:]
    for n, copy in enumerate(copies):
        source = sample[n % 200]
        assert (copy["status"], copy["received_at"]) == (source["status"], source["received_at"])
    events = Counter(ItemEvent.objects.values_list("item_id", flat=True))
    assert all(events[copy["id"]] == events[sample[n % 200]["id"]] > 0 for n, copy in enumerate(copies))
    # each with a valid tracking code of its own and the demo's lookup secret (the code's last six characters)
    codes = [i["tracking_code"] for i in items]
    assert len(set(codes)) == 600
    assert all(tracking.normalize_tracking_code(code) == code for code in codes)
    assert all(
        tracking.secret_matches(
            tracking_code=c["tracking_code"], secret=c["tracking_code"][-6:], secret_hash=c["secret_hash"]
        )
        for c in copies
    )
    # and the same seed gives the same copies
    first = _codes()
    ExtensionRequest.objects.all().delete()
    ItemEvent.objects.all().delete()
    Item.objects.filter(merged_into__isnull=False).delete()
    Item.objects.all().delete()
    call_command("generate_demo_data", *ARGS, stdout=StringIO())
    assert [row[0] for row in _codes()] == [row[0] for row in first]


# Who the chase tells, by (level, step), written out here from the chase's rules (feedback/services/deadlines.py).
CHASE_AUDIENCE = {
    ("reminder", "triage"): {"item_front"},
    ("reminder", "answer"): {"agency"},
    ("overdue", "triage"): {"item_front"},
    ("overdue", "answer"): {"agency", "item_front"},
    ("escalation", "triage"): {"province_front"},
    ("escalation", "answer"): {"agency_superior", "province_front"},
    ("board", "triage"): {"board"},
    ("board", "answer"): {"board"},
}


def test_the_first_chase_over_demo_items_reaches_the_demo_officers(seeded):
    from datetime import date

    from feedback.models import DeadlineChase, Notification
    from feedback.services.deadlines import deadlines_chase
    from organizations.models import Organization, OrganizationKind, User

    # Given demo items up to Friday 20 November 2026, with their officers
    out = StringIO()
    call_command("generate_demo_data", *ARGS, stdout=out)
    usernames = set(User.objects.filter(username__startswith="demo-").values_list("username", flat=True))
    assert " demo officers " in out.getvalue()

    # When the chase runs that day
    result = deadlines_chase(today=date(2026, 11, 20))

    # Then it chases open items, and each chase tells exactly the officers its audience names (in the portal)
    chases = list(DeadlineChase.objects.select_related("item__commune", "item__current_agency__parent"))
    assert len(chases) == result.total_chases > 0
    province = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level="province")
    board = Organization.objects.get(kind=OrganizationKind.PROPAGANDA_COMMISSION, level="province")
    commune_fronts = dict(
        Organization.objects.filter(kind=OrganizationKind.FRONT_COMMITTEE, level="commune").values_list(
            "unit_id", "code"
        )
    )
    told = 0
    for chase in chases:
        item, agency = chase.item, chase.item.current_agency
        front = commune_fronts[item.commune_id] if item.handling_level == "commune" else province.code
        who = {
            "item_front": {f"demo-{front}-front_officer"},
            "province_front": {f"demo-{province.code}-front_officer"},
            "agency": {f"demo-{agency.code}-agency_officer"} if agency else set(),
            "agency_superior": {f"demo-{agency.parent.code}-agency_officer"} if agency and agency.parent else set(),
            "board": {f"demo-{board.code}-board_viewer"},
        }
        expected = set().union(*(who[a] for a in CHASE_AUDIENCE[(chase.level, chase.step)])) & usernames
        notes = Notification.objects.filter(key__contains=f":c{chase.id}:")
        assert set(notes.values_list("recipient_user__username", flat=True)) == expected
        assert set(notes.values_list("channel", flat=True)) == {"in_app"}
        assert expected
        told += len(expected)
    assert result.notifications == told == Notification.objects.count()


@pytest.mark.parametrize(
    ("bits", "year", "code"),
    [
        # Worked by hand: eight characters of 5 bits each, then the Luhn mod-32 check character.
        (0, 2026, "DB-26-000-000-000"),  # total 0: check 0
        (1, 2025, "DB-25-000-000-01Y"),  # the last "1" counts double: total 2, check 30 = "Y"
        (2**40 - 1, 2026, "DB-26-ZZZ-ZZZ-ZZ8"),  # each "Z" adds 31 (62 = 1 + 30 when doubled): 248, check 8
    ],
)
def test_the_sql_tracking_code_is_the_one_python_makes(db, bits, year, code, settings):
    from django.db import connection

    from feedback import demo, tracking

    settings.PORTAL_PROVINCE_CODE = 11  # Điện Biên: prefix DB
    params = {"bits": bits, "year": year, "prefix": tracking.province_prefix()}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {demo.tracking_code_sql('%(bits)s::bigint', '%(year)s')}", params)
        made = cursor.fetchone()[0]

    assert made == code
    assert tracking.normalize_tracking_code(made) == made
