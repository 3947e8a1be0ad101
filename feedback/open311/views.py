"""GeoReport v2 endpoints. Every response exists in JSON and XML (the URL's suffix chooses); every error is
``[{"code": <HTTP status>, "description": ...}]`` (``<errors><error>`` in XML) with the HTTP status."""

import functools
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import authentication, exceptions

from mttq_portal.client_address import AnonAddressRateThrottle
from mttq_portal.errors import ApplicationError
from mttq_portal.filters import id_or_none
from mttq_portal.ordering import vietnamese_order
from organizations.models import ApiTokenScope
from organizations.selectors import commune_list
from organizations.tokens import (
    KEY_PREFIX,
    PUBLIC,
    ApiTokenRateThrottle,
    identity_for_key,
    required_token_scope,
    token_scope_check,
)

from ..models import OPEN_STATUSES, PUBLIC_ITEM_TYPES, Channel, ConsentMethod, ItemType, Status
from ..selectors.open311 import (
    open311_public_location,
    open311_request_get,
    open311_requests,
    open311_service_get,
    open311_services,
)
from ..selectors.public import public_summary
from ..services.intake import item_submit
from .rendering import error, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+07:00"
DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# Denunciations are not taken through Open311: the denouncer's identity needs the protected web form.
OPEN311_TYPES = [t for t in PUBLIC_ITEM_TYPES if t != ItemType.DENUNCIATION]
YES = {"yes", "true", "1", "on"}
# item_submit's field names → the Open311 parameter a client sent.
FIELD_PARAMETERS = {
    "commune": "attribute[commune]",
    "type": "attribute[type]",
    "category": "service_code",
    "consent_processing": "attribute[consent_processing]",
    "consent_contact": "attribute[consent_contact]",
    "content": "description",
    "title": "attribute[title]",
    "latitude": "lat",
    "longitude": "long",
    "submitter_email": "email",
    "submitter_phone": "phone",
    "submitter_name": "first_name",
    "address_text": "address_string",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str, *, retry_after: float | None = None):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


class _Scopes:
    """What a token needs on an Open311 resource (``organizations.tokens.TokenScopePermission``'s rules):
    reads are public (a token with ``items`` reads its organisation's scope), a POST needs
    ``open311:submit``."""

    def __init__(self, post_scope: str | None):
        self.token_scope = PUBLIC
        self.post_scope = post_scope

    def needed(self, method: str) -> str | None:
        return self.post_scope if method == "POST" else required_token_scope(self, method)


def _endpoint(methods=("GET",), post_scope: str | None = None):
    """Method check, format check, jurisdiction check, the token's scope, throttling and the spec's error
    shape (405 included) around a view."""
    scopes = _Scopes(post_scope)

    def decorate(view):
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in ("json", "xml"):
                return error("json", 404, _("Unknown format: use .json or .xml."))
            if request.method not in methods:
                response = error(
                    fmt, 405, _("Method %(method)s is not allowed here.") % {"method": request.method[:10]}
                )
                response["Allow"] = ", ".join(methods)
                return response
            return _run(view, request, args, kwargs, fmt=fmt, scopes=scopes)

        wrapper.__name__ = view.__name__
        return wrapper

    return decorate


def _run(view, request, args, kwargs, *, fmt, scopes):
    try:
        jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
            raise Open311Error(
                404,
                _("Unknown jurisdiction_id: this endpoint serves “%(id)s”.") % {"id": settings.OPEN311_JURISDICTION_ID},
            )
        identity = _identity(request)
        needed = scopes.needed(request.method)
        if needed != PUBLIC:
            if identity is None:
                raise Open311Error(403, _("api_key is required to submit a service request."))
            try:
                token_scope_check(token=identity[1], needed=needed)
            except exceptions.PermissionDenied as exc:
                raise Open311Error(403, str(exc.detail)) from None
        _throttle(request, identity)
        return view(request, *args, fmt=fmt, identity=identity, **kwargs)
    except Open311Error as exc:
        response = error(fmt, exc.status, exc.description)
        if exc.retry_after is not None:
            response["Retry-After"] = str(int(exc.retry_after))
        return response


def _identity(request) -> tuple | None:
    """(service account, token) for a key sent in the Authorization header or, for a POST, the body's
    ``api_key`` (GeoReport v2). A key in a URL would land in every proxy's and server's log: refused."""
    if "api_key" in request.GET:
        raise Open311Error(
            400, _("Do not put api_key in the URL: send it in the Authorization header or the POST body.")
        )
    header = authentication.get_authorization_header(request).decode("latin-1").split()
    key = ""
    if len(header) == 2 and header[0].lower() in ("bearer", "token") and header[1].startswith(KEY_PREFIX):
        key = header[1]
    elif request.method == "POST":
        key = request.POST.get("api_key") or ""
    if not key:
        return None
    try:
        return identity_for_key(key)
    except exceptions.AuthenticationFailed as exc:
        # GeoReport v2: an invalid api_key is a 403.
        raise Open311Error(403, str(exc.detail)) from None


def _throttle(request, identity) -> None:
    """DRF's throttles (per token in the shared cache; per address for anonymous reads)."""
    throttle = ApiTokenRateThrottle() if identity else AnonAddressRateThrottle()
    subject = SimpleNamespace(
        auth=identity[1] if identity else None,
        user=identity[0] if identity else SimpleNamespace(is_authenticated=False),
        META=request.META,
        headers=request.headers,
    )
    if not throttle.allow_request(subject, None):
        raise Open311Error(429, _("Too many requests; try again in a minute."), retry_after=throttle.wait())


@_endpoint()
def discovery(request, *, fmt, identity):
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": _("API keys are issued by the administrator of the provincial Fatherland Front portal."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond("discovery", data, fmt)


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": True,
        "type": "batch",
        "keywords": category.code.replace("-", " "),
        "group": _("Feedback to the Fatherland Front"),
    }


@_endpoint()
def services(request, *, fmt, identity):
    return respond("services", [_service(c) for c in open311_services()], fmt)


def _yes_no(order: int, code: str, description: str, *, required: bool) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": required,
        "datatype_description": _("yes or no"),
        "order": order,
        "description": description,
        "values": [{"key": "yes", "name": _("Yes")}] + ([] if required else [{"key": "no", "name": _("No")}]),
    }


@_endpoint()
def service_definition(request, code, *, fmt, identity):
    category = open311_service_get(code=code)
    if category is None:
        raise Open311Error(404, _("No service with the code “%(code)s”.") % {"code": code})
    attributes = [
        {
            "variable": True,
            "code": "commune",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": _("The official code of the commune or ward."),
            "order": 1,
            "description": _("Commune or ward where the matter is"),
            "values": [
                {"key": str(u.code), "name": u.name} for u in commune_list().order_by(*vietnamese_order("name"))
            ],
        },
        {
            "variable": True,
            "code": "type",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Default: report."),
            "order": 2,
            "description": _("Kind of matter"),
            "values": [{"key": t.value, "name": str(t.label)} for t in OPEN311_TYPES],
        },
        _yes_no(
            3,
            "consent_processing",
            _(
                "I agree that the Fatherland Front processes my matter and forwards it to the competent agency "
                "(required: without this consent the request cannot be accepted)."
            ),
            required=True,
        ),
        _yes_no(4, "consent_contact", _("I agree to be contacted by phone, SMS or email."), required=False),
        _yes_no(5, "consent_publish", _("I agree that my matter is published, anonymised."), required=False),
        {
            "variable": True,
            "code": "title",
            "datatype": "string",
            "required": False,
            "datatype_description": _("At most 200 characters; default: the start of the description."),
            "order": 6,
            "description": _("Title"),
        },
    ]
    return respond("service_definition", {"service_code": category.code, "attributes": attributes}, fmt)


def _iso(value) -> str | None:
    # The portal's one timezone, resolved once (timezone.localtime per value was a third of a page's time).
    return value.astimezone(_portal_tz()).isoformat(timespec="seconds") if value else None


@functools.cache
def _portal_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _request_row(row: dict, *, full: bool, english: bool) -> dict:
    """One request from a selector row. ``full``: the caller's token may read items (its organisation's
    scope); otherwise what the public record shows: the cleaned summary, the commune, and a location rounded
    to 3 decimals."""
    status = row["status"]
    is_open = status in OPEN_STATUSES
    expected = None
    if row["due_date"] and is_open:
        # The one current due date, as the end of that day in the portal's timezone.
        expected = datetime.combine(row["due_date"], time(23, 59, 59), tzinfo=_portal_tz()).isoformat()
    if full:
        description = row["content"]
        address = row["address_text"] or row["commune__name"]
        location = {
            "lat": float(row["latitude"]) if row["latitude"] is not None else None,
            "long": float(row["longitude"]) if row["longitude"] is not None else None,
        }
    else:
        description = public_summary(SimpleNamespace(title=row["title"], submitter_name=row["submitter_name"]))
        address = row["commune__name"]
        location = open311_public_location(row)
    return {
        "service_request_id": row["tracking_code"],
        "status": "open" if is_open else "closed",
        "status_notes": row["public_answer"] or _status_label(status),
        "service_name": row["category__name_en"] if english else row["category__name_vi"],
        "service_code": row["category__code"],
        "description": description,
        "agency_responsible": row["current_agency__name"] if row["current_agency_id"] else "",
        "service_notice": "",
        "requested_datetime": _iso(row["received_at"]),
        "updated_datetime": _iso(row["updated_at"]),
        "expected_datetime": expected,
        "address": address,
        "address_id": None,
        "zipcode": None,
        **location,
        "media_url": None,
    }


def _status_label(status: str) -> str:
    return str(Status(status).label)


def _rows(items: list[dict], *, full: bool) -> list[dict]:
    english = (get_language() or "vi").startswith("en")
    return [_request_row(row, full=full, english=english) for row in items]


def _reader(identity):
    """The actor whose scope lists requests (a token with ``items``), or None for the public record."""
    return identity[0] if identity is not None and identity[1].has_scope(ApiTokenScope.ITEMS) else None


def _parse_time(name: str, value: str | None):
    if not value:
        return None
    try:
        # parse_datetime answers None for a shape it does not know and raises for a date that cannot exist
        # (month 13); a time at the edge of the calendar overflows when moved to UTC.
        parsed = parse_datetime(value.replace(" ", "+"))
        if parsed is not None:
            parsed = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
            parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise Open311Error(400, _("%(name)s is not a valid ISO 8601 date and time.") % {"name": name})
    return parsed


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@csrf_exempt
@_endpoint(methods=("GET", "POST"), post_scope=ApiTokenScope.OPEN311_SUBMIT)
def requests(request, *, fmt, identity):
    if request.method == "POST":
        return _create(request, fmt=fmt, identity=identity)
    reader = _reader(identity)
    ids = _split(request.GET.get("service_request_id"))
    if ids:
        # GeoReport v2: with service_request_id every other filter is ignored.
        items = open311_requests(identity=reader, ids=ids[:MAX_REQUESTS])
        return respond("requests", _rows(items, full=reader is not None), fmt)
    statuses = [s.lower() for s in _split(request.GET.get("status"))]
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status must be open, closed or both separated by a comma."))
    start = _parse_time("start_date", request.GET.get("start_date"))
    end = _parse_time("end_date", request.GET.get("end_date"))
    # The spec's default window: the last 90 days; a longer span is refused.
    if start is None and end is None:
        end = timezone.now()
        start = end - DEFAULT_WINDOW
    elif start is None:
        start = end - DEFAULT_WINDOW
    elif end is None:
        end = start + DEFAULT_WINDOW
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("The date range may span at most 90 days."))
    page, page_size = _page(request)
    items = open311_requests(
        identity=reader,
        service_codes=_split(request.GET.get("service_code")),
        statuses=statuses,
        start=start,
        end=end,
        limit=page_size + 1,
        offset=(page - 1) * page_size,
    )
    response = respond("requests", _rows(items[:page_size], full=reader is not None), fmt)
    if len(items) > page_size:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return response


def _page(request) -> tuple[int, int]:
    """``page`` (from 1) and ``page_size`` (default OPEN311_PAGE_SIZE, at most MAX_REQUESTS): the list answers
    like a page, with a ``Link: <...>; rel="next"`` header while more follow (docs/adr/0166)."""
    try:
        page = int(request.GET.get("page") or 1)
        page_size = int(request.GET.get("page_size") or settings.OPEN311_PAGE_SIZE)
    except ValueError:
        raise Open311Error(400, _("page and page_size must be whole numbers.")) from None
    if page < 1 or not 1 <= page_size <= MAX_REQUESTS:
        raise Open311Error(400, _("page starts at 1; page_size is between 1 and %(max)s.") % {"max": MAX_REQUESTS})
    return page, page_size


@_endpoint()
def request_detail(request, code, *, fmt, identity):
    reader = _reader(identity)
    item = open311_request_get(identity=reader, code=code.strip().upper())
    if item is None:
        raise Open311Error(404, _("No service request with the id “%(id)s”.") % {"id": code})
    return respond("requests", _rows([item], full=reader is not None), fmt)


def _create(request, *, fmt, identity):
    data = request.POST
    service_code = (data.get("service_code") or "").strip()
    if not service_code:
        raise Open311Error(400, _("service_code is required."))
    category = open311_service_get(code=service_code)
    if category is None:
        raise Open311Error(400, _("No service with the code “%(code)s”.") % {"code": service_code})
    attribute = lambda name: (data.get(f"attribute[{name}]") or "").strip()  # noqa: E731
    if attribute("consent_processing").lower() not in YES:
        raise Open311Error(
            400,
            _(
                "attribute[consent_processing]=yes is required: the Front can only handle a matter the person "
                "agreed to have processed and forwarded."
            ),
        )
    commune_code = attribute("commune")
    code = id_or_none(commune_code)
    commune = commune_list().filter(code=code).first() if code is not None else None
    if commune is None:
        raise Open311Error(
            400,
            _(
                "attribute[commune] must be the official code of a commune or ward of the "
                "province (see the service definition)."
            ),
        )
    item_type = attribute("type") or ItemType.REPORT
    if item_type not in OPEN311_TYPES:
        raise Open311Error(400, _("attribute[type] is not one of the listed kinds."))
    has_point = bool((data.get("lat") or "").strip() and (data.get("long") or "").strip())
    if not (has_point or (data.get("address_string") or "").strip()):
        # GeoReport v2: a request is located by lat & long or by address_string (or address_id, not offered).
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    description = (data.get("description") or "").strip()
    if not description:
        raise Open311Error(400, _("description is required: say what happened."))
    title = attribute("title") or _title_from(description)
    name = " ".join(p for p in ((data.get("first_name") or "").strip(), (data.get("last_name") or "").strip()) if p)
    email, phone = (data.get("email") or "").strip(), (data.get("phone") or "").strip()
    try:
        result = item_submit(
            type=item_type,
            category_id=category.id,
            commune_id=commune.id,
            title=title,
            content=description,
            channel=Channel.OPEN311,
            privacy_notice_version=attribute("privacy_notice_version") or settings.PRIVACY_NOTICE_VERSION,
            consent_method=ConsentMethod.API,
            consent_processing=True,
            consent_contact=attribute("consent_contact").lower() in YES,
            consent_publish=attribute("consent_publish").lower() in YES,
            address_text=(data.get("address_string") or "").strip(),
            latitude=data.get("lat") or None,
            longitude=data.get("long") or None,
            is_anonymous=not (name or email or phone),
            submitter_name=name,
            submitter_email=email,
            submitter_phone=phone,
            source_organization_id=None,
        )
    except ApplicationError as exc:
        field = next(iter(exc.fields), "")
        parameter = FIELD_PARAMETERS.get(field, field)
        message = f"{parameter}: {exc.message}" if parameter else exc.message
        raise Open311Error(400, message) from None
    notice = _("Received. Tracking code %(code)s; the lookup secret is %(secret)s.") % {
        "code": result.item.tracking_code,
        "secret": result.secret,
    }
    row = {"service_request_id": result.item.tracking_code, "service_notice": notice, "account_id": None}
    return respond("requests", [row], fmt, status=201 if result.created else 200)


def _title_from(description: str) -> str:
    first = description.split("\n", 1)[0].strip()
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
