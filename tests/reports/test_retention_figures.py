"""Retention erases what it must and leaves every figure as it was.

The before/after columns of one item are printed by the test (``-s``) and asserted; the dashboard, the
targets' rollup, the portal-use counts and the public figures are computed through their own selectors and
services before and after the retention run, and must be equal.
"""

import dataclasses
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from feedback.models import Attachment, EventKind, Item, ItemEvent, Notification, NotificationStatus
from feedback.selectors.public import public_figures_by_agency, public_figures_by_commune
from feedback.selectors.statistics import portal_use_counts
from feedback.services.retention import closed_items_anonymise
from organizations.models import SecurityEvent, SecurityEventKind
from reports.periods import period_parse
from reports.selectors import FigureFilters, dashboard_build
from reports.services import summary_refresh
from tests.reports.conftest import TZ

COLUMNS = [
    "title",
    "content",
    "request_text",
    "address_text",
    "search_text",
    "latitude",
    "longitude",
    "submitter_name",
    "submitter_phone",
    "submitter_email",
    "submitter_address",
    "rating_comment",
    "type",
    "category_id",
    "commune_id",
    "status",
    "current_agency_id",
    "received_at",
    "answered_at",
    "answer_on_time",
    "closed_at",
    "public_answer",
]


def figures(admin_user):
    dashboard = dashboard_build(user=admin_user, filters=FigureFilters(period=period_parse("2026")))
    board = {f.name: getattr(dashboard, f.name) for f in dataclasses.fields(dashboard)}
    board.pop("refreshed_at")
    return {
        "dashboard": repr(board),
        "portal_use": portal_use_counts(since=date(2026, 1, 1), until=date(2026, 12, 31)),
        "public_communes": repr(public_figures_by_commune()),
        "public_agencies": repr(public_figures_by_agency()),
    }


def target_values():
    from io import StringIO

    from targets.models import IndicatorValue
    from targets.seeding import seed_reference_data
    from targets.services.rollup import rollup_compliance

    seed_reference_data(stdout=StringIO())  # idempotent: the 11 targets and their indicators

    rollup_compliance(year=2026)
    return sorted(
        IndicatorValue.objects.values_list(
            "indicator__code", "period__code", "dimension", "key", "numerator", "denominator", "status"
        )
    )


@pytest.fixture
def traces(figures_world, tmp_path, settings):
    """What a citizen left on i1 (resolved 2026-02-25): a located, detailed, commented item with a photo, a
    history with notes naming them, and messages (one still waiting to go out)."""
    settings.MEDIA_ROOT = str(tmp_path)
    item = figures_world["i1"]
    Item.objects.filter(pk=item.pk).update(
        content="Nhà ông Lò Văn Bình ở bản Che Căn bị sạt lở, gọi 0912345678.",
        request_text="Đề nghị hỗ trợ di dời gia đình ông Bình.",
        address_text="Bản Che Căn, nhà số 12",
        search_text="nha ong lo van binh o ban che can",
        latitude=Decimal("21.383512"),
        longitude=Decimal("103.021877"),
        submitter_email="binh@example.org",
        submitter_address="Bản Che Căn",
        rating_comment="Cảm ơn, ông Bình rất hài lòng.",
        public_answer="Đã di dời hộ gia đình đến nơi an toàn.",
        consent_publish=True,
        title="Sạt lở nhà ông Lò Văn Bình",
    )
    when = datetime.combine(date(2026, 2, 25), time(10), tzinfo=TZ)
    ItemEvent.objects.create(
        item=item,
        kind=EventKind.TRANSITION,
        from_status="answered",
        to_status="resolved",
        note="Đã gọi ông Bình (0912345678) xác nhận.",
        data={"move": "resolve", "answer": "Ông Bình đồng ý"},
        created_at=when,
    )
    ItemEvent.objects.filter(item=item).update(created_at=when)
    name = default_storage.save("attachments/nha-ong-binh.jpg", ContentFile(b"\xff\xd8photo"))
    Attachment.objects.create(
        item=item, file=name, original_name="nha-ong-binh.jpg", content_type="image/jpeg", size=7, sha256="0" * 64
    )
    pending = Notification.objects.create(
        key="sms-pending-i1",
        template="item_resolved",
        channel="sms",
        recipient_address="0912345678",
        item=item,
        context={"name": "Lò Văn Bình", "title": "Sạt lở nhà ông Lò Văn Bình"},
    )
    sent = Notification.objects.create(
        key="email-sent-i1",
        template="item_received",
        channel="email",
        recipient_address="binh@example.org",
        item=item,
        status=NotificationStatus.SENT,
        context={"name": "Lò Văn Bình"},
    )
    return item, name, pending, sent


def test_retention_erases_one_item_and_every_figure_stays_the_same(
    traces, figures_world, admin_user, settings, django_capture_on_commit_callbacks, capsys
):
    item, file_name, pending, sent = traces
    summary_refresh(full=True)
    before_targets = target_values()  # first: the dashboard shows the rolled-up target values
    before_figures = figures(admin_user)
    before = Item.objects.values(*COLUMNS).get(pk=item.pk)

    # When the retention run passes 100 days after i1 and i5 were closed (today is 2026-07-15)
    settings.RETENTION_ANONYMISE_AFTER_DAYS = 100
    with django_capture_on_commit_callbacks(execute=True):
        erased = closed_items_anonymise()
    summary_refresh(full=True)

    after = Item.objects.values(*COLUMNS).get(pk=item.pk)
    with capsys.disabled():
        print("\ncolumn | before | after")
        for column in COLUMNS:
            print(f"{column} | {before[column]!r} | {after[column]!r}")

    # Then i1 and i5 (closed 2026-02-02) are erased; i6 (rejected 2026-04-03, 103 days) too; nothing open is.
    assert erased == 3
    assert set(Item.objects.filter(anonymized_at__isnull=False).values_list("pk", flat=True)) == {
        figures_world[k].pk for k in ("i1", "i5", "i6")
    }
    # The free text is gone; the published title is its public summary (the name masked).
    assert after["title"] == "Sạt lở nhà ông […]"
    for column in ("content", "request_text", "address_text", "search_text", "rating_comment"):
        assert after[column] == "", column
    assert (after["latitude"], after["longitude"]) == (None, None)
    assert [after[c] for c in COLUMNS if c.startswith("submitter_")] == ["", "", "", ""]
    # What statistics need is unchanged.
    for column in ("type", "category_id", "commune_id", "status", "current_agency_id", "received_at",
                   "answered_at", "answer_on_time", "closed_at", "public_answer"):  # fmt: skip
        assert after[column] == before[column], column
    # An unpublished erased item keeps no title text at all.
    assert Item.objects.get(pk=figures_world["i5"].pk).title == "[…]"

    # The history stays, without text: notes emptied, data reduced to codes.
    transition = ItemEvent.objects.get(item=item, kind=EventKind.TRANSITION)
    assert (transition.note, transition.data) == ("", {"move": "resolve"})
    assert ItemEvent.objects.filter(item=item, kind=EventKind.ANONYMIZED, data={"reason": "retention"}).count() == 1
    # The photo is deleted from storage and its row marked.
    attachment = Attachment.objects.get(item=item)
    assert attachment.erased_at is not None
    assert attachment.file.name == ""
    assert attachment.original_name == ""
    assert not default_storage.exists(file_name)
    # The waiting SMS is cancelled; every message lost its context and address.
    pending.refresh_from_db()
    sent.refresh_from_db()
    assert pending.status == NotificationStatus.CANCELLED
    assert sent.status == NotificationStatus.SENT
    assert pending.context == {} == sent.context
    assert "0912345678" not in pending.recipient_address
    assert "binh" not in sent.recipient_address
    # The run is in the security log.
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.RETENTION_RUN, detail__erased=3).exists()

    # And every figure is the same as before.
    assert target_values() == before_targets
    assert figures(admin_user) == before_figures
    assert before_targets, "the rollup computed values"

    # A second run finds nothing more to erase.
    assert closed_items_anonymise() == 0


def test_items_closed_recently_or_still_open_are_untouched(figures_world, settings):
    settings.RETENTION_ANONYMISE_AFTER_DAYS = 365
    assert closed_items_anonymise() == 0
    assert not Item.objects.filter(anonymized_at__isnull=False).exists()
