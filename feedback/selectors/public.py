"""Reads for citizens and the public: the lookup (code + secret or phone digits) and the public record.

Nothing here returns submitter data to a page: the public record reads only anonymised fields, and the
lookup shows the citizen their own item's public side (status, public history, public answer).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError
from mttq_portal.periods import Period, PeriodForm, period_parse

from .. import tracking
from ..models import ANSWERED_STATUSES, OPEN_STATUSES, Attachment, Item, ItemEvent, ItemType
from ..phones import phone_last_digits
from . import figures

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
        item.verified_by_secret = True
        return item
    digits = re.sub(r"\D", "", phone_digits or "")
    if (
        allow_phone
        and item.type != ItemType.DENUNCIATION
        and len(digits) == 4
        and item.submitter_phone
        and phone_last_digits(item.submitter_phone) == digits
    ):
        item.verified_by_secret = False
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


def _filtered(
    qs: QuerySet[Item], *, commune_id: int | None = None, category_id: int | None = None, period: Period | None = None
) -> QuerySet[Item]:
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


def public_record_items(
    *, commune_id: int | None = None, category_id: int | None = None, period: Period | None = None, query: str = ""
) -> QuerySet[Item]:
    """Items with a public answer whose submitter consented to publication; only anonymised fields. An item
    the agency answered but whose answer the Front has not yet approved is not published (it has none)."""
    from mttq_portal.text import fold_vietnamese

    qs = published_items().exclude(public_answer="")
    qs = _filtered(qs, commune_id=commune_id, category_id=category_id, period=period)
    folded = fold_vietnamese(query or "").strip()[:100]
    if folded:
        qs = qs.filter(search_text__contains=folded)
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
            "latitude",
            "longitude",
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


def _figures(qs: QuerySet[Item], group: str, name_field: str) -> list[Figures]:
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


def public_figures_by_commune(*, category_id: int | None = None, period: Period | None = None) -> list[Figures]:
    qs = _filtered(Item.objects.all(), category_id=category_id, period=period)
    return _figures(qs, "commune_id", "commune__name")


def public_figures_by_agency(
    *, commune_id: int | None = None, category_id: int | None = None, period: Period | None = None
) -> list[Figures]:
    """Per agency: items forwarded to it (its current focal point), answered, answered on time."""
    qs = _filtered(
        Item.objects.filter(current_agency__isnull=False),
        commune_id=commune_id,
        category_id=category_id,
        period=period,
    )
    return _figures(qs, "current_agency_id", "current_agency__name")


# ---- the citizen's timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One public step of an item: what happened, when, who handles it and until when."""

    at: datetime
    text: str
    agency: str = ""
    due_date: date | None = None
    due_reason: str = ""
    detail: str = ""


@dataclass
class _Story:
    """What the timeline has learnt so far while reading the events in order."""

    item: Item
    agency_names: dict[int, str]
    current_agency: str = ""


def _data(event: ItemEvent) -> dict[str, Any]:
    # The event's JSON payload: its values are whatever the move wrote (ids, dates as ISO text, reasons).
    return event.data if isinstance(event.data, dict) else {}


def _step_submitted(event: ItemEvent, story: _Story) -> TimelineStep:
    return TimelineStep(
        event.created_at,
        _("Received by the Front of %(commune)s") % {"commune": story.item.commune.name},
        due_date=story.item.triage_due_date,
        due_reason=_("the Front decides whether to accept and forward it by this day"),
    )


def _step_forwarded(event: ItemEvent, story: _Story) -> TimelineStep:
    story.current_agency = event.agency.name if event.agency else ""
    data = _data(event)
    if data.get("due_reason"):
        why = _("set earlier than the rule's date by the Front: %(reason)s") % {"reason": data["due_reason"]}
    elif data.get("legal_reference"):
        why = _("answer due by this day (%(rule)s)") % {"rule": data["legal_reference"]}
    else:
        why = ""
    text = (
        _("Forwarded to %(agency)s") if data.get("move") == "forward" else _("Forwarded to another agency: %(agency)s")
    )
    return TimelineStep(
        event.created_at,
        text % {"agency": story.current_agency},
        agency=story.current_agency,
        due_date=event.due_date,
        due_reason=why,
    )


def _step_extended(event: ItemEvent, story: _Story) -> TimelineStep:
    previous = _data(event).get("previous_due_date")
    reason = _("extension granted at the agency's request")
    if previous:
        reason = _("extended from %(date)s") % {"date": date.fromisoformat(previous).strftime("%d/%m/%Y")}
    return TimelineStep(
        event.created_at,
        _("The deadline was extended"),
        agency=story.current_agency,
        due_date=event.due_date,
        due_reason=reason,
        detail=event.note,
    )


def _step_sent_back(event: ItemEvent, story: _Story) -> TimelineStep:
    return TimelineStep(
        event.created_at,
        _("The Front asked %(agency)s to complete its answer") % {"agency": story.current_agency},
        agency=story.current_agency,
        due_date=event.due_date,
        due_reason=_("new answer due by this day"),
    )


def _step_returned(event: ItemEvent, story: _Story) -> TimelineStep:
    agency = _data(event).get("agency")
    returned_by = story.agency_names.get(agency, story.current_agency) if agency is not None else story.current_agency
    story.current_agency = ""
    return TimelineStep(
        event.created_at,
        _("%(agency)s said the matter is not its competence; the Front is choosing the right body")
        % {"agency": returned_by},
    )


def _step_reopened(event: ItemEvent, story: _Story) -> TimelineStep:
    return TimelineStep(
        event.created_at,
        _("You disagreed with the result; the Front is looking at it again"),
        due_date=event.due_date,
        due_reason=_("the Front decides by this day") if event.due_date else "",
        detail=event.note,
    )


StepBuilder: TypeAlias = Callable[[ItemEvent, _Story], TimelineStep]


def _simple(
    text: "StrOrPromise | Callable[[], StrOrPromise]", *, with_note: bool = False, with_agency: bool = False
) -> StepBuilder:
    def build(event: ItemEvent, story: _Story) -> TimelineStep:
        label = str(text() if callable(text) else text)
        if with_agency:
            label = label % {"agency": story.current_agency}
        return TimelineStep(event.created_at, label, detail=event.note if with_note else "")

    return build


# One builder per public step. Internal notes (forwarding notes, the agency's draft answer) are not shown;
# a reason the citizen is owed (refusal, extension, dispute, the kept result) is.
_STEPS: dict[str, StepBuilder] = {
    "submitted": _step_submitted,
    "escalated": _simple(lambda: _("Handed to the provincial Front")),
    "accept": _simple(lambda: _("Accepted as lawful and legitimate")),
    "reject": _simple(lambda: _("Not accepted by the Front"), with_note=True),
    "merge": _simple(lambda: _("Handled together with the same matter"), with_note=True),
    "forward": _step_forwarded,
    "reforward": _step_forwarded,
    "extend": _step_extended,
    "send_back": _step_sent_back,
    "return": _step_returned,
    "answer": _simple(lambda: _("Answered by %(agency)s"), with_agency=True),
    "resolve": _simple(lambda: _("Closed: resolved")),
    "roadmap": _simple(lambda: _("Closed: put on the roadmap")),
    "cannot_resolve": _simple(lambda: _("Closed: cannot be resolved, with written grounds")),
    "reopen": _step_reopened,
    "withdraw": _simple(lambda: _("Withdrawn"), with_note=True),
    "uphold": _simple(lambda: _("The Front looked again and keeps the result"), with_note=True),
}


def item_public_timeline(*, item: Item) -> list[TimelineStep]:
    """Every public step of the item with its date, the agency by name, each due date and why it changed:
    who handles the matter and until when is the citizen's business (Law on Citizen Reception 2013, Art. 28),
    whatever flag the event row carries."""
    from organizations.models import Organization

    events = list(
        ItemEvent.objects.filter(item=item, kind__in=["submitted", "transition", "escalated"])
        .select_related("agency")
        .order_by("created_at", "id")
    )
    agency_ids = [int(a) for a in {_data(e).get("agency") for e in events} if a]
    names = dict(Organization.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    story = _Story(item=item, agency_names=names)
    steps: list[TimelineStep] = []
    for event in events:
        key = event.kind if event.kind in ("submitted", "escalated") else _data(event).get("move", "")
        build = _STEPS.get(key)
        if build is not None:
            steps.append(build(event, story))
    return steps


ITEM_LINK_SALT = "feedback.item-link"


def item_link_token(item_id: int) -> str:
    """The one stable signed token of an item's public page: a plain (untimed) signature of the id, so every
    message points to the same address; no secret inside."""
    from django.core import signing

    return signing.Signer(salt=ITEM_LINK_SALT).sign(str(int(item_id)))


def item_from_link_token(token: str) -> Item | None:
    from django.core import signing

    try:
        item_id = int(signing.Signer(salt=ITEM_LINK_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Item.objects.select_related("commune", "category", "current_agency").filter(pk=item_id).first()


def item_for_link_grant(*, code: str, granted_ids: Iterable[int | str] | None) -> Item | None:
    """The item whose signed link was opened in this browser session (the session holds the grant)."""
    try:
        ids = [int(i) for i in granted_ids or ()]
    except (TypeError, ValueError):
        return None
    return (
        Item.objects.select_related("commune", "category", "current_agency")
        .filter(tracking_code=code, pk__in=ids)
        .first()
    )


def public_record_item(*, item_id: int) -> Item | None:
    """One published item of the public record (the same rule as the list), or None. Addressed by its id,
    never by its tracking code (the code is half of the citizen's credentials)."""
    return public_record_items().filter(pk=item_id).first()


def public_period_choices(*, today: date) -> list[tuple[str, str, bool]]:
    """(code, label, in progress) for the period picker: the last three years, the quarters of this year and
    the last, the last twelve months. The period that contains today is marked as in progress."""
    from django.utils.translation import gettext as _

    choices: list[tuple[str, str, bool]] = []
    for year in range(today.year, today.year - 3, -1):
        choices.append((str(year), _("Year %(year)s") % {"year": year}, year == today.year))
    for year in (today.year, today.year - 1):
        for quarter in range(4, 0, -1):
            if year == today.year and 3 * quarter - 2 > today.month:
                continue
            label = _("Quarter %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
            current = year == today.year and 3 * quarter - 2 <= today.month <= 3 * quarter
            choices.append((f"{year}-Q{quarter}", label, current))
    year, month = today.year, today.month
    for _step in range(12):
        label = _("Month %(month)s/%(year)s") % {"month": f"{month:02d}", "year": year}
        choices.append((f"{year}-{month:02d}", label, (year, month) == (today.year, today.month)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return choices


def item_joinable(item: Item) -> bool:
    """A citizen may join an item (same matter) while it is being handled (open: ``OPEN_STATUSES``) and its
    sender agreed to publish it (the public sees its cleaned summary only then)."""
    return item.consent_publish and item.is_open


def public_duplicates(
    *,
    commune_id: int,
    category_id: int,
    title: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    limit: int = 3,
) -> list[Item]:
    """Likely the same matter as the one being written, for the citizen before sending: the officers' rule
    (``duplicate_candidates``) over items the public may see, each with its cleaned summary only."""
    from .queue import duplicate_candidates

    qs = Item.objects.filter(consent_publish=True, status__in=OPEN_STATUSES).select_related("commune", "category")
    found = duplicate_candidates(
        qs,
        commune_id=commune_id,
        category_id=category_id,
        title=title,
        received_at=timezone.now(),
        latitude=latitude,
        longitude=longitude,
        limit=limit,
    )
    for item in found:
        item.summary = public_summary(item)
    return found
