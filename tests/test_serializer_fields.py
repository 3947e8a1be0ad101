"""Serializers whose fields are built once per class (mttq_portal/serializer_fields.py, ADR 0174): they validate
and report errors exactly as a plain serializer does, share their fields between instances and threads without
cross-talk, refuse fields that could keep per-request state, and format receipts in the portal's time zone."""

import datetime as dt
import sys
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import translation
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from feedback.api.public import PublicItemInputSerializer, ReceiptSerializer
from feedback.models import item_field_max
from mttq_portal.serializer_fields import FrozenFieldsMixin


def _declared_fields() -> dict:
    """Fresh field objects of every allowed class (each serializer class gets its own)."""
    return {
        "kind": serializers.ChoiceField(choices=[("report", "Report"), ("question", "Question")]),
        "title": serializers.CharField(max_length=10),
        "note": serializers.CharField(required=False, allow_blank=True, max_length=5),
        "count": serializers.IntegerField(min_value=1, required=False, allow_null=True),
        "amount": serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True),
        "urgent": serializers.BooleanField(required=False, default=False),
        "day": serializers.DateField(required=False),
        "at": serializers.DateTimeField(required=False),
        "files": serializers.ListField(child=serializers.FileField(), required=False, max_length=2),
        "tags": serializers.ListField(child=serializers.CharField(max_length=3), required=False),
    }


def _frozen_class(fields: dict | None = None, name: str = "FrozenInput") -> type:
    """A new serializer class with the mixin: its fields cache is its own (the cache is per class)."""
    return type(name, (FrozenFieldsMixin, serializers.Serializer), fields if fields is not None else _declared_fields())


def _plain_class() -> type:
    return type("PlainInput", (serializers.Serializer,), _declared_fields())


def _file(name: str = "anh.jpg", data: bytes = b"\xff\xd8\xff\xe0 a photo") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "image/jpeg")


def _norm(value):
    """Comparable: error details keep their code, uploaded files are compared by name and size."""
    if isinstance(value, dict):
        return {key: _norm(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    if isinstance(value, ErrorDetail):
        return ("error", str(value), value.code)
    if isinstance(value, UploadedFile):
        return ("file", value.name, value.size)
    return value


def _outcome(serializer_class: type, data) -> tuple:
    serializer = serializer_class(data=data)
    valid = serializer.is_valid()
    return valid, _norm(dict(serializer.validated_data) if valid else {}), _norm(dict(serializer.errors))


VALID = {"kind": "report", "title": "Sạt lở"}
PHOTO, MAP, THIRD = _file("anh.jpg"), _file("ban-do.png"), _file("them.jpg")

INPUTS = [
    pytest.param(VALID, id="valid-minimum"),
    pytest.param(
        {
            **VALID,
            "note": "ngõ 3",
            "count": "7",
            "amount": "123.45",
            "urgent": "true",
            "day": "2026-03-13",
            "at": "2026-03-01T09:30:00+07:00",
            "files": [PHOTO, MAP],
            "tags": ["a", "bc"],
        },
        id="valid-everything",
    ),
    pytest.param({**VALID, "note": "", "count": None, "amount": None}, id="valid-blank-and-null"),
    pytest.param({}, id="empty"),
    pytest.param({"kind": "report"}, id="missing-required-title"),
    pytest.param({**VALID, "title": ""}, id="blank-required-title"),
    pytest.param({**VALID, "title": None}, id="null-title"),
    pytest.param({**VALID, "title": "x" * 11}, id="title-too-long"),
    pytest.param({**VALID, "note": "dài quá"}, id="optional-too-long"),
    pytest.param({**VALID, "kind": "complaint"}, id="wrong-choice"),
    pytest.param({**VALID, "count": "0"}, id="integer-below-minimum"),
    pytest.param({**VALID, "count": "bảy"}, id="not-an-integer"),
    pytest.param({**VALID, "amount": "12,5"}, id="bad-decimal"),
    pytest.param({**VALID, "amount": "1234.5"}, id="decimal-too-many-digits"),
    pytest.param({**VALID, "amount": "1.234"}, id="decimal-too-many-places"),
    pytest.param({**VALID, "urgent": "maybe"}, id="bad-boolean"),
    pytest.param({**VALID, "day": "13/03/2026"}, id="bad-date"),
    pytest.param({**VALID, "at": "hôm qua"}, id="bad-datetime"),
    pytest.param({**VALID, "files": [PHOTO, MAP, THIRD]}, id="list-of-files-too-long"),
    pytest.param({**VALID, "files": [PHOTO, "not a file"]}, id="list-with-a-non-file"),
    pytest.param({**VALID, "files": [_file("rong.jpg", b"")]}, id="empty-file"),
    pytest.param({**VALID, "files": "anh.jpg"}, id="files-not-a-list"),
    pytest.param({**VALID, "tags": ["ok", "too long"]}, id="child-too-long"),
    pytest.param(
        {"kind": "x", "title": "y" * 20, "count": -1, "amount": "abc", "tags": ["abcd"]}, id="many-errors-at-once"
    ),
    pytest.param(["not", "a", "dict"], id="not-an-object"),
]


@pytest.mark.parametrize("data", INPUTS)
def test_frozen_fields_validate_and_report_errors_exactly_like_a_plain_serializer(data):
    # given the same fields declared on a serializer with the mixin and on one without
    frozen, plain = _frozen_class(), _plain_class()

    # when both validate the same input (the frozen one twice: once building its fields, once reusing them)
    expected = _outcome(plain, data)
    first, second = _outcome(frozen, data), _outcome(frozen, data)

    # then validated_data and errors are the same
    assert first == expected
    assert second == expected


def test_the_expected_values_come_out_of_a_valid_input():
    # a sanity check that the comparison above compares real values, not two empty results
    valid, data, errors = _outcome(_frozen_class(), {**VALID, "amount": "1.5", "count": "3", "files": [PHOTO]})

    assert (valid, errors) == (True, {})
    assert data == {
        "kind": "report",
        "title": "Sạt lở",
        "amount": Decimal("1.50"),
        "count": 3,
        "urgent": False,
        "files": [("file", "anh.jpg", PHOTO.size)],
    }


def test_two_instances_share_the_same_field_objects_which_keep_their_names():
    # given a serializer class with the mixin
    frozen = _frozen_class()

    # when two instances are made (with different data)
    one, two = frozen(data={"title": "a"}), frozen(data={"title": "b"})

    # then their fields are the very same objects, built once
    assert one.fields is two.fields
    for name in _declared_fields():
        assert one.fields[name] is two.fields[name]
    # and every field is bound under its declared name
    assert list(one.fields) == list(_declared_fields())
    assert {name: (f.field_name, f.source) for name, f in one.fields.items()} == {
        name: (name, name) for name in _declared_fields()
    }
    # and a plain serializer, for contrast, builds its own per instance
    plain = _plain_class()
    assert plain().fields["title"] is not plain().fields["title"]


def test_each_class_has_its_own_fields():
    first, second = _frozen_class(), _frozen_class()

    assert first().fields is not second().fields
    assert first().fields["title"] is not second().fields["title"]


def _public_inputs() -> list[dict]:
    """Different inputs for the public submission's serializer: valid ones that differ, and invalid ones."""
    base = {"type": "recommendation", "category": 3, "commune": 12, "title": "Đường sạt", "content": "Sạt lở."}
    base["consent_processing"] = True
    most = settings.FEEDBACK_MAX_ATTACHMENTS
    files = [_file(f"anh-{i}.jpg", b"\xff\xd8" + bytes([i]) * (i + 1)) for i in range(most + 1)]
    inputs: list[dict] = []
    for i in range(12):
        inputs.append(
            {
                **base,
                "type": ["recommendation", "report"][i % 2],
                "category": i + 1,
                "commune": 100 + i,
                "title": f"Tiêu đề số {i}",
                "content": "nội dung " * (i + 1),
                "latitude": f"21.{i:06d}",
                "longitude": f"103.{i:06d}",
                "is_anonymous": i % 3 == 0,
                "submitter_name": f"Người {i}",
                "submitter_phone": f"091234{i:04d}",
                "consent_contact": i % 2 == 0,
                "attachments": files[: i % (most + 1)],
            }
        )
    inputs += [
        {key: value for key, value in base.items() if key != "title"},
        {key: value for key, value in base.items() if key != "consent_processing"},
        {**base, "title": "x" * (item_field_max("title") + 1)},
        {**base, "content": ""},
        {**base, "type": "complaint"},
        {**base, "category": 0},
        {**base, "commune": "mười hai"},
        {**base, "latitude": "21,5"},
        {**base, "longitude": "1234567.1234567"},
        {**base, "submitter_phone": "0" * 41},
        {**base, "is_anonymous": "có lẽ"},
        {**base, "attachments": files},
        {**base, "attachments": [files[0], "không phải tệp"]},
        {**base, "residential_area": None, "address_text": "", "request_text": ""},
        {"title": "", "content": "", "type": "", "category": "", "commune": ""},
        {},
    ]
    return inputs


def test_concurrent_validations_give_each_input_its_serial_result():
    # given many different inputs and what a serial run gives for each
    inputs = _public_inputs()
    with translation.override(settings.LANGUAGE_CODE):
        serial = [_outcome(PublicItemInputSerializer, data) for data in inputs]
    assert any(valid for valid, _d, _e in serial)
    assert not all(valid for valid, _d, _e in serial)
    assert len({repr(outcome) for outcome in serial}) == len(inputs)  # every input has its own result

    # when 8 threads validate 200 inputs each, all at once, switching threads as often as possible
    threads_count, per_thread = 8, 200
    barrier = threading.Barrier(threads_count)
    results: list[list[tuple[int, tuple]]] = [[] for _ in range(threads_count)]
    failures: list[BaseException] = []

    def run(t: int) -> None:
        try:
            with translation.override(settings.LANGUAGE_CODE):
                barrier.wait()
                for k in range(per_thread):
                    index = (t * 7 + k * 13) % len(inputs)
                    results[t].append((index, _outcome(PublicItemInputSerializer, inputs[index])))
        except BaseException as exc:  # reported below
            failures.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=run, args=(t,)) for t in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    # then every validation gave exactly what the serial run gave for its input
    assert failures == []
    assert sum(len(r) for r in results) == threads_count * per_thread
    wrong = [(t, index) for t, rows in enumerate(results) for index, outcome in rows if outcome != serial[index]]
    assert wrong == []


# ---- fields that are refused --------------------------------------------------------------------------------


class _NeedsContext:
    requires_context = True

    def __call__(self, value, serializer_field):
        return None


REFUSED = [
    pytest.param(
        lambda: serializers.HiddenField(default=serializers.CurrentUserDefault()), "HiddenField", id="hidden-field"
    ),
    pytest.param(lambda: serializers.SerializerMethodField(), "SerializerMethodField", id="method-field"),
    pytest.param(
        lambda: type("Nested", (serializers.Serializer,), {"name": serializers.CharField()})(),
        "Nested",
        id="nested-serializer",
    ),
    pytest.param(lambda: serializers.JSONField(), "JSONField", id="json-field"),
    pytest.param(lambda: serializers.ListField(child=serializers.JSONField()), "JSONField", id="list-of-json"),
    pytest.param(
        lambda: serializers.CharField(validators=[_NeedsContext()]), "reads the serializer's context", id="validator"
    ),
    pytest.param(
        lambda: serializers.CharField(default=serializers.CurrentUserDefault()),
        "reads the serializer's context",
        id="default",
    ),
    pytest.param(
        lambda: serializers.ListField(child=serializers.CharField(validators=[_NeedsContext()])),
        "reads the serializer's context",
        id="child-validator",
    ),
]


@pytest.mark.parametrize(("make_field", "message"), REFUSED)
def test_a_field_that_may_keep_request_state_is_refused_when_the_fields_are_first_used(make_field, message):
    # given a fresh class declaring one refused field next to allowed ones (declaring it does not fail)
    refused = _frozen_class({"title": serializers.CharField(), "odd": make_field()}, name="Refusing")

    # when its fields are first used, then TypeError names the class and the field
    with pytest.raises(TypeError) as first:
        refused(data={"title": "x", "odd": "y"}).is_valid()
    assert "Refusing.odd" in str(first.value)
    assert message in str(first.value)
    # and the refusal is not forgotten: nothing was cached, the next use fails too
    with pytest.raises(TypeError):
        _ = refused().fields
    assert "_frozen_fields" not in refused.__dict__


def test_a_validator_without_context_is_allowed():
    def no_digits(value):
        if any(c.isdigit() for c in value):
            raise serializers.ValidationError("no digits", code="digits")

    allowed = _frozen_class({"title": serializers.CharField(validators=[no_digits])})

    assert allowed(data={"title": "abc"}).is_valid()
    serializer = allowed(data={"title": "a1"})
    assert not serializer.is_valid()
    assert _norm(dict(serializer.errors)) == {"title": [("error", "no digits", "digits")]}


# ---- the receipt ---------------------------------------------------------------------------------------------


def test_the_receipt_gives_the_time_in_vietnam_and_the_date_as_iso():
    # given a receipt for an item received at 02:30:15 UTC, due for triage on 13 March
    receipt = {
        "tracking_code": "PA-2026-000123",
        "secret": "K7QP-2MXD-94TR",
        "public_status": "received",
        "received_at": dt.datetime(2026, 3, 1, 2, 30, 15, tzinfo=dt.UTC),
        "triage_due_date": dt.date(2026, 3, 13),
        "lookup_url": "http://testserver/tra-cuu/",
    }

    # when it is serialized (twice: the fields are built once, then reused)
    first, second = ReceiptSerializer(receipt).data, ReceiptSerializer(receipt).data

    # then the time is in Asia/Ho_Chi_Minh (+07:00) and the date is ISO
    expected = {
        "tracking_code": "PA-2026-000123",
        "secret": "K7QP-2MXD-94TR",
        "public_status": "received",
        "received_at": "2026-03-01T09:30:15+07:00",
        "triage_due_date": "2026-03-13",
        "lookup_url": "http://testserver/tra-cuu/",
    }
    assert dict(first) == expected
    assert dict(second) == expected
    # and across midnight the local date is the next day
    late = ReceiptSerializer({**receipt, "received_at": dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)}).data
    assert late["received_at"] == "2026-03-02T03:00:00+07:00"


def test_the_shared_fields_keep_no_request_data_and_no_receipt_secret():
    # given a fresh class whose fields are first used by a request carrying a citizen's data, and a receipt
    input_class = _frozen_class(name="FrozenInputNoLeak")
    first = input_class(data={"title": "Đường sạt lở", "content": "Nội dung", "submitter_phone": "0912345678"})
    first.is_valid()
    receipt_class = type("FrozenReceiptNoLeak", (ReceiptSerializer,), {})
    moment = dt.datetime(2026, 3, 1, 2, 30, 15, tzinfo=dt.UTC)
    receipt = {
        "tracking_code": "DB-26-AAA",
        "secret": "FIRST-SECRET",
        "public_status": "received",
        "received_at": moment,
        "triage_due_date": dt.date(2026, 3, 13),
        "lookup_url": "https://example.org/tra-cuu/",
    }
    assert receipt_class(receipt).data["secret"] == "FIRST-SECRET"

    # then the parent the shared fields keep is an empty serializer: no data, no instance, no secret
    for field in input_class().fields.values():
        assert field.root is not first
        assert not hasattr(field.root, "initial_data")
    for field in receipt_class().fields.values():
        assert field.root.instance is None


def test_partial_validation_is_refused_rather_than_silently_ignored():
    with pytest.raises(TypeError, match="partial"):
        PublicItemInputSerializer(data={"title": "x"}, partial=True)
