"""Reads for citizens and the public: the lookup (code + secret or phone digits) and the public record.

Nothing here returns submitter data to a page: the public record reads only anonymised fields, and the
lookup shows the citizen their own item's public side (status, public history, public answer).
"""

import re
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, QuerySet
from django.utils import timezone

from mttq_portal.errors import ApplicationError
from mttq_portal.periods import Period, PeriodForm, period_parse

from .. import tracking
from ..models import ANSWERED_STATUSES, Attachment, Item, ItemEvent, ItemType
from ..phones import phone_last_digits
from . import figures


def item_for_lookup(*, code: str, secret: str = "", phone_digits: str = "", allow_phone: bool = True) -> Item | None:
    """The item when the code and the secret (or the last 4 digits of the phone) match; otherwise None.

    The same None for an unknown code, a wrong secret or a malformed code: nothing is revealed. The phone's
    4 digits (13 bits) open the status only (``item.verified_by_secret`` is False: no history, no answer, no
    action), never a denunciation, and not at all once the code was guessed at too often (``allow_phone``).
    """
    normalized = tracking.normalize_tracking_code(code or "")
    if normalized is None:
        return None
    item = Item.objects.select_related("commune", "category", "current_agency").filter(tracking_code=normalized).first()
    if item is None:
        return None
    secret = (secret or "").strip()
    if secret and tracking.secret_matches(
        tracking_code=item.tracking_code, secret=secret, secret_hash=item.secret_hash
    ):
        item.verified_by_secret = True  # type: ignore[attr-defined]  # how this lookup was opened
        return item
    digits = re.sub(r"\D", "", phone_digits or "")
    if (
        allow_phone
        and item.type != ItemType.DENUNCIATION
        and len(digits) == 4
        and item.submitter_phone
        and phone_last_digits(item.submitter_phone) == digits
    ):
        item.verified_by_secret = False  # type: ignore[attr-defined]
        return item
    return None


def public_history(*, item: Item) -> list[ItemEvent]:
    return list(
        ItemEvent.objects.filter(item=item, is_public=True).select_related("agency").order_by("created_at", "id")
    )


def public_attachments(*, item: Item) -> list[Attachment]:
    """Attachments the Front published with the answer (never the citizen's own uploads)."""
    if not item.is_published:
        return []
    return list(Attachment.objects.filter(item=item, is_public=True).order_by("created_at", "id"))


# ---- the public record -------------------------------------------------------------------------------


PUBLIC_RECORD_FORMS = frozenset({PeriodForm.YEAR, PeriodForm.QUARTER, PeriodForm.MONTH})


def parse_period(raw: str) -> Period | None:
    """``2026``, ``2026-Q1`` or ``2026-03`` (the project's one parser, half-open); None for anything else."""
    try:
        return period_parse(raw, forms=PUBLIC_RECORD_FORMS)
    except ApplicationError:
        return None


def _bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(period.start, time.min), tz),
        timezone.make_aware(datetime.combine(period.end, time.min), tz),
    )


def _filtered(qs: QuerySet, *, commune_id=None, category_id=None, period: Period | None = None) -> QuerySet:
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if period:
        start, end = _bounds(period)
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    return qs


def published_items() -> QuerySet[Item]:
    """THE rule of what is published (the public record and Open311's feed): answered or closed items whose
    submitter consented to publication, never a denunciation (Law on Denunciations 2018, Art. 8), never an
    item merged into another."""
    return Item.objects.filter(
        consent_publish=True, status__in=ANSWERED_STATUSES, merged_into__isnull=True, commune__isnull=False
    ).exclude(type=ItemType.DENUNCIATION)


def public_record_items(*, commune_id=None, category_id=None, period: Period | None = None) -> QuerySet:
    """Answered and closed items whose submitter consented to publication; only anonymised fields."""
    qs: QuerySet = published_items()
    qs = _filtered(qs, commune_id=commune_id, category_id=category_id, period=period)
    return (
        qs.select_related("commune", "category", "current_agency")
        .only(
            "id",
            "tracking_code",
            "type",
            "title",
            "status",
            "public_answer",
            "received_at",
            "answered_at",
            "answer_on_time",
            "submitter_name",
            "submitter_phone",
            "submitter_email",
            "commune__name",
            "category__name_vi",
            "category__name_en",
            "current_agency__name",
        )
        .order_by("-answered_at", "-id")
    )


_PHONE = re.compile(r"(?:\+?84|0)[\d .\-]{8,13}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"\d{6,}")


def public_summary(item: Item) -> str:
    """The title with personal data taken out: the submitter's name, phone numbers, emails, ID-like numbers."""
    text = item.title
    if item.submitter_name:
        text = re.sub(re.escape(item.submitter_name), "[…]", text, flags=re.IGNORECASE)
    text = _EMAIL.sub("[…]", text)
    text = _PHONE.sub("[…]", text)
    return _LONG_NUMBER.sub("[…]", text)


@dataclass(frozen=True)
class Figures:
    name: str
    received: int
    answered: int
    answered_on_time: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.answered_on_time / self.answered) if self.answered else None


def _figures(qs: QuerySet, group: str, name_field: str) -> list[Figures]:
    """Received in the period, and of those answered and answered on time: the definitions of
    ``figures.py``, over the items received in the period (the label on the page says so)."""
    rows = (
        qs.values(group, name_field)
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=figures.answered()),
            on_time=Count("id", filter=figures.answered_on_time()),
        )
        .order_by(name_field)
    )
    return [Figures(r[name_field], r["received"], r["answered"], r["on_time"]) for r in rows if r[group]]


def public_figures_by_commune(*, category_id=None, period: Period | None = None) -> list[Figures]:
    qs = _filtered(Item.objects.all(), category_id=category_id, period=period)
    return _figures(qs, "commune_id", "commune__name")


def public_figures_by_agency(*, commune_id=None, category_id=None, period: Period | None = None) -> list[Figures]:
    """Per agency: items forwarded to it (its current focal point), answered, answered on time."""
    qs = _filtered(
        Item.objects.filter(current_agency__isnull=False),
        commune_id=commune_id,
        category_id=category_id,
        period=period,
    )
    return _figures(qs, "current_agency_id", "current_agency__name")
