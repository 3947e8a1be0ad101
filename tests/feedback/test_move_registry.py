"""The move registry: a move is one row plus one service; the item page, the staff API, its URL and the
OpenAPI schema all follow from the row."""

import importlib
import json

import pytest
from django.urls import clear_url_caches, reverse
from rest_framework.test import APIClient

from feedback import moves
from feedback.models import Status
from feedback.services.transitions import MoveData, MoveResult, item_move
from feedback.workflow import MOVE_LABELS, MOVES, Actor, Move, MoveRule
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

URLCONFS = ("feedback.api.staff", "feedback.api_urls", "mttq_portal.api_urls", "mttq_portal.urls")


def _reload_urls():
    for name in URLCONFS:
        importlib.reload(importlib.import_module(name))
    clear_url_caches()


def item_fast_track(*, user, item_id: int, note: str = "") -> MoveResult:
    return item_move(item_id=item_id, move="fast_track", actor=Actor.FRONT, user=user, data=MoveData(note=note))


@pytest.fixture
def fast_track(monkeypatch):
    """A throw-away move, declared in this one place: its rule in the lifecycle table and its registry row."""
    monkeypatch.setitem(
        MOVES, "fast_track", MoveRule(frozenset({Status.RECEIVED}), Status.ACCEPTED, frozenset({Actor.FRONT}))
    )
    monkeypatch.setitem(MOVE_LABELS, "fast_track", "Fast-track to accepted")
    row = moves.StaffMove(
        "fast_track", item_fast_track, moves.NoteInput, "ItemFastTrackApi", "fast-track", "Fast-track the item"
    )
    monkeypatch.setitem(moves.STAFF_MOVES, "fast_track", row)
    _reload_urls()
    yield row
    monkeypatch.undo()
    _reload_urls()


def test_a_move_added_to_the_registry_appears_on_the_page_in_the_api_and_in_the_schema(
    fast_track, client, officer_a, commune_a
):
    # given two received items and an officer of their commune
    on_page, by_api = ItemFactory(commune=commune_a), ItemFactory(commune=commune_a)
    client.force_login(officer_a)

    # the item page offers the move, with the row's fields
    page = client.get(reverse("workspace-item", args=[on_page.id])).content.decode()
    assert "Fast-track to accepted" in page
    assert reverse("workspace-item-move", args=[on_page.id, "fast_track"]) in page
    assert 'id="fast_track-note"' in page

    # the page's form performs it
    done = client.post(reverse("workspace-item-move", args=[on_page.id, "fast_track"]), {"note": "Khẩn"})
    assert done.status_code == 302
    on_page.refresh_from_db()
    assert on_page.status == Status.ACCEPTED
    assert on_page.events.get(kind="transition").data["move"] == "fast_track"

    # the API has a named endpoint for it
    api = APIClient()
    api.force_authenticate(officer_a)
    answer = api.post(reverse("api-item-fast-track", args=[by_api.id]), {"note": "Khẩn"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["changed"] is True
    assert answer.json()["item"]["status"] == "accepted"
    from feedback.api import staff

    assert staff.MOVE_APIS["fast_track"].__name__ == "ItemFastTrackApi"

    # the schema documents it, with the row's input
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/json").content)
    operation = schema["paths"]["/api/v1/items/{item_id}/fast-track/"]["post"]
    assert operation["operationId"] == "item_fast_track"
    assert operation["summary"] == "Fast-track the item"
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"note"}


def test_the_registry_covers_every_staff_move_and_names_each_api_class():
    # the citizen's dispute is made on the lookup page; an extension is granted through its request
    assert set(moves.STAFF_MOVES) == set(Move) - {Move.REOPEN, Move.EXTEND}
    from feedback.api import staff

    names = {move: cls.__name__ for move, cls in staff.MOVE_APIS.items()}
    assert names[Move.FORWARD] == "ItemForwardApi"
    assert names[Move.SEND_BACK] == "ItemSendBackApi"
    assert names[Move.CANNOT_RESOLVE] == "ItemCannotResolveApi"


def test_the_form_fields_are_the_api_inputs():
    fields = {move: row.fields for move, row in moves.STAFF_MOVES.items()}
    assert fields[Move.MERGE] == ["target", "note"]
    assert fields[Move.FORWARD] == ["agency", "note", "due_date", "due_reason"]
    assert fields[Move.ANSWER] == ["answer", "attachments"]
    assert fields[Move.RESOLVE] == ["public_answer", "note"]
