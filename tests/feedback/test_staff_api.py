"""The staff API: every decision endpoint answers exactly 200, 400, 403, 404 or 409 in the one error shape;
the list is scoped, filterable, cursor-paginated and its query count does not grow with the rows."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from feedback.models import ExtensionRequest, Item, ItemType, Status
from feedback.workflow import Move
from tests.factories import ItemFactory
from tests.feedback.lifecycle import LEGAL, REFUSED_IN, WHO
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
    Move.UPHOLD: ("api-item-uphold", {"explanation": "Kết quả đã đúng quy định"}),
}


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def users(officer_a, agency_officer_a, officer_b, agency_officer_b):
    return {"front": officer_a, "agency": agency_officer_a, "other_front": officer_b, "other_agency": agency_officer_b}


def _post(user, move, item, ctx):
    name, payload = ENDPOINTS[move]
    ids = {"target": ctx["target"].id, "agency": (ctx["agency_b"] if move == Move.REFORWARD else ctx["agency_a"]).id}
    payload = {key: (value if value is not None else ids[key]) for key, value in payload.items()}
    return _client(user).post(reverse(name, args=[item.id]), payload, format="json")


def _user(move, users, *, right: bool):
    agency_move = "agency" in WHO[move]
    return users["agency"] if agency_move == right else users["front"]


# (move, the state it is tried in, the role) -> the exact answer. The states come from the hand-written lifecycle:
# a state the move leaves (200), a state it does not leave and is not its target (409).
CASES = [
    *[(move, next(s for (s, m) in LEGAL if m == move), "right", 200) for move in ENDPOINTS],
    # forwarding through the API accepts first, so it is refused only once the item is past triage
    *[(move, REFUSED_IN[move] if move != Move.FORWARD else "answered", "right", 409) for move in ENDPOINTS],
    *[(move, "forwarded", "wrong", 403) for move in ENDPOINTS],
]


@pytest.mark.parametrize(("move", "state", "role", "expected"), CASES)
def test_each_decision_endpoint_answers_exactly(move, state, role, expected, users, commune_a, agency_a, agency_b):
    # given an item of commune A in the state, and the officer whose move it is (or the other one)
    item = item_in(state, commune=commune_a, agency=agency_a)
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}

    response = _post(_user(move, users, right=role == "right"), move, item, ctx)

    assert response.status_code == expected, response.content
    item.refresh_from_db()
    if expected == 200:
        assert response.json()["changed"] is True
        assert item.status == LEGAL[(state, move)]
    else:
        codes = {409: "move_not_allowed_in_state", 403: "move_not_allowed_for_role"}
        assert response.json()["error"]["code"] == codes[expected]
        assert item.status == state


def test_forward_accepts_first_and_a_repeat_says_nothing_changed(users, commune_a, agency_a, agency_b):
    item = ItemFactory(commune=commune_a)
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}

    first = _post(users["front"], Move.FORWARD, item, ctx)
    again = _post(users["front"], Move.FORWARD, item, ctx)

    assert (first.status_code, first.json()["changed"]) == (200, True)
    assert (again.status_code, again.json()["changed"]) == (200, False)
    item.refresh_from_db()
    assert item.status == "forwarded"
    assert list(item.events.filter(kind="transition").values_list("to_status", flat=True)) == ["accepted", "forwarded"]


def test_escalation_says_what_changed(users, province_officer, commune_a):
    item = ItemFactory(commune=commune_a)

    first = _client(users["front"]).post(reverse("api-item-escalate", args=[item.id]), {"reason": "Cấp tỉnh"})
    again = _client(province_officer).post(reverse("api-item-escalate", args=[item.id]), {"reason": "Cấp tỉnh"})

    assert (first.status_code, first.json()["changed"]) == (200, True)
    assert (again.status_code, again.json()["changed"]) == (200, False)
    assert first.json()["item"]["handling_level"] == "province"


def test_wrong_role_is_403_wrong_state_409_bad_input_400(officer_a, agency_officer_a, commune_a, agency_a):
    forwarded = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    received = ItemFactory(commune=commune_a)

    role = _client(officer_a).post(reverse("api-item-answer", args=[forwarded.id]), {"answer": "x"}, format="json")
    state = _client(officer_a).post(
        reverse("api-item-resolve", args=[received.id]), {"public_answer": "x"}, format="json"
    )
    bad = _client(officer_a).post(reverse("api-item-reject", args=[received.id]), {"reason": "  "}, format="json")

    assert role.status_code == 403
    assert role.json()["error"]["code"] == "move_not_allowed_for_role"
    assert state.status_code == 409
    assert state.json()["error"]["code"] == "move_not_allowed_in_state"
    assert bad.status_code == 400
    assert "reason" in bad.json()["error"]["fields"]


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
    assert granted.status_code == 200
    assert granted.json()["status"] == "granted"


def test_list_is_scoped_filtered_and_searchable_without_accents(officer_a, commune_a, commune_b, agency_a):
    mine = ItemFactory(commune=commune_a, title="Mất điện kéo dài ở bản Co Mỵ")
    ItemFactory(commune=commune_a, title="Trường học xuống cấp")
    ItemFactory(commune=commune_b, title="Mất điện ở xã khác")

    client = _client(officer_a)
    everything = client.get(reverse("api-items")).json()["results"]
    found = client.get(reverse("api-items"), {"q": "mat dien"}).json()["results"]
    typed = client.get(reverse("api-items"), {"type": ItemType.COMPLAINT}).json()["results"]

    # a filter sent empty (a form's "All") is no filter, here as on the officers' page
    blank = client.get(reverse("api-items"), {"q": "mat dien", "status": "", "received_from": ""})

    assert len(everything) == 2
    assert [row["id"] for row in found] == [mine.id]
    assert typed == []
    assert blank.status_code == 200
    assert [row["id"] for row in blank.json()["results"]] == [mine.id]


def test_detail_hides_the_denouncer_from_the_agency(agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, type=ItemType.DENUNCIATION)

    body = _client(agency_officer_a).get(reverse("api-item", args=[item.id])).json()

    assert body["submitter_name"] == ""
    assert body["submitter_phone"] == ""
    assert body["identity_hidden"] is True


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
    assert sorted(seen, reverse=True) == seen
    assert len(set(seen)) == Item.objects.count() == 7


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
