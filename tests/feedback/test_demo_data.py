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
