"""The staff API: every decision endpoint answers 200/400/403/404/409 in the one error shape, never 500;
the list is scoped, filterable, cursor-paginated and its query count does not grow with the rows."""

import itertools

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from feedback.models import ExtensionRequest, Item, ItemType, Status
from feedback.workflow import MOVES, Move, is_repeat
from tests.factories import ItemFactory
from tests.feedback.workflow_fixtures import item_in, pending_extension

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    Move.ACCEPT: ("api-item-accept", {}),
    Move.REJECT: ("api-item-reject", {"reason": "Không thuộc phạm vi"}),
    Move.MERGE: ("api-item-merge", {"target": None}),
    Move.WITHDRAW: ("api-item-withdraw", {"note": "Người dân xin rút"}),
    Move.FORWARD: ("api-item-forward", {"agency": None}),
    Move.REFORWARD: ("api-item-reforward", {"agency": None, "note": "Sai thẩm quyền"}),
    Move.RETURN: ("api-item-return", {"reason": "Không thuộc thẩm quyền"}),
    Move.ANSWER: ("api-item-answer", {"answer": "Đã sửa"}),
    Move.SEND_BACK: ("api-item-send-back", {"reason": "Thiếu"}),
    Move.RESOLVE: ("api-item-resolve", {"public_answer": "Đã xong"}),
    Move.ROADMAP: ("api-item-roadmap", {"public_answer": "Đưa vào kế hoạch"}),
    Move.CANNOT_RESOLVE: ("api-item-cannot-resolve", {"public_answer": "Chưa có nguồn lực"}),
}


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def users(officer_a, agency_officer_a, officer_b, agency_officer_b):
    return {"front": officer_a, "agency": agency_officer_a, "other_front": officer_b, "other_agency": agency_officer_b}


@pytest.mark.parametrize(
    ("state", "move", "role"), list(itertools.product(Status, list(ENDPOINTS), ["front", "agency", "other_front"]))
)
def test_every_decision_endpoint_refuses_cleanly(state, move, role, users, commune_a, agency_a, agency_b):
    item = item_in(state, commune=commune_a, agency=agency_a)
    name, payload = ENDPOINTS[move]
    payload = dict(payload)
    if "target" in payload:
        payload["target"] = ItemFactory(commune=commune_a).id
    if "agency" in payload:
        payload["agency"] = agency_b.id if move == Move.REFORWARD else agency_a.id

    response = _client(users[role]).post(reverse(name, args=[item.id]), payload, format="json")

    assert response.status_code in (200, 403, 404, 409), response.content
    if response.status_code != 200:
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    else:
        body = response.json()
        rule = MOVES[move]
        item.refresh_from_db()
        if move == Move.FORWARD and state in (Status.RECEIVED, Status.RETURNED, Status.REOPENED):
            assert item.status == Status.FORWARDED  # forward accepts first
        elif is_repeat(state, move):
            assert body["changed"] is False
        else:
            assert item.status == rule.target and body["changed"] is True


def test_wrong_role_is_403_wrong_state_409_bad_input_400(officer_a, agency_officer_a, commune_a, agency_a):
    forwarded = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    received = ItemFactory(commune=commune_a)

    role = _client(officer_a).post(reverse("api-item-answer", args=[forwarded.id]), {"answer": "x"}, format="json")
    state = _client(officer_a).post(
        reverse("api-item-resolve", args=[received.id]), {"public_answer": "x"}, format="json"
    )
    bad = _client(officer_a).post(reverse("api-item-reject", args=[received.id]), {"reason": "  "}, format="json")

    assert role.status_code == 403 and role.json()["error"]["code"] == "move_not_allowed_for_role"
    assert state.status_code == 409 and state.json()["error"]["code"] == "move_not_allowed_in_state"
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]


def test_extension_endpoints(officer_a, agency_officer_a, officer_b, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)

    asked = _client(agency_officer_a).post(
        reverse("api-item-extension", args=[item.id]), {"reason": "Cần xác minh", "requested_days": 10}, format="json"
    )
    request_id = asked.json()["id"]
    outsider = _client(officer_b).post(
        reverse("api-extension-decision", args=[request_id]), {"grant": True}, format="json"
    )
    granted = _client(officer_a).post(
        reverse("api-extension-decision", args=[request_id]), {"grant": True}, format="json"
    )

    assert asked.status_code == 201
    assert outsider.status_code == 404
    assert granted.status_code == 200 and granted.json()["status"] == "granted"


def test_list_is_scoped_filtered_and_searchable_without_accents(officer_a, commune_a, commune_b, agency_a):
    mine = ItemFactory(commune=commune_a, title="Mất điện kéo dài ở bản Co Mỵ")
    ItemFactory(commune=commune_a, title="Trường học xuống cấp")
    ItemFactory(commune=commune_b, title="Mất điện ở xã khác")

    client = _client(officer_a)
    everything = client.get(reverse("api-items")).json()["results"]
    found = client.get(reverse("api-items"), {"q": "mat dien"}).json()["results"]
    typed = client.get(reverse("api-items"), {"type": ItemType.COMPLAINT}).json()["results"]

    assert len(everything) == 2
    assert [row["id"] for row in found] == [mine.id]
    assert typed == []


def test_detail_hides_the_denouncer_from_the_agency(agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, type=ItemType.DENUNCIATION)

    body = _client(agency_officer_a).get(reverse("api-item", args=[item.id])).json()

    assert body["submitter_name"] == "" and body["submitter_phone"] == "" and body["identity_hidden"] is True


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow_with_rows(rows, officer_a, commune_a, agency_a, django_assert_max_num_queries):
    for _ in range(rows):
        item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    client = _client(officer_a)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("api-items"))

    assert len(response.json()["results"]) == rows


def test_cursor_pages_through_everything(province_officer, commune_a):
    for _ in range(7):
        ItemFactory(commune=commune_a)
    client, seen, url = _client(province_officer), [], reverse("api-items") + "?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen, reverse=True) == seen and len(set(seen)) == Item.objects.count() == 7


ACCESS_URLS = [
    ("get", "api-item", {}),
    *[("post", name, payload) for name, payload in ENDPOINTS.values()],
    ("post", "api-item-escalate", {"reason": "x"}),
    ("post", "api-item-extension", {"reason": "x", "requested_days": 3}),
]


@pytest.mark.parametrize(("method", "name", "payload"), ACCESS_URLS)
@pytest.mark.parametrize("outsider", ["officer_b", "agency_officer_b", "board_viewer"])
def test_every_endpoint_refuses_an_officer_of_another_commune_or_agency(
    method, name, payload, outsider, request, commune_a, agency_a
):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    client = _client(request.getfixturevalue(outsider))
    ids = {"agency": agency_a.id, "target": item.id}
    payload = {k: (v if v is not None else ids[k]) for k, v in payload.items()}

    response = getattr(client, method)(reverse(name, args=[item.id]), payload, format="json")

    assert response.status_code == 404
    assert client.get(reverse("api-items")).json()["results"] == []
    request_row = pending_extension(item, agency_a)
    decided = client.post(reverse("api-extension-decision", args=[request_row.id]), {"grant": True}, format="json")
    assert decided.status_code == 404
    ExtensionRequest.objects.all().delete()


def test_anonymous_is_refused():
    assert APIClient().get(reverse("api-items")).status_code in (401, 403)
