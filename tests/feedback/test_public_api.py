"""The public API: POST /api/v1/public/items/ and GET /api/v1/public/items/<code>/."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from feedback.models import Channel, Item
from feedback.services.intake import AFTER_SUBMIT_HOOKS
from tests.feedback.files import HTML, PDF, SVG, jpeg_with_gps, png_bytes, xlsx_bytes

URL = "/api/v1/public/items/"
pytestmark = pytest.mark.django_db


def test_json_submission_returns_a_receipt(client, payload):
    # When a client posts a JSON item
    response = client.post(URL, payload, content_type="application/json")
    # Then it gets 201 with the code, the secret and the triage due date, and the item is saved
    assert response.status_code == 201, response.content
    body = response.json()
    item = Item.objects.get(tracking_code=body["tracking_code"])
    assert body["secret"]
    assert body["triage_due_date"] == item.triage_due_date.isoformat()
    assert item.channel == Channel.API
    assert item.consent_method == "api"
    assert item.privacy_notice_version


def test_multipart_submission_with_attachments(client, payload):
    files = [
        SimpleUploadedFile("anh.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("bang.xlsx", xlsx_bytes(), "application/octet-stream"),
    ]
    response = client.post(URL, {**payload, "attachments": files})
    assert response.status_code == 201, response.content
    item = Item.objects.get(tracking_code=response.json()["tracking_code"])
    assert sorted(a.original_name for a in item.attachments.all()) == ["anh.jpg", "bang.xlsx"]


def test_idempotency_key_header_gives_one_item(client, payload):
    headers = {"HTTP_IDEMPOTENCY_KEY": "7f1c2a6e-2b7a-4c55-9d1e-0a9b8c7d6e5f"}
    first = client.post(URL, payload, content_type="application/json", **headers)
    second = client.post(URL, payload, content_type="application/json", **headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert first.json()["secret"] == second.json()["secret"]
    assert Item.objects.count() == 1


def test_idempotency_key_reuse_with_other_content_is_409(client, payload):
    headers = {"HTTP_IDEMPOTENCY_KEY": "7f1c2a6e-2b7a-4c55-9d1e-0a9b8c7d6e5f"}
    client.post(URL, payload, content_type="application/json", **headers)
    response = client.post(URL, {**payload, "content": "khác"}, content_type="application/json", **headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('["a", "list"]', "application/json"),
        ('"a string"', "application/json"),
        ('--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nbroken', "multipart/form-data; boundary=xyz"),
        ("irrelevant", "multipart/form-data"),
    ],
)
def test_malformed_bodies_are_400_never_500(client, body, content_type):
    response = client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "abc"),
        ("commune", {"id": 1}),
        ("consent_processing", "maybe"),
        ("latitude", "north"),
        ("title", ["a", "b"]),
        ("title", ""),
        ("type", "denunciation-of-everyone"),
        ("submitter_phone", "12345"),
        ("submitter_email", "@@"),
    ],
)
def test_wrong_types_are_refused_with_the_field_named(client, payload, field, value):
    body = {**payload, field: value}
    if field == "latitude":
        body["longitude"] = "103.02"
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"] or field.replace("submitter_", "submitter_") in error["fields"], error


def test_vietnamese_message_by_default(client, payload):
    response = client.post(URL, {**payload, "consent_processing": False}, content_type="application/json")
    assert response.status_code == 400
    assert "Mặt trận chỉ có thể xử lý" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("anh.svg", SVG),
        ("anh.jpg", SVG),  # forged: SVG named as a photo
        ("trang.jpg", HTML),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("fake.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_refused_files(client, payload, name, data):
    response = client.post(URL, {**payload, "attachments": [SimpleUploadedFile(name, data, "image/jpeg")]})
    assert response.status_code == 400, response.content
    assert "attachments" in response.json()["error"]["fields"]
    assert not Item.objects.exists()


def test_oversized_and_too_many_files(client, payload, settings):
    settings.FEEDBACK_MAX_ATTACHMENT_BYTES = 1024
    big = SimpleUploadedFile("to.pdf", PDF + b"0" * 2048, "application/pdf")
    response = client.post(URL, {**payload, "attachments": [big]})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "attachment_too_large"
    settings.FEEDBACK_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    six = [SimpleUploadedFile(f"{n}.png", png_bytes(), "image/png") for n in range(6)]
    response = client.post(URL, {**payload, "attachments": six})
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_honeypot_is_refused(client, payload):
    response = client.post(URL, {**payload, "fax_number": "http://spam.example"}, content_type="application/json")
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_rate_limit_per_client_address_is_in_the_shared_cache(client, payload, settings):
    from django.core.cache import cache
    from django_redis.cache import RedisCache

    settings.FEEDBACK_SUBMIT_RATE = "2/3600"
    assert isinstance(cache._cache if hasattr(cache, "_cache") else cache, object)
    codes = [client.post(URL, payload, content_type="application/json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    # Another client from another address is not limited
    other = client.post(URL, payload, content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 201
    # The counter lives in Redis (shared by every web process)
    from django.core.cache import caches

    assert isinstance(caches["default"], RedisCache)
    assert any(key.startswith("rl:submit:") for key in caches["default"].keys("rl:submit:*"))


def test_submission_succeeds_when_redis_and_the_broker_are_down(client, payload, django_capture_on_commit_callbacks):
    # Given the cache points at a closed port and the after-submit hook fails like an unreachable broker
    down = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }

    def broker_down(item_id):
        raise ConnectionRefusedError("broker unreachable")

    registered = list(AFTER_SUBMIT_HOOKS)  # the notification outbox registers itself at start-up
    AFTER_SUBMIT_HOOKS[:] = [broker_down]
    try:
        with override_settings(CACHES=down), django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, payload, content_type="application/json")
    finally:
        AFTER_SUBMIT_HOOKS[:] = registered
    # Then the item is saved and the citizen gets a receipt
    assert response.status_code == 201, response.content
    assert Item.objects.filter(tracking_code=response.json()["tracking_code"]).exists()


@pytest.mark.django_db(transaction=True)
def test_submission_query_count_is_pinned(client, payload, django_assert_num_queries):
    # Given the reference data is in the per-process cache and the statement prepared in the session (after
    # two submissions), and the after-commit hooks set aside (tests run tasks inline: the notifications'
    # planning would be counted here)
    client.post(URL, payload, content_type="application/json")
    client.post(URL, payload, content_type="application/json")
    registered = list(AFTER_SUBMIT_HOOKS)
    AFTER_SUBMIT_HOOKS[:] = []
    try:
        # Then a submission, in autocommit as in production, is one statement: the item and its event
        # together, atomic on its own (ADR 0168); rules and places come from the cache
        with django_assert_num_queries(1) as captured:
            response = client.post(
                URL, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="7f1c2a6e-2b7a-4c55-9d1e"
            )
    finally:
        AFTER_SUBMIT_HOOKS[:] = registered
    assert response.status_code == 201
    # (prepared by the second submission of this database session: now only executed, ADR 0175)
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE submit_item_and_event (")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = 'submit_item_and_event'")
        (statement,) = cursor.fetchone()
    assert statement.startswith(
        'PREPARE submit_item_and_event AS WITH new_item AS (INSERT INTO feedback_item ("tracking_code"'
    )
    # And the event row is there, in that same statement
    item = Item.objects.get(tracking_code=response.json()["tracking_code"])
    assert list(item.events.values_list("kind", "to_status")) == [("submitted", "received")]


@pytest.mark.django_db(transaction=True)
def test_a_retry_in_autocommit_replays_the_one_statement_submission(client, payload):
    # Given a submission written as one statement outside any transaction (as in production)
    headers = {"HTTP_IDEMPOTENCY_KEY": "5d0c9a1e-8f3b-4a2d-b6c7-1e2f3a4b5c6d"}
    first = client.post(URL, payload, content_type="application/json", **headers)
    # When the client retries with the same key (the unique constraint refuses the second INSERT)
    second = client.post(URL, payload, content_type="application/json", **headers)
    # Then the same receipt comes back, and there is one item with one SUBMITTED event
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["secret"] == second.json()["secret"]
    item = Item.objects.get()
    assert item.tracking_code == first.json()["tracking_code"]
    assert list(item.events.values_list("kind", flat=True)) == ["submitted"]


# ---- lookup -------------------------------------------------------------------------------------------


def test_lookup_with_the_secret_shows_public_side_only(client, submitted):
    item, secret = submitted
    response = client.get(f"{URL}{item.tracking_code}/", HTTP_X_TRACKING_SECRET=secret)
    assert response.status_code == 200
    body = response.json()
    assert body["public_status"] == "received"
    assert body["history"][0]["kind"] == "submitted"
    text = json.dumps(body, ensure_ascii=False)
    assert "Pánh" not in text
    assert "912345678" not in text
    assert "submitter" not in text


def test_lookup_without_the_secret_reveals_nothing(client, submitted):
    item, _secret = submitted
    wrong = client.get(f"{URL}{item.tracking_code}/", HTTP_X_TRACKING_SECRET="AAAAAA")
    missing = client.get(f"{URL}{item.tracking_code}/")
    unknown = client.get(f"{URL}DB-26-AAA-AAA-AAA/", HTTP_X_TRACKING_SECRET="AAAAAA")
    assert wrong.status_code == missing.status_code == unknown.status_code == 404
    assert wrong.json() == missing.json() == unknown.json()


def test_wrong_lookups_on_one_code_do_not_lock_its_owner_out(client, submitted, settings):
    item, secret = submitted
    settings.FEEDBACK_LOOKUP_CODE_FAILURE_RATE = "3/900"
    for n in range(3):
        wrong = client.get(f"{URL}{item.tracking_code}/", HTTP_X_TRACKING_SECRET=f"WRONG{n}", REMOTE_ADDR=f"10.0.1.{n}")
        assert wrong.status_code == 404
    # The owner's secret still opens it: a storm of guesses on a code does not lock its owner out.
    response = client.get(f"{URL}{item.tracking_code}/", HTTP_X_TRACKING_SECRET=secret, REMOTE_ADDR="10.0.1.99")
    assert response.status_code == 200


def test_wrong_lookups_are_throttled_per_address(client, submitted, settings):
    settings.FEEDBACK_LOOKUP_FAILURE_RATE = "3/900"
    for n in range(3):
        client.get(f"{URL}DB-26-AAA-AAA-AA{n}/", HTTP_X_TRACKING_SECRET="X")
    item, secret = submitted
    assert client.get(f"{URL}{item.tracking_code}/", HTTP_X_TRACKING_SECRET=secret).status_code == 429


def test_public_api_is_in_the_openapi_schema(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/public/items/" in schema
    assert "/api/v1/public/items/{code}/" in schema
    assert "public_item_submit" in schema
    assert "Idempotency-Key" in schema


def test_categories_are_listed_publicly(client, category, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/public/categories/")
    assert response.status_code == 200
    assert response.json()[0]["name_vi"] == "Đất đai"


def test_a_secret_in_the_url_is_refused(client, submitted):
    item, secret = submitted

    response = client.get(f"{URL}{item.tracking_code}/?secret={secret}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "secret_in_url"
