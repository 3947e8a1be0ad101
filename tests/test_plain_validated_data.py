"""The plain JSON submission's shortcut reads a body exactly as the serializer does, or leaves it to the serializer
(ADR 0183).

The oracle is DRF's own ``is_valid()`` / ``validated_data`` on the same body: wherever the shortcut answers, the
serializer must accept the body and hold the same values; and the shortcut must answer the bodies citizens' apps
send, or it saves nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.api.public import PublicItemInputSerializer
from mttq_portal.serializer_fields import plain_validated_data

FIELDS = list(PublicItemInputSerializer().fields)

# Values of every JSON type, the awkward ones of each included: blank and padded text, NUL, a lone surrogate,
# text past the longest field, ids of 0, past a bigint and as text, numbers as text, true as text, null.
awkward_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 2**63 - 1, 2**63, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "   ",
            " Đường vào bản ",
            "a\x00b",
            "x\ud800y",
            "t" * 201,
            "c" * 5001,
            "5",
            "true",
            "report",
            "recommendation",
            "denunciation",
            "0912 345 678",
            "12.5",
        ]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

bodies = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.sampled_from(["fax_number", "extra"])), awkward_values, max_size=12
)


def _typical(**changes):
    body = {
        "type": "report",
        "category": 3,
        "commune": 12,
        "title": "Rác thải đổ trộm bên suối",
        "content": "Có người đổ rác xuống suối Nậm Rốm vào ban đêm.",
        "consent_processing": True,
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def _same_as_the_serializer(body) -> None:
    plain = plain_validated_data(PublicItemInputSerializer, body)
    if plain is None:
        return
    serializer = PublicItemInputSerializer(data=body)
    assert serializer.is_valid(), (body, serializer.errors)
    assert plain == dict(serializer.validated_data), body


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_any_body_the_shortcut_reads_is_read_as_the_serializer_reads_it(body):
    _same_as_the_serializer(body)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(FIELDS), awkward_values)
def test_one_awkward_value_in_a_typical_body(field, value):
    _same_as_the_serializer(_typical(**{field: value}))


@pytest.mark.parametrize(
    "body",
    [
        _typical(),
        _typical(type="recommendation", consent_publish=True, submitter_phone="0912 345 678"),
        _typical(
            is_anonymous=False,
            submitter_name="  Lò Văn Pánh ",
            submitter_email="panh@example.vn",
            submitter_address="Bản Co Luống",
            address_text="",
            request_text="Đề nghị xử lý",
            consent_contact=True,
            residential_area=None,
            latitude=None,
            longitude=None,
            idempotency_key="5f1c0a4e-2b8d-4c1e-9d7a-0e6b3f2a1c9d",
            privacy_notice_version="2026-01",
        ),
    ],
)
def test_the_bodies_apps_send_take_the_shortcut(body):
    plain = plain_validated_data(PublicItemInputSerializer, body)
    assert plain is not None
    serializer = PublicItemInputSerializer(data=body)
    assert serializer.is_valid()
    assert plain == dict(serializer.validated_data)


@pytest.mark.parametrize(
    "body",
    [
        ["a", "list"],
        "text",
        None,
        _typical(category="3"),  # a number as text: the serializer converts it
        _typical(consent_processing="true"),
        _typical(latitude=21.38, longitude=103.02),  # decimals: the serializer rounds them
        _typical(title="   "),  # blank after trimming: the serializer explains it
        _typical(title=...),  # a required field missing
        _typical(fax_number="http://spam.example"),  # the honeypot: the view refuses it
        _typical(attachments=[]),  # files come in multipart
        _typical(commune=2**63),
    ],
)
def test_anything_else_is_left_to_the_serializer(body):
    assert plain_validated_data(PublicItemInputSerializer, body) is None
