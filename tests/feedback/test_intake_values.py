"""The one-statement INSERT sends, for every column of the item and of its SUBMITTED event, the value Django's own
INSERT would send (ADR 0183: a value of a plain column's own type is sent as it is).

The oracle is Django's per-field path, ``get_db_prep_save(pre_save(...))``, run over the same instances with the
clock stopped: column by column, over submissions that use every kind of value (anonymous or named, with a place
and coordinates, by an officer, in a campaign, with a naive time)."""

from datetime import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from feedback.models import Campaign, Item, ItemEvent
from feedback.services import intake

FROZEN = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _djangos_values(obj, skip=""):
    fields, _columns = intake._insert_fields(type(obj), skip)
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection) for f in fields]


def _comparable(value):
    return getattr(value, "adapted", value)  # a JSON column's value is a wrapper around the data


def _instances(**fields):
    rows = intake.submission_build(intake.submission_validate(**fields))
    item = Item(tracking_code="DB-26-7KQ-9X4-M2C", secret_hash="k$h", **rows.item)
    return item, ItemEvent(item=item, **rows.event)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"is_anonymous": True, "consent_publish": True},
        {
            "submitter_name": "Lò Văn Pánh",
            "submitter_phone": "0912 345 678",
            "submitter_email": "panh@example.vn",
            "submitter_address": "Bản Co Luống",
            "consent_contact": True,
            "latitude": Decimal("21.385000"),
            "longitude": Decimal("103.020000"),
            "address_text": "Km 12",
            "request_text": "Đề nghị sửa đường",
            "idempotency_key": "5f1c0a4e-2b8d-4c1e-9d7a-0e6b3f2a1c9d",
        },
        {"is_complex": True, "is_mass_petition": True, "submitter_language": "en"},
        # set on the instance: Django makes it aware, and warns
        {"naive_time": datetime(2026, 11, 30, 23, 59)},  # noqa: DTZ001 (naive on purpose)
    ],
)
@pytest.mark.filterwarnings("ignore:DateTimeField Item.received_at received a naive datetime")
def test_every_column_is_sent_as_django_would_send_it(submit_kwargs, officer_a, front_a, extra):
    # Given a submission (and, for one, an officer recording it in a running campaign)
    fields = {**submit_kwargs, **extra}
    naive_time = fields.pop("naive_time", None)
    if "is_complex" in extra:
        fields["created_by"] = officer_a
        fields["campaign_id"] = Campaign.objects.create(
            name="Tháng lắng nghe",
            starts_on=FROZEN.date(),
            ends_on=FROZEN.date(),
            organization=front_a,
            unit=front_a.unit,
        ).id
    with mock.patch("django.utils.timezone.now", return_value=FROZEN):
        item, event = _instances(**fields)
        if naive_time:
            item.received_at = naive_time
        # When its values are computed for the one statement, and by Django's own path
        ours = intake._insert_values(item), intake._insert_values(event, skip="item")
        djangos = _djangos_values(item), _djangos_values(event, skip="item")
    # Then they are the same, column by column, type included
    for our_values, their_values, model, skip in zip(ours, djangos, (Item, ItemEvent), ("", "item"), strict=True):
        names = [f.name for f in intake._insert_fields(model, skip)[0]]
        for name, mine, theirs in zip(names, our_values, their_values, strict=True):
            assert _comparable(mine) == _comparable(theirs), name
            assert type(_comparable(mine)) is type(_comparable(theirs)), name


def test_the_shortcut_covers_the_columns_it_should(db):
    # Given the plan of the item's INSERT: the plain columns go as they are, the computed ones through the field
    plan = {f.name: plain for f, _attname, plain in intake._insert_plan(Item, "")}
    # Then texts, flags, ids and dates are plain; the decimals and the auto-stamped time are not
    assert (plan["title"], plan["is_anonymous"], plan["commune"]) == (str, bool, int)
    assert (plan["due_date"].__name__, plan["received_at"].__name__) == ("date", "datetime")
    assert (plan["latitude"], plan["updated_at"]) == (None, None)
