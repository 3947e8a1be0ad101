"""Reads for citizens and the public: the lookup (code + secret or phone digits) and the public record.

Nothing here returns submitter data to a page: the public record reads only anonymised fields, and the
lookup shows the citizen their own item's public side (status, public history, public answer).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from organizations.models import Organization

from .. import tracking
from ..models import Attachment, Item, ItemEvent, Status
from ..phones import phone_last_digits

PUBLISHED_STATUSES = (Status.ANSWERED, Status.RESOLVED, Status.ON_ROADMAP, Status.CANNOT_RESOLVE)
DISPUTABLE_STATUSES = (Status.RESOLVED, Status.ON_ROADMAP, Status.CANNOT_RESOLVE)
RATABLE_STATUSES = (Status.ANSWERED, Status.RESOLVED, Status.ON_ROADMAP, Status.CANNOT_RESOLVE)


def item_for_lookup(*, code: str, secret: str = "", phone_digits: str = "") -> Item | None:
    """The item when the code and the secret (or the last 4 digits of the phone) match; otherwise None.

    The same None for an unknown code, a wrong secret or a malformed code: nothing is revealed.
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
        return item
    digits = re.sub(r"\D", "", phone_digits or "")
    if len(digits) == 4 and item.submitter_phone and phone_last_digits(item.submitter_phone) == digits:
        return item
    return None


def public_history(*, item: Item) -> list[ItemEvent]:
    return list(
        ItemEvent.objects.filter(item=item, is_public=True).select_related("agency").order_by("created_at", "id")
    )


def public_attachments(*, item: Item) -> list[Attachment]:
    """Attachments the Front published with the answer (never the citizen's own uploads)."""
    if item.status not in PUBLISHED_STATUSES:
        return []
    return list(Attachment.objects.filter(item=item, is_public=True).order_by("created_at", "id"))


def can_rate(item: Item) -> bool:
    return item.status in RATABLE_STATUSES and item.rated_at is None


def dispute_deadline(item: Item) -> date | None:
    if item.status not in DISPUTABLE_STATUSES or item.closed_at is None:
        return None
    return timezone.localdate(item.closed_at) + timedelta(days=settings.FEEDBACK_DISPUTE_DAYS)


def can_dispute(item: Item) -> bool:
    deadline = dispute_deadline(item)
    return deadline is not None and timezone.localdate() <= deadline


def can_withdraw(item: Item) -> bool:
    return item.status in (Status.RECEIVED, Status.ACCEPTED, Status.FORWARDED, Status.RETURNED, Status.REOPENED)


# ---- the public record -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    label: str


def parse_period(raw: str) -> Period | None:
    """``2026``, ``2026-Q1`` or ``2026-03``; None for anything else."""
    raw = (raw or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})", raw):
        year = int(m.group(1))
        return Period(date(year, 1, 1), date(year + 1, 1, 1), raw) if 2000 <= year <= 2100 else None
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", raw):
        year, quarter = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return Period(start, end, raw) if 2000 <= year <= 2100 else None
    if m := re.fullmatch(r"(\d{4})-(\d{2})", raw):
        year, month = int(m.group(1)), int(m.group(2))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return None
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period(date(year, month, 1), end, raw)
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


def public_record_items(
    *, commune_id=None, category_id=None, period: Period | None = None, query: str = ""
) -> QuerySet:
    """Items with a public answer whose submitter consented to publication; only anonymised fields. An item
    the agency answered but whose answer the Front has not yet approved is not published (it has none)."""
    from mttq_portal.text import fold_vietnamese

    qs = Item.objects.filter(consent_publish=True, status__in=PUBLISHED_STATUSES, merged_into__isnull=True).exclude(
        public_answer=""
    )
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


def _figures(qs: QuerySet, group: str, name_field: str) -> list[Figures]:
    rows = (
        qs.values(group, name_field)
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(answer_on_time=True)),
        )
        .order_by(name_field)
    )
    return [Figures(r[name_field], r["received"], r["answered"], r["on_time"]) for r in rows if r[group]]


def public_figures_by_commune(*, category_id=None, period: Period | None = None) -> list[Figures]:
    qs = _filtered(Item.objects.exclude(status=Status.MERGED), category_id=category_id, period=period)
    return _figures(qs, "commune_id", "commune__name")


def public_figures_by_agency(*, commune_id=None, category_id=None, period: Period | None = None) -> list[Figures]:
    """Per agency: items forwarded to it (its current focal point), answered, answered on time."""
    qs = _filtered(
        Item.objects.filter(current_agency__isnull=False).exclude(status=Status.MERGED),
        commune_id=commune_id,
        category_id=category_id,
        period=period,
    )
    return _figures(qs, "current_agency_id", "current_agency__name")


def public_agencies() -> QuerySet:
    return Organization.objects.filter(assigned_items__isnull=False).distinct()


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


# Moves the citizen is told about by their nature, whatever flag the event row carries: who handles the
# matter and until when is the citizen's business (Law on Citizen Reception 2013, Art. 28). Internal notes
# (forwarding notes, the agency's draft answer) are not shown; the public answer is shown apart.
_NOTE_SHOWN = frozenset({"reject", "extend", "reopen", "withdraw", "merge", "uphold"})


def item_public_timeline(*, item: Item) -> list[TimelineStep]:
    """Every public step of the item with its date, the agency by name, each due date and why it changed."""
    from django.utils.translation import gettext as _

    events = list(
        ItemEvent.objects.filter(item=item)
        .exclude(kind__in=["note", "reminder", "edited", "anonymized", "rated", "attachment", "extension_requested"])
        .select_related("agency")
        .order_by("created_at", "id")
    )
    agency_ids = {e.data.get("agency") for e in events if isinstance(e.data, dict) and e.data.get("agency")}
    names = dict(Organization.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    steps: list[TimelineStep] = []
    current_agency = ""
    for event in events:
        move = (event.data or {}).get("move", "")
        note = event.note if move in _NOTE_SHOWN else ""
        if event.kind == "submitted":
            steps.append(
                TimelineStep(
                    event.created_at,
                    _("Received by the Front of %(commune)s") % {"commune": item.commune.name},
                    due_date=item.triage_due_date,
                    due_reason=_("the Front decides whether to accept and forward it by this day"),
                )
            )
        elif event.kind == "escalated":
            steps.append(TimelineStep(event.created_at, _("Handed to the provincial Front")))
        elif event.kind == "extension_granted" or move == "extend":
            previous = (event.data or {}).get("previous_due_date")
            reason = _("extension granted at the agency's request")
            if previous:
                reason = _("extended from %(date)s") % {"date": date.fromisoformat(previous).strftime("%d/%m/%Y")}
            steps.append(
                TimelineStep(
                    event.created_at,
                    _("The deadline was extended"),
                    agency=current_agency,
                    due_date=event.due_date,
                    due_reason=reason,
                    detail=note,
                )
            )
        elif event.kind == "extension_refused":
            continue
        elif move in ("forward", "reforward"):
            current_agency = event.agency.name if event.agency else ""
            rule = (event.data or {}).get("legal_reference") or ""
            earlier = (event.data or {}).get("due_reason")
            steps.append(
                TimelineStep(
                    event.created_at,
                    _("Forwarded to %(agency)s") % {"agency": current_agency}
                    if move == "forward"
                    else _("Forwarded to another agency: %(agency)s") % {"agency": current_agency},
                    agency=current_agency,
                    due_date=event.due_date,
                    due_reason=(
                        _("set earlier than the rule's date by the Front: %(reason)s") % {"reason": earlier}
                        if earlier
                        else _("answer due by this day (%(rule)s)") % {"rule": rule}
                        if rule
                        else ""
                    ),
                )
            )
        elif move == "send_back":
            steps.append(
                TimelineStep(
                    event.created_at,
                    _("The Front asked %(agency)s to complete its answer") % {"agency": current_agency},
                    agency=current_agency,
                    due_date=event.due_date,
                    due_reason=_("new answer due by this day"),
                )
            )
        elif move == "return":
            returned_by = names.get((event.data or {}).get("agency"), current_agency)
            current_agency = ""
            steps.append(
                TimelineStep(
                    event.created_at,
                    _("%(agency)s said the matter is not its competence; the Front is choosing the right body")
                    % {"agency": returned_by},
                )
            )
        elif move == "answer":
            steps.append(TimelineStep(event.created_at, _("Answered by %(agency)s") % {"agency": current_agency}))
        elif move == "accept":
            steps.append(TimelineStep(event.created_at, _("Accepted as lawful and legitimate")))
        elif move == "reject":
            steps.append(TimelineStep(event.created_at, _("Not accepted by the Front"), detail=note))
        elif move == "merge":
            steps.append(TimelineStep(event.created_at, _("Handled together with the same matter"), detail=note))
        elif move in ("resolve", "roadmap", "cannot_resolve"):
            label = {
                "resolve": _("Closed: resolved"),
                "roadmap": _("Closed: put on the roadmap"),
                "cannot_resolve": _("Closed: cannot be resolved, with written grounds"),
            }[move]
            steps.append(TimelineStep(event.created_at, label))
        elif move == "reopen":
            steps.append(
                TimelineStep(
                    event.created_at,
                    _("You disagreed with the result; the Front is looking at it again"),
                    due_date=event.due_date,
                    due_reason=_("the Front decides by this day") if event.due_date else "",
                    detail=note,
                )
            )
        elif move == "withdraw":
            steps.append(TimelineStep(event.created_at, _("Withdrawn"), detail=note))
        elif move == "uphold":
            steps.append(TimelineStep(event.created_at, _("The Front looked again and keeps the result"), detail=note))
        elif event.is_public and event.to_status:
            steps.append(TimelineStep(event.created_at, event.get_to_status_display(), detail=event.note))
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


def item_for_link_grant(*, code: str, granted_ids) -> Item | None:
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


JOINABLE_STATUSES = (
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.FORWARDED,
    Status.RETURNED,
    Status.ANSWERED,
    Status.REOPENED,
)


def item_joinable(item: Item) -> bool:
    """A citizen may join an item (same matter) while it is being handled and its sender agreed to publish it
    (the public sees its cleaned summary only then)."""
    return item.consent_publish and item.status in JOINABLE_STATUSES


def public_duplicates(*, commune_id, category_id, title: str, latitude=None, longitude=None, limit: int = 3):
    """Likely the same matter as the one being written, for the citizen before sending: the officers' rule
    (``duplicate_candidates``) over items the public may see, each with its cleaned summary only."""
    from .queue import duplicate_candidates

    qs = Item.objects.filter(consent_publish=True, status__in=JOINABLE_STATUSES).select_related("commune", "category")
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
