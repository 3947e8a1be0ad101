"""``item_submit``: the one way an item comes into existence (web form, public API, Open311, items recorded
by officers, spreadsheet import).

Three steps around a ``Submission`` value (the validated input, frozen):

- ``submission_validate`` checks every field before any write, each error naming its field, and returns the
  ``Submission``;
- ``submission_build`` turns it into the rows to write: the triage due date from the triage rule (remote-area
  aware), the running campaign of the commune or the province, the secret, the item's columns and the
  SUBMITTED event's data (no write, only cached reference data);
- ``submission_write`` writes in one transaction the item with a fresh tracking code and only the keyed hash of
  the secret, the SUBMITTED event and the checked attachments. After commit it runs ``AFTER_SUBMIT_HOOKS``
  (the notification outbox registers there); a failing hook is logged, never raised, so a broker or cache
  outage cannot fail a submission that is already committed.

``item_submit(**fields)`` is the three in a row, the keyword form every caller uses.

Idempotency (docs/adr/0011-idempotent-submission.md): a repeated ``idempotency_key`` returns the same
item with ``created=False``; the secret is derived from the key, so a retry gets the same receipt. A key
reused with different content is a conflict.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mttq_portal import prepared
from mttq_portal.errors import ApplicationError, ConflictError
from mttq_portal.files import CheckedFile
from mttq_portal.text import fold_vietnamese
from organizations.geography import province_bbox
from organizations.models import AdministrativeUnit, Organization, ResidentialArea, UnitKind, User

from .. import refcache, tracking, uploads
from ..deadlines import DueDate, WorkingCalendar, compute_due_date
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
# A phone as typed ("+84 912 345 678", "0912.345.678"); the stored, normalised number fits the model's column.
PHONE_INPUT_MAX = 40
IDEMPOTENCY_KEY_MIN, IDEMPOTENCY_KEY_MAX = 16, item_field_max("idempotency_key")
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_TRACKING_CODE_ATTEMPTS = 3


@dataclass
class SubmitResult:
    item: Item
    # The lookup secret, shown once on the receipt (only its hash is stored).
    secret: str
    created: bool


@dataclass(frozen=True)
class _Commune:
    id: int
    parent_id: int | None
    is_remote_area: bool


@dataclass(frozen=True)
class _Submitter:
    is_anonymous: bool
    name: str
    phone: str
    email: str
    address: str
    consent_contact: bool


@dataclass(frozen=True, kw_only=True)
class Submission:
    """The validated input of one submission: every value checked, trimmed and normalised."""

    type: str
    category_id: int
    commune: _Commune
    residential_area_id: int | None
    address_text: str
    latitude: Decimal | None
    longitude: Decimal | None
    title: str
    content: str
    request_text: str
    channel: str
    privacy_notice_version: str
    consent_method: str
    consent_publish: bool
    submitter: _Submitter
    submitter_language: str
    source_organization_id: int | None
    campaign_id: int | None
    is_mass_petition: bool
    is_complex: bool
    attachments: tuple[CheckedFile, ...] = field(default=(), repr=False)
    idempotency_key: str | None
    created_by: User | None
    received_at: datetime


@dataclass(frozen=True)
class _Rows:
    """What ``submission_write`` inserts: the item's columns (but its tracking code), the event's, the files."""

    item: dict[str, Any]
    event: dict[str, Any]
    secret: str
    submission: Submission


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


def validate_idempotency_key(key: object) -> str | None:
    if key in (None, ""):
        return None
    text = str(key).strip()
    if not (IDEMPOTENCY_KEY_MIN <= len(text) <= IDEMPOTENCY_KEY_MAX) or not set(text) <= _KEY_CHARS:
        raise _field_error(
            "idempotency_key",
            _("The idempotency key must be 16 to 64 letters, digits, “-” or “_” (a UUID is fine)."),
        )
    return text


def _coordinate(value: object, field: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        raise _field_error(field, _("The location is not a valid number.")) from None
    if not number.is_finite() or abs(number) > bound:
        raise _field_error(field, _("The location is out of range."))
    return number


@dataclass(frozen=True)
class _TextRule:
    required: bool
    max_length: int
    label: Any  # lazy: translated only when an error names it


# Every text a submission carries: whether it must be given, its longest value, and the words an error names it by.
_TEXT_RULES: dict[str, _TextRule] = {
    "title": _TextRule(True, TITLE_MAX, gettext_lazy("the title")),
    "content": _TextRule(True, CONTENT_MAX, gettext_lazy("the description of what happened")),
    "request_text": _TextRule(False, item_field_max("request_text"), gettext_lazy("what you ask")),
    "address_text": _TextRule(False, item_field_max("address_text"), gettext_lazy("the place")),
    "submitter_name": _TextRule(False, item_field_max("submitter_name"), gettext_lazy("the name")),
    "submitter_address": _TextRule(False, item_field_max("submitter_address"), gettext_lazy("the address")),
    "submitter_phone": _TextRule(False, PHONE_INPUT_MAX, gettext_lazy("the phone")),
    "submitter_email": _TextRule(False, item_field_max("submitter_email"), gettext_lazy("the email")),
}


def _text(value: object, field: str) -> str:
    rule = _TEXT_RULES[field]
    if value is not None and not isinstance(value, str):
        raise _field_error(field, capfirst(_("%(label)s must be text.") % {"label": rule.label}))
    text = (value or "").strip()
    if "\x00" in text:
        raise _field_error(
            field, capfirst(_("%(label)s contains characters that are not allowed.") % {"label": rule.label})
        )
    if rule.required and not text:
        raise _field_error(field, _("Please fill in %(label)s.") % {"label": rule.label}, code="required")
    if len(text) > rule.max_length:
        raise _field_error(
            field,
            capfirst(
                _("%(label)s is too long (at most %(max)s characters, you wrote %(count)s).")
                % {"label": rule.label, "max": rule.max_length, "count": len(text)}
            ),
        )
    return text


def _communes() -> dict[int, _Commune]:
    def load() -> dict[int, _Commune]:
        rows = AdministrativeUnit.objects.filter(
            kind__in=[UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE]
        ).values_list("id", "parent_id", "is_remote_area")
        return {row[0]: _Commune(*row) for row in rows}

    communes: dict[int, _Commune] = refcache.cached("communes", load)
    return communes


def _active_category_ids() -> frozenset[int]:
    ids: frozenset[int] = refcache.cached(
        "categories", lambda: frozenset(Category.objects.filter(is_active=True).values_list("id", flat=True))
    )
    return ids


def _running_campaign_id(commune: _Commune, day: date) -> int | None:
    """A campaign running on that day in the commune, else one in the province (the latest started wins)."""

    def load() -> list[tuple[int, int, date, date]]:
        # Campaigns still running or to come (a short list); the day filter is applied below.
        today = timezone.localdate()
        return list(
            Campaign.objects.filter(ends_on__gte=today - timedelta(days=1))
            .order_by("-starts_on", "-id")
            .values_list("id", "unit_id", "starts_on", "ends_on")
        )

    candidates: list[tuple[int, int, date, date]] = (
        refcache.cached("campaigns", load)
        if day >= timezone.localdate() - timedelta(days=1)
        else list(
            Campaign.objects.filter(starts_on__lte=day, ends_on__gte=day)
            .order_by("-starts_on", "-id")
            .values_list("id", "unit_id", "starts_on", "ends_on")
        )
    )
    running = [(cid, unit) for cid, unit, start, end in candidates if start <= day <= end]
    for wanted in (commune.id, commune.parent_id):
        for campaign_id, unit_id in running:
            if unit_id == wanted:
                return campaign_id
    return None


# ---- validate ------------------------------------------------------------------------------------------


# The choices, read once (an enum's ``values`` builds a new list at each call).
_ITEM_TYPES = frozenset(ItemType.values)
_CHANNELS = frozenset(Channel.values)
_CONSENT_METHODS = frozenset(ConsentMethod.values)


def _check_kind_and_consent(
    type: str, channel: str, consent_method: str, consent_processing: bool, privacy_notice_version: str
) -> str:
    """The choices and the consent to processing; returns the privacy notice version, trimmed."""
    if type not in _ITEM_TYPES:
        raise _field_error("type", _("Choose the kind of matter."), code="required")
    if channel not in _CHANNELS:
        raise _field_error("channel", _("Unknown channel."))
    if consent_method not in _CONSENT_METHODS:
        raise _field_error("consent_method", _("Unknown way of obtaining consent."))
    if consent_processing is not True:
        raise _field_error(
            "consent_processing",
            _("We can only handle your matter if you agree that the Front processes and forwards it."),
            code="consent_required",
        )
    version = (privacy_notice_version or "").strip()
    if not version:
        raise _field_error("privacy_notice_version", _("The privacy notice version is missing."))
    return version[: item_field_max("privacy_notice_version")]


def _check_texts(title: object, content: object, request: object, place: object) -> tuple[str, str, str, str]:
    return (
        _text(title, "title"),
        _text(content, "content"),
        _text(request, "request_text"),
        _text(place, "address_text"),
    )


def _check_point(latitude: object, longitude: object) -> tuple[Decimal | None, Decimal | None]:
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise _field_error("latitude", _("Give both latitude and longitude, or neither."))
    box = province_bbox() if lat is not None and lng is not None else None
    if box is not None and lat is not None and lng is not None and not box.contains(float(lat), float(lng)):
        raise _field_error(
            "latitude",
            _(
                "The place marked on the map is outside the province. Move the pin into the province, or "
                "remove it and describe the place in words."
            ),
            code="outside_province",
        )
    return lat, lng


def _as_id(value: object) -> int:
    """An id as a client sent it (a number or its digits); 0, which no row has, for anything else."""
    if not isinstance(value, int | str | float | Decimal):
        return 0
    try:
        return int(value)
    except (ValueError, OverflowError):
        return 0


def _check_commune(commune_id: object) -> _Commune:
    commune = _communes().get(_as_id(commune_id))
    if commune is None:
        raise _field_error("commune", _("Choose your commune or ward from the list."), code="required")
    return commune


def _check_category(category_id: object) -> int:
    number = _as_id(category_id)
    if number not in _active_category_ids():
        raise _field_error("category", _("Choose a field from the list."), code="required")
    return number


def _check_residential_area(residential_area_id: object, commune: _Commune) -> int | None:
    if residential_area_id in (None, ""):
        return None
    number = _as_id(residential_area_id)
    if not ResidentialArea.objects.filter(pk=number, commune_id=commune.id, is_active=True).exists():
        raise _field_error("residential_area", _("This village or residential group is not in the chosen commune."))
    return number


def _check_source_organization(source_organization_id: int | None) -> int | None:
    if source_organization_id is not None and not Organization.objects.filter(pk=source_organization_id).exists():
        raise _field_error("source_organization", _("Unknown organisation."))
    return source_organization_id


def _check_submitter(
    is_anonymous: bool, name: object, phone: object, email: object, address: object, consent_contact: bool
) -> _Submitter:
    """Who sent it and how to reach them; an anonymous submission keeps nothing of the kind."""
    if is_anonymous:
        return _Submitter(True, "", "", "", "", consent_contact=False)
    name = _text(name, "submitter_name")
    address = _text(address, "submitter_address")
    phone = _text(phone, "submitter_phone")
    phone = normalize_vn_phone(phone) if phone else ""
    email = _text(email, "submitter_email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _field_error("submitter_email", _("Enter a valid email address, e.g. ten@example.vn.")) from None
    if consent_contact and not (phone or email):
        raise _field_error(
            "consent_contact", _("To be contacted, give a phone number or an email address."), code="contact_missing"
        )
    return _Submitter(False, name, phone, email, address, consent_contact=bool(consent_contact))


def submission_validate(
    *,
    type: str,
    category_id: object,
    commune_id: object,
    title: object,
    content: object,
    channel: str,
    privacy_notice_version: str,
    consent_method: str,
    consent_processing: bool = True,
    consent_contact: bool = False,
    consent_publish: bool = False,
    request_text: object = "",
    residential_area_id: object = None,
    address_text: object = "",
    latitude: object = None,
    longitude: object = None,
    is_anonymous: bool = False,
    submitter_name: object = "",
    submitter_phone: object = "",
    submitter_email: object = "",
    submitter_address: object = "",
    source_organization_id: int | None = None,
    campaign_id: int | None = None,
    is_mass_petition: bool = False,
    is_complex: bool = False,
    attachments: Iterable[Any] = (),
    idempotency_key: object = None,
    created_by: Any = None,
    received_at: datetime | None = None,
    submitter_language: str = "",
) -> Submission:
    """Every check before any write, in the order a citizen reads the form; each error names its field."""
    key = validate_idempotency_key(idempotency_key)
    version = _check_kind_and_consent(type, channel, consent_method, consent_processing, privacy_notice_version)
    title, content, request_text, address_text = _check_texts(title, content, request_text, address_text)
    lat, lng = _check_point(latitude, longitude)
    commune = _check_commune(commune_id)
    category = _check_category(category_id)
    residential_area = _check_residential_area(residential_area_id, commune)
    source_organization = _check_source_organization(source_organization_id)
    submitter = _check_submitter(
        bool(is_anonymous), submitter_name, submitter_phone, submitter_email, submitter_address, bool(consent_contact)
    )
    files = tuple(uploads.check_uploads(attachments or ()))
    return Submission(
        type=type,
        category_id=category,
        commune=commune,
        residential_area_id=residential_area,
        address_text=address_text,
        latitude=lat,
        longitude=lng,
        title=title,
        content=content,
        request_text=request_text,
        channel=channel,
        privacy_notice_version=version,
        consent_method=consent_method,
        consent_publish=bool(consent_publish),
        submitter=submitter,
        submitter_language=submitter_language if submitter_language in ("vi", "en") else "",
        source_organization_id=source_organization,
        campaign_id=campaign_id,
        is_mass_petition=bool(is_mass_petition),
        is_complex=bool(is_complex),
        attachments=files,
        idempotency_key=key,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        received_at=received_at or timezone.now(),
    )


# ---- build ---------------------------------------------------------------------------------------------


def _triage_due(submission: Submission, received_day: date) -> DueDate:
    return compute_due_date(
        step=Step.TRIAGE,
        item_type=submission.type,
        channel=submission.channel,
        start=received_day,
        is_complex=submission.is_complex,
        is_remote=submission.commune.is_remote_area,
        category_id=submission.category_id,
        cal=refcache.cached("calendar", WorkingCalendar.load),
        rules=refcache.cached("deadline_rules", lambda: list(DeadlineRule.objects.filter(is_active=True))),
    )


def _item_columns(s: Submission, due: DueDate, campaign_id: int | None) -> dict[str, Any]:
    who = s.submitter
    return {
        "idempotency_key": s.idempotency_key,
        "type": s.type,
        "category_id": s.category_id,
        "commune_id": s.commune.id,
        "residential_area_id": s.residential_area_id,
        "address_text": s.address_text,
        "latitude": s.latitude,
        "longitude": s.longitude,
        "title": s.title,
        "content": s.content,
        "request_text": s.request_text,
        "search_text": fold_vietnamese(f"{s.title} {s.content} {s.request_text}"),
        "channel": s.channel,
        "source_organization_id": s.source_organization_id,
        "campaign_id": campaign_id,
        "is_mass_petition": s.is_mass_petition,
        "is_complex": s.is_complex,
        "complexity": Complexity.COMPLEX if s.is_complex else Complexity.NORMAL,
        "is_anonymous": who.is_anonymous,
        "submitter_name": who.name,
        "submitter_phone": who.phone,
        "submitter_email": who.email,
        "submitter_address": who.address,
        "submitter_language": s.submitter_language,
        "consent_processing": True,
        "consent_contact": who.consent_contact,
        "consent_publish": s.consent_publish,
        "privacy_notice_version": s.privacy_notice_version,
        "consent_method": s.consent_method,
        "status": Status.RECEIVED,
        "due_step": Step.TRIAGE,
        "due_date": due.due_date,
        "triage_due_date": due.due_date,
        "due_rule": due.rule,
        "received_at": s.received_at,
        "created_by": s.created_by,
    }


def submission_build(submission: Submission) -> _Rows:
    """The rows to write: the due date, the campaign, the secret and the columns (cached reference data only)."""
    received_day = timezone.localdate(submission.received_at)
    due = _triage_due(submission, received_day)
    campaign_id = submission.campaign_id
    if campaign_id is None:
        campaign_id = _running_campaign_id(submission.commune, received_day)
    key = submission.idempotency_key
    event = {
        "kind": EventKind.SUBMITTED,
        "to_status": Status.RECEIVED,
        "actor": submission.created_by,
        "actor_label": "officer" if submission.created_by else "citizen",
        "due_date": due.due_date,
        "is_public": True,
        "data": {
            "channel": submission.channel,
            "triage_rule_id": due.rule.id if due.rule else None,
            "triage_days": due.days,
            "day_count": due.day_count,
            "attachments": len(submission.attachments),
        },
    }
    return _Rows(
        item=_item_columns(submission, due, campaign_id),
        event=event,
        secret=secret_for_key(key) if key else tracking.new_secret(),
        submission=submission,
    )


# ---- write ---------------------------------------------------------------------------------------------


@cache
def _insert_fields(
    model: type[Item] | type[ItemEvent], skip: str
) -> "tuple[tuple[Field[Any, Any], ...], tuple[str, ...]]":
    """The fields Django's INSERT writes for ``model`` and their quoted columns, read once per process."""
    fields_ = tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.name != skip and f.column is not None
    )
    return fields_, tuple(connection.ops.quote_name(str(f.column)) for f in fields_)


# Django's own field classes whose database value, on PostgreSQL, is the Python value itself when it has the
# type below (or is None): ``get_db_prep_save`` would only check it. Checked once per process against the
# backend (``_passes_through``); subclasses are not listed, since they may convert.
_PLAIN_COLUMN_TYPES: dict[type, type] = {
    models.CharField: str,
    models.EmailField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.ForeignKey: int,
    models.DateField: date,
    models.DateTimeField: datetime,
}
_SAMPLES: dict[type, Any] = {
    str: "Ý kiến",
    bool: True,
    int: 7,
    date: date(2026, 1, 31),
    datetime: datetime(2026, 1, 31, 8, 30, tzinfo=UTC),
}


def _passes_through(f: "Field[Any, Any]", value: Any) -> bool:
    prepared = f.get_db_prep_save(value, connection=connection)
    return prepared is value or (type(prepared) is type(value) and prepared == value)


@cache
def _insert_plan(
    model: type[Item] | type[ItemEvent], skip: str
) -> "tuple[tuple[Field[Any, Any], str, type | None], ...]":
    """For each field of ``_insert_fields``: the field, its attribute, and the Python type whose values are sent as
    they are (None where every value goes through the field: a computed ``pre_save``, JSON, decimals)."""
    plan = []
    for f in _insert_fields(model, skip)[0]:
        plain = _PLAIN_COLUMN_TYPES.get(type(f))
        if plain is not None and (
            getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or not _passes_through(f, _SAMPLES[plain])
            or not _passes_through(f, None)
        ):
            plain = None
        plan.append((f, f.attname, plain))
    return tuple(plan)


def _insert_values(obj: Item | ItemEvent, *, skip: str = "") -> list[Any]:
    """The database values Django's own INSERT would send for ``obj`` (defaults and ``auto_now`` applied by
    each field's ``pre_save``), in ``_insert_fields``' order, so the one-statement INSERT writes the same row.
    A value of a plain column's own type is sent as it is, as Django would (tests/feedback/test_intake_values.py
    compares the two for every column): the rest go through the field."""
    values = []
    for f, attname, plain in _insert_plan(type(obj), skip):
        value: Any = getattr(obj, attname)
        if plain is None or not (value is None or type(value) is plain or (plain is str and isinstance(value, str))):
            value = f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection)
        elif isinstance(value, datetime) and value.tzinfo is None:
            value = f.get_db_prep_save(value, connection=connection)  # naive: Django makes it aware and warns
        values.append(value)
    return values


@cache
def _item_and_event_sql() -> str:
    """The item and its event in one statement, built once per process from the models' own metadata
    (identifiers only: every value is a bound parameter)."""
    _fields, item_columns = _insert_fields(Item, "")
    _fields, event_columns = _insert_fields(ItemEvent, "item")
    return (
        f"WITH new_item AS (INSERT INTO {Item._meta.db_table} ({', '.join(item_columns)}) "
        f"VALUES ({', '.join(['%s'] * len(item_columns))}) RETURNING id) "
        f"INSERT INTO {ItemEvent._meta.db_table} (item_id, {', '.join(event_columns)}) "
        f"SELECT new_item.id, {', '.join(['%s'] * len(event_columns))} FROM new_item RETURNING item_id, id"
    )


def _insert_item_and_event(item: Item, event: ItemEvent) -> None:
    """The item and its SUBMITTED event in one statement (a data-modifying CTE): one round trip, and atomic on
    its own, so outside a transaction it needs no BEGIN and COMMIT of its own (ADR 0168). Where the database
    session is ours it is prepared once per session and then only executed (ADR 0175)."""
    params = [*_insert_values(item), *_insert_values(event, skip="item")]
    with connection.cursor() as cursor:
        prepared.execute(cursor, "submit_item_and_event", _item_and_event_sql(), params)
        item.pk, event.pk = cursor.fetchone()
    item._state.adding = event._state.adding = False
    event.item = item


def _store_attachments(rows: _Rows, item: Item, event: ItemEvent, stored_names: list[str]) -> None:
    attachments = []
    for clean in rows.submission.attachments:
        stored_names.append(uploads.store(clean))
        attachments.append(
            Attachment(
                item=item,
                event=event,
                file=stored_names[-1],
                original_name=clean.original_name,
                content_type=clean.content_type,
                size=clean.size,
                sha256=clean.sha256,
                is_public=False,
                uploaded_by=rows.submission.created_by,
            )
        )
    Attachment.objects.bulk_create(attachments)


def _insert(rows: _Rows, code: str, stored_names: list[str]) -> Item:
    """The item, its SUBMITTED event and its files, all or nothing; the hooks run after commit.

    Without files and outside a caller's transaction, the one statement is the transaction. Otherwise a
    transaction (or a savepoint in the caller's) holds the rows and the files together, and lets a caller's
    transaction go on after a refused INSERT (a repeated idempotency key)."""
    item = Item(
        tracking_code=code, secret_hash=tracking.hash_secret(tracking_code=code, secret=rows.secret), **rows.item
    )
    event = ItemEvent(item=item, **rows.event)
    if not rows.submission.attachments and not connection.in_atomic_block:
        _insert_item_and_event(item, event)
    else:
        with transaction.atomic():
            _insert_item_and_event(item, event)
            if rows.submission.attachments:
                _store_attachments(rows, item, event, stored_names)
    transaction.on_commit(partial(_run_after_submit_hooks, item.pk), robust=True)
    return item


def submission_write(rows: _Rows) -> SubmitResult:
    """Insert with a fresh tracking code; a repeated idempotency key (found by its unique constraint at INSERT
    time, no SELECT first: retries are rare) returns the stored item; a code collision draws another code."""
    submission = rows.submission
    received_year = timezone.localdate(submission.received_at).year
    for attempt in range(_TRACKING_CODE_ATTEMPTS):
        stored_names: list[str] = []
        try:
            item = _insert(rows, tracking.new_tracking_code(year=received_year), stored_names)
        except IntegrityError:
            _discard(stored_names)
            key = submission.idempotency_key
            existing = Item.objects.filter(idempotency_key=key).order_by("pk").first() if key else None
            if key and existing is not None:
                # A concurrent request (or an earlier one) with the same key stored it.
                return _replay(existing, key=key, submission=submission)
            if attempt == _TRACKING_CODE_ATTEMPTS - 1:
                raise
            continue  # a tracking-code collision (40 random bits): draw another code
        except BaseException:
            _discard(stored_names)
            raise
        return SubmitResult(item=item, secret=rows.secret, created=True)
    raise AssertionError("unreachable")


def item_submit(**fields: Any) -> SubmitResult:
    """Validate, build, write: the arguments are those of ``submission_validate``."""
    return submission_write(submission_build(submission_validate(**fields)))


def _replay(item: Item, *, key: str, submission: Submission) -> SubmitResult:
    same = (
        submission.title == item.title
        and submission.content == item.content
        and submission.commune.id == item.commune_id
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
