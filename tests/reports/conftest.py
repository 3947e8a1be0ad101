"""A small province with a hand-computed set of items (figures in the docstring of ``figures_world``)."""

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.models import Category, Channel, ConsentMethod, Item, ItemType, Status

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 7, 15)
_codes = itertools.count(1)


def at(day: str | None, hour: int = 10):
    if day is None:
        return None
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=TZ)


def make_item(
    *,
    commune,
    category,
    status=Status.RECEIVED,
    agency=None,
    received,
    forwarded=None,
    due=None,
    answered=None,
    on_time=None,
    closed=None,
    legitimate=None,
    type=ItemType.RECOMMENDATION,
    channel=Channel.WEB,
    source_organization=None,
    **extra,
) -> Item:
    n = next(_codes)
    return Item.objects.create(
        tracking_code=f"DB-26-T{n:02d}-000-00{n % 10}",
        secret_hash="x",
        type=type,
        category=category,
        commune=commune,
        title=f"Kiến nghị số {n}",
        content="Nội dung",
        channel=channel,
        consent_processing=True,
        privacy_notice_version="2026-01",
        consent_method=ConsentMethod.ONLINE_FORM,
        status=status,
        current_agency=agency,
        received_at=at(received),
        forwarded_at=at(forwarded),
        answer_due_date=date.fromisoformat(due) if due else None,
        due_date=date.fromisoformat(due) if due else extra.pop("due_date", None),
        answered_at=at(answered),
        answer_on_time=on_time,
        closed_at=at(closed),
        is_legitimate=legitimate,
        source_organization=source_organization,
        submitter_name=extra.pop("submitter_name", "Lò Văn Bình"),
        submitter_phone=extra.pop("submitter_phone", "0912345678"),
        **extra,
    )


@pytest.fixture
def clock():
    with time_machine.travel(datetime.combine(TODAY, time(9), tzinfo=TZ), tick=False) as traveller:
        yield traveller


@pytest.fixture
def categories(db):
    land = Category.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land", order=1)
    roads = Category.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Transport", order=2)
    return land, roads


@pytest.fixture
def figures_world(clock, commune_a, commune_b, agency_a, agency_b, categories):
    """Seven items; today is 2026-07-15. Hand-computed figures for 2026-H1:

    commune A (agency A): received 4, answered 2 (1 on time), resolved 1; due 3, of which answered 2,
    on time 1, resolved 1; open now 3 (i2 answered, i3, i4), overdue now 2 (an answered item is not).
    Agency A: waiting 1 (overdue 1), median 17.5 days.
    commune B (agency B): received 2, answered 1 (on time), resolved 1; due 1 (answered, on time,
    resolved); open now 1 (i7, received in July), overdue 0. Agency B: waiting 1, median 14 days.
    """
    land, roads = categories
    items = {
        "i1": make_item(
            commune=commune_a,
            category=land,
            status=Status.RESOLVED,
            agency=agency_a,
            received="2026-02-03",
            forwarded="2026-02-05",
            due="2026-02-20",
            answered="2026-02-18",
            on_time=True,
            closed="2026-02-25",
            legitimate=True,
        ),
        "i2": make_item(
            commune=commune_a,
            category=roads,
            status=Status.ANSWERED,
            agency=agency_a,
            received="2026-03-10",
            forwarded="2026-03-11",
            due="2026-03-26",
            answered="2026-04-02",
            on_time=False,
            legitimate=True,
        ),
        "i3": make_item(
            commune=commune_a,
            category=land,
            status=Status.FORWARDED,
            agency=agency_a,
            received="2026-05-04",
            forwarded="2026-05-05",
            due="2026-05-20",
            legitimate=True,
        ),
        "i4": make_item(
            commune=commune_a,
            category=roads,
            status=Status.RECEIVED,
            received="2026-06-30",
            due_date=date(2026, 7, 7),
            channel=Channel.PHONE,
        ),
        "i5": make_item(
            commune=commune_b,
            category=land,
            status=Status.RESOLVED,
            agency=agency_b,
            received="2026-01-15",
            forwarded="2026-01-16",
            due="2026-01-31",
            answered="2026-01-30",
            on_time=True,
            closed="2026-02-02",
            legitimate=True,
        ),
        "i6": make_item(
            commune=commune_b,
            category=roads,
            status=Status.REJECTED,
            received="2026-04-01",
            closed="2026-04-03",
            legitimate=False,
        ),
        "i7": make_item(
            commune=commune_b,
            category=land,
            status=Status.FORWARDED,
            agency=agency_b,
            received="2026-07-10",
            forwarded="2026-07-11",
            due="2026-07-26",
            legitimate=True,
        ),
    }
    from reports.services import summary_refresh

    summary_refresh(full=True)
    return items
