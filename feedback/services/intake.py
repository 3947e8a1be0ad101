"""``item_submit``: the one way an item comes into existence (web form, public API, Open311, items recorded
by officers, spreadsheet import).

It validates, then in one transaction: issues the tracking code and stores only the keyed hash of the
secret, computes the triage due date from the triage rule (remote-area aware), tags a running campaign of
the commune or the province, stores the checked attachments and writes the SUBMITTED event. After commit it
runs ``AFTER_SUBMIT_HOOKS`` (the notification outbox registers there); a failing hook is logged, never
raised, so a broker or cache outage cannot fail a submission that is already committed.

Idempotency (docs/adr/0011-idempotent-submission.md): a repeated ``idempotency_key`` returns the same
item with ``created=False``; the secret is derived from the key, so a retry gets the same receipt. A key
reused with different content is a conflict.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError, ConflictError
from mttq_portal.text import fold_vietnamese
from organizations.geography import province_bbox
from organizations.models import AdministrativeUnit, Organization, ResidentialArea, UnitKind

from .. import refcache, tracking, uploads
from ..deadlines import WorkingCalendar, compute_due_date
from ..models import (
    Attachment,
    Campaign,
    Category,
    Channel,
    Complexity,
    ConsentMethod,
    DeadlineRule,
    EventKind,
    Item,
    ItemEvent,
    ItemType,
    Status,
    Step,
    item_field_max,
)
from ..phones import normalize_vn_phone

logger = logging.getLogger(__name__)

# Functions called after commit with the new item's id; the notification service registers here.
AFTER_SUBMIT_HOOKS: list[Callable[[int], None]] = []

TITLE_MAX = item_field_max("title")
CONTENT_MAX = item_field_max("content")
IDEMPOTENCY_KEY_MIN, IDEMPOTENCY_KEY_MAX = 16, 64
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass
class SubmitResult:
    item: Item
    # The lookup secret, shown once on the receipt (only its hash is stored).
    secret: str
    created: bool


def _field_error(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


def secret_for_key(idempotency_key: str) -> str:
    """The secret of an idempotent submission: a retry with the same key shows the same receipt."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"item-secret:{idempotency_key}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest()[:8], "big")
    chars = []
    for _i in range(tracking.SECRET_LENGTH):
        number, index = divmod(number, len(tracking.ALPHABET))
        chars.append(tracking.ALPHABET[index])
    return "".join(chars)


def validate_idempotency_key(key: str | None) -> str | None:
    if key in (None, ""):
        return None
    key = str(key).strip()
    if not (IDEMPOTENCY_KEY_MIN <= len(key) <= IDEMPOTENCY_KEY_MAX) or not set(key) <= _KEY_CHARS:
        raise _field_error(
            "idempotency_key",
            _("The idempotency key must be 16 to 64 letters, digits, “-” or “_” (a UUID is fine)."),
        )
    return key


def _coordinate(value, field: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        raise _field_error(field, _("The location is not a valid number.")) from None
    if not number.is_finite() or abs(number) > bound:
        raise _field_error(field, _("The location is out of range."))
    return number


def _text(value, field: str, *, required: bool, max_length: int, label: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise _field_error(field, _("%(label)s must be text.") % {"label": label})
    if "\x00" in text:
        raise _field_error(field, _("%(label)s contains characters that are not allowed.") % {"label": label})
    if required and not text:
        raise _field_error(field, _("Please fill in %(label)s.") % {"label": label}, code="required")
    if len(text) > max_length:
        raise _field_error(
            field,
            _("%(label)s is too long (at most %(max)s characters, you wrote %(count)s).")
            % {"label": label, "max": max_length, "count": len(text)},
        )
    return text


@dataclass(frozen=True)
class _Commune:
    id: int
    parent_id: int | None
    is_remote_area: bool


def _communes() -> dict[int, _Commune]:
    def load():
        rows = AdministrativeUnit.objects.filter(
            kind__in=[UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE]
        ).values_list("id", "parent_id", "is_remote_area")
        return {row[0]: _Commune(*row) for row in rows}

    return refcache.cached("communes", load)


def _active_category_ids() -> frozenset[int]:
    return refcache.cached(
        "categories", lambda: frozenset(Category.objects.filter(is_active=True).values_list("id", flat=True))
    )


def _running_campaign_id(commune: _Commune, day) -> int | None:
    """A campaign running on that day in the commune, else one in the province (the latest started wins)."""

    def load():
        # Campaigns still running or to come (a short list); the day filter is applied below.
        today = timezone.localdate()
        return list(
            Campaign.objects.filter(ends_on__gte=today - timedelta(days=1))
            .order_by("-starts_on", "-id")
            .values_list("id", "unit_id", "starts_on", "ends_on")
        )

    candidates = (
        refcache.cached("campaigns", load)
        if day >= timezone.localdate() - timedelta(days=1)
        else list(
            Campaign.objects.filter(starts_on__lte=day, ends_on__gte=day)
            .order_by("-starts_on", "-id")
            .values_list("id", "unit_id", "starts_on", "ends_on")
        )
    )
    running = [(cid, unit) for cid, unit, start, end in candidates if start <= day <= end]
    for campaign_id, unit_id in running:
        if unit_id == commune.id:
            return campaign_id
    for campaign_id, unit_id in running:
        if unit_id == commune.parent_id:
            return campaign_id
    return None


def item_submit(
    *,
    type: str,
    category_id: int,
    commune_id: int,
    title: str,
    content: str,
    channel: str,
    privacy_notice_version: str,
    consent_method: str,
    consent_processing: bool = True,
    consent_contact: bool = False,
    consent_publish: bool = False,
    request_text: str = "",
    residential_area_id: int | None = None,
    address_text: str = "",
    latitude=None,
    longitude=None,
    is_anonymous: bool = False,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_email: str = "",
    submitter_address: str = "",
    source_organization_id: int | None = None,
    campaign_id: int | None = None,
    is_mass_petition: bool = False,
    is_complex: bool = False,
    attachments: Iterable = (),
    idempotency_key: str | None = None,
    created_by=None,
    received_at: datetime | None = None,
    submitter_language: str = "",
) -> SubmitResult:
    # A repeated key is found by the unique constraint at INSERT time (no SELECT first: retries are rare).
    key = validate_idempotency_key(idempotency_key)

    # ---- validation (before any write; each error names its field) -------------------------------------
    if type not in ItemType.values:
        raise _field_error("type", _("Choose the kind of matter."), code="required")
    if channel not in Channel.values:
        raise _field_error("channel", _("Unknown channel."))
    if consent_method not in ConsentMethod.values:
        raise _field_error("consent_method", _("Unknown way of obtaining consent."))
    if consent_processing is not True:
        raise _field_error(
            "consent_processing",
            _("We can only handle your matter if you agree that the Front processes and forwards it."),
            code="consent_required",
        )
    if not (privacy_notice_version or "").strip():
        raise _field_error("privacy_notice_version", _("The privacy notice version is missing."))
    title = _text(title, "title", required=True, max_length=TITLE_MAX, label=_("the title"))
    content = _text(
        content, "content", required=True, max_length=CONTENT_MAX, label=_("the description of what happened")
    )
    request_text = _text(request_text, "request_text", required=False, max_length=CONTENT_MAX, label=_("what you ask"))
    address_text = _text(
        address_text, "address_text", required=False, max_length=item_field_max("address_text"), label=_("the place")
    )
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise _field_error("latitude", _("Give both latitude and longitude, or neither."))
    if lat is not None and lng is not None:
        box = province_bbox()
        if box is not None and not box.contains(float(lat), float(lng)):
            raise _field_error(
                "latitude",
                _(
                    "The place marked on the map is outside the province. Move the pin into the province, or "
                    "remove it and describe the place in words."
                ),
                code="outside_province",
            )

    try:
        commune = _communes()[int(commune_id)]
    except (KeyError, TypeError, ValueError):
        raise _field_error("commune", _("Choose your commune or ward from the list."), code="required") from None
    try:
        if int(category_id) not in _active_category_ids():
            raise ValueError
    except (TypeError, ValueError):
        raise _field_error("category", _("Choose a field from the list."), code="required") from None
    if residential_area_id not in (None, ""):
        try:
            ok = ResidentialArea.objects.filter(pk=int(residential_area_id), commune_id=commune.id, is_active=True)
            if not ok.exists():
                raise ValueError
        except (TypeError, ValueError):
            raise _field_error(
                "residential_area", _("This village or residential group is not in the chosen commune.")
            ) from None
        residential_area_id = int(residential_area_id)
    else:
        residential_area_id = None
    if source_organization_id is not None and not Organization.objects.filter(pk=source_organization_id).exists():
        raise _field_error("source_organization", _("Unknown organisation."))

    if is_anonymous:
        submitter_name = submitter_phone = submitter_email = submitter_address = ""
        consent_contact = False
    submitter_name = _text(
        submitter_name,
        "submitter_name",
        required=False,
        max_length=item_field_max("submitter_name"),
        label=_("the name"),
    )
    submitter_address = _text(
        submitter_address,
        "submitter_address",
        required=False,
        max_length=item_field_max("submitter_address"),
        label=_("the address"),
    )
    submitter_phone = _text(submitter_phone, "submitter_phone", required=False, max_length=40, label=_("the phone"))
    if submitter_phone:
        submitter_phone = normalize_vn_phone(submitter_phone)
    submitter_email = _text(
        submitter_email,
        "submitter_email",
        required=False,
        max_length=item_field_max("submitter_email"),
        label=_("the email"),
    )
    if submitter_email:
        try:
            validate_email(submitter_email)
        except ValidationError:
            raise _field_error("submitter_email", _("Enter a valid email address, e.g. ten@example.vn.")) from None
    if consent_contact and not (submitter_phone or submitter_email):
        raise _field_error(
            "consent_contact", _("To be contacted, give a phone number or an email address."), code="contact_missing"
        )

    clean_files = uploads.check_uploads(attachments or ())

    # ---- the write -------------------------------------------------------------------------------------
    received_at = received_at or timezone.now()
    received_day = timezone.localdate(received_at)
    due = compute_due_date(
        step=Step.TRIAGE,
        item_type=type,
        channel=channel,
        start=received_day,
        is_complex=is_complex,
        is_remote=commune.is_remote_area,
        category_id=int(category_id),
        cal=refcache.cached("calendar", WorkingCalendar.load),
        rules=refcache.cached("deadline_rules", lambda: list(DeadlineRule.objects.filter(is_active=True))),
    )
    if campaign_id is None:
        campaign_id = _running_campaign_id(commune, received_day)
    secret = secret_for_key(key) if key else tracking.new_secret()
    stored_names: list[str] = []
    fields = {
        "idempotency_key": key,
        "type": type,
        "category_id": int(category_id),
        "commune_id": commune.id,
        "residential_area_id": residential_area_id,
        "address_text": address_text,
        "latitude": lat,
        "longitude": lng,
        "title": title,
        "content": content,
        "request_text": request_text,
        "search_text": fold_vietnamese(f"{title} {content} {request_text}"),
        "channel": channel,
        "source_organization_id": source_organization_id,
        "campaign_id": campaign_id,
        "is_mass_petition": bool(is_mass_petition),
        "is_complex": bool(is_complex),
        "complexity": Complexity.COMPLEX if is_complex else Complexity.NORMAL,
        "is_anonymous": bool(is_anonymous),
        "submitter_name": submitter_name,
        "submitter_phone": submitter_phone,
        "submitter_email": submitter_email,
        "submitter_address": submitter_address,
        "submitter_language": submitter_language if submitter_language in ("vi", "en") else "",
        "consent_processing": True,
        "consent_contact": bool(consent_contact),
        "consent_publish": bool(consent_publish),
        "privacy_notice_version": privacy_notice_version.strip()[:20],
        "consent_method": consent_method,
        "status": Status.RECEIVED,
        "due_step": Step.TRIAGE,
        "due_date": due.due_date,
        "triage_due_date": due.due_date,
        "due_rule": due.rule,
        "received_at": received_at,
        "created_by": created_by if getattr(created_by, "is_authenticated", False) else None,
    }
    for attempt in range(3):
        code = tracking.new_tracking_code(year=received_day.year)
        try:
            with transaction.atomic():
                item = Item.objects.create(
                    tracking_code=code, secret_hash=tracking.hash_secret(tracking_code=code, secret=secret), **fields
                )
                event = ItemEvent.objects.create(
                    item=item,
                    kind=EventKind.SUBMITTED,
                    to_status=Status.RECEIVED,
                    actor=fields["created_by"],
                    actor_label="officer" if fields["created_by"] else "citizen",
                    due_date=due.due_date,
                    is_public=True,
                    data={
                        "channel": channel,
                        "triage_rule_id": due.rule.id if due.rule else None,
                        "triage_days": due.days,
                        "day_count": due.day_count,
                        "attachments": len(clean_files),
                    },
                )
                if clean_files:
                    rows = []
                    for clean in clean_files:
                        stored_names.append(uploads.store(clean))
                        rows.append(
                            Attachment(
                                item=item,
                                event=event,
                                file=stored_names[-1],
                                original_name=clean.original_name,
                                content_type=clean.content_type,
                                size=clean.size,
                                sha256=clean.sha256,
                                is_public=False,
                                uploaded_by=fields["created_by"],
                            )
                        )
                    Attachment.objects.bulk_create(rows)
                item_id = item.id
                transaction.on_commit(partial(_run_after_submit_hooks, item_id), robust=True)
        except IntegrityError:
            _discard(stored_names)
            stored_names = []
            if key:
                existing = Item.objects.filter(idempotency_key=key).order_by("pk").first()
                if existing is not None:
                    # A concurrent request with the same key won the race.
                    return _replay(existing, key=key, title=title, content=content, commune_id=commune_id)
            if attempt == 2:
                raise
            continue  # a tracking-code collision (40 random bits): draw another code
        except BaseException:
            _discard(stored_names)
            raise
        return SubmitResult(item=item, secret=secret, created=True)
    raise AssertionError("unreachable")


def _replay(item: Item, *, key: str, title, content, commune_id) -> SubmitResult:
    same = (
        (title or "").strip() == item.title
        and (content or "").strip() == item.content
        and str(commune_id) == str(item.commune_id)
    )
    if not same:
        raise ConflictError(
            _("This form was already sent with different content. Reload the form to send a new matter."),
            code="idempotency_key_reused",
        )
    return SubmitResult(item=item, secret=secret_for_key(key), created=False)


def _discard(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete orphan upload %s", name)


def _run_after_submit_hooks(item_id: int) -> None:
    for hook in list(AFTER_SUBMIT_HOOKS):
        try:
            hook(item_id)
        except Exception:
            # The item is committed; the outbox sweeper queues what a hook could not (e.g. broker down).
            logger.exception("after-submit hook %r failed for item %s", hook, item_id)
