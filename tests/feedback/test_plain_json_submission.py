"""A plain JSON submission is answered without DRF's request cycle (ADR 0183), and the answer is the one DRF gives:
the same status, headers and body, for a receipt, a repeat, a refusal of the service, the rate limit and a database
outage. The oracle is the DRF view itself, answering the same request with the shortcut turned off."""

import pytest
from django.db import OperationalError

from feedback.api import public
from feedback.models import Item

URL = "/api/v1/public/items/"
COMPARED_HEADERS = ("Content-Type", "Allow", "Vary", "Cache-Control", "Retry-After", "Content-Language")


@pytest.fixture
def answers(client, monkeypatch):
    """Posts a request through the shortcut or through DRF alone; says whether the serializer read it."""
    validated, through_drf = [], [False]
    real_validated, real_plain_input = public._validated, public._plain_json_input
    monkeypatch.setattr(public, "_validated", lambda data: validated.append(1) or real_validated(data))
    monkeypatch.setattr(public, "_plain_json_input", lambda r: None if through_drf[0] else real_plain_input(r))

    def post(body, *, drf: bool, **headers):
        validated.clear()
        through_drf[0] = drf
        response = client.post(URL, body, content_type="application/json", **headers)
        return response, bool(validated)

    return post


def _same(shortcut, drf):
    assert shortcut.status_code == drf.status_code
    for header in COMPARED_HEADERS:
        assert shortcut.headers.get(header) == drf.headers.get(header), header
    mine, theirs = shortcut.json(), drf.json()
    if "tracking_code" in theirs:  # two receipts: different codes and secrets, the same shape and formats
        assert mine.keys() == theirs.keys()
        assert len(mine["received_at"]) == len(theirs["received_at"])
        assert mine["received_at"][-6:] == theirs["received_at"][-6:] == "+07:00"
        assert {k: mine[k] for k in ("public_status", "triage_due_date", "lookup_url")} == {
            k: theirs[k] for k in ("public_status", "triage_due_date", "lookup_url")
        }
    else:
        assert mine == theirs


def test_a_receipt_is_the_same_either_way(answers, payload):
    shortcut, serialized = answers({**payload, "title": "Đèn đường hỏng"}, drf=False)
    drf, serialized_drf = answers({**payload, "title": "Đèn đường hỏng ở bản"}, drf=True)
    assert (shortcut.status_code, serialized, serialized_drf) == (201, False, True)
    _same(shortcut, drf)
    assert Item.objects.count() == 2


def test_a_repeat_of_an_idempotency_key_is_the_same_either_way(answers, payload):
    key = {"HTTP_IDEMPOTENCY_KEY": "5f1c0a4e-2b8d-4c1e-9d7a-0e6b3f2a1c9d"}
    first, _ = answers(payload, drf=False, **key)
    shortcut, _ = answers(payload, drf=False, **key)
    drf, _ = answers(payload, drf=True, **key)
    assert (first.status_code, shortcut.status_code) == (201, 200)
    assert shortcut.json() == drf.json() == {**first.json()}
    _same(shortcut, drf)


@pytest.mark.parametrize(
    "change",
    [
        {"submitter_phone": "12345"},
        {"submitter_email": "@@"},
        {"consent_processing": False},
        {"commune": 999999},
        {"residential_area": 999999},
    ],
)
def test_a_refusal_of_the_service_is_the_same_either_way(answers, payload, change):
    shortcut, serialized = answers({**payload, **change}, drf=False)
    drf, _ = answers({**payload, **change}, drf=True)
    assert (shortcut.status_code, serialized) == (400, False)
    _same(shortcut, drf)
    assert not Item.objects.exists()


def test_english_is_the_same_either_way(answers, payload):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    shortcut, _ = answers({**payload, "submitter_phone": "12345"}, drf=False, **english)
    drf, _ = answers({**payload, "submitter_phone": "12345"}, drf=True, **english)
    assert shortcut.json()["error"]["fields"]["submitter_phone"][0].isascii()
    _same(shortcut, drf)


def test_the_rate_limit_is_the_same_either_way(answers, payload, settings):
    settings.FEEDBACK_SUBMIT_RATE = "1/3600"
    answers({**payload, "title": "Lần một"}, drf=False)
    shortcut, _ = answers({**payload, "title": "Lần hai"}, drf=False)
    drf, _ = answers({**payload, "title": "Lần ba"}, drf=True)
    assert shortcut.status_code == 429
    _same(shortcut, drf)


def test_a_database_outage_is_the_same_either_way(answers, payload, monkeypatch):
    def down(**fields):
        raise OperationalError("connection refused")

    monkeypatch.setattr(public, "item_submit", down)
    shortcut, _ = answers(payload, drf=False)
    drf, _ = answers(payload, drf=True)
    assert shortcut.status_code == 503
    _same(shortcut, drf)


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"HTTP_ACCEPT": "text/html"}, ""),
        ({}, "?format=api"),
        ({"CONTENT_TYPE": "application/json; charset=latin-1"}, ""),
    ],
)
def test_a_request_that_asks_for_something_else_goes_through_drf(client, payload, monkeypatch, headers, query):
    validated = []
    real_validated = public._validated
    monkeypatch.setattr(public, "_validated", lambda data: validated.append(1) or real_validated(data))
    import json

    content_type = headers.pop("CONTENT_TYPE", "application/json")
    client.post(URL + query, json.dumps(payload), content_type=content_type, **headers)
    assert validated == [1]


def test_the_shortcut_needs_no_csrf_token_as_the_drf_view_needs_none(payload):
    # Given an app that posts JSON with no cookie and no CSRF token, to a server that checks CSRF
    from django.test import Client

    app = Client(enforce_csrf_checks=True)
    # When it submits, then the submission is stored, as the DRF view (no session authentication) stores it
    response = app.post(URL, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Item.objects.filter(tracking_code=response.json()["tracking_code"]).exists()
