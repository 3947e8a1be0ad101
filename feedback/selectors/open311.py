"""Reads for the Open311 GeoReport v2 endpoint (feedback/open311/).

Anyone may list requests (the standard has no key for reads), so without a key Open311 publishes exactly
what the public record publishes (``public.published_items``), with the cleaned summary and a location
rounded to 3 decimals (about 100 m). A client with an API token that may read items sees its
organisation's scope through ``items_for_user``.

Rows come back as plain dicts of the columns a GeoReport row needs (``.values()``), not model instances:
building 100 ``Item`` objects with three related objects each was most of a page's time (docs/adr/0170).
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from organizations.models import AdministrativeUnit
from organizations.selectors import AnyUser

from .. import refcache
from ..models import CLOSED_STATUSES, OPEN_STATUSES, Category, Status
from .items import items_for_user
from .public import published_items

# Merged and withdrawn items are not requests of their own any more.
HIDDEN_STATUSES = (Status.MERGED, Status.WITHDRAWN)
# The columns of one public row: no content, no contact details, only the name the summary scrubs out.
PUBLIC_COLUMNS = (
    "tracking_code",
    "status",
    "public_answer",
    "title",
    "submitter_name",
    "received_at",
    "updated_at",
    "due_date",
    "latitude",
    "longitude",
    "current_agency_id",
    "category__code",
    "category__name_vi",
    "category__name_en",
    "current_agency__name",
    "commune__name",
)
# What a token that may read items sees besides: the full text and the address as written.
FULL_COLUMNS = (*PUBLIC_COLUMNS, "content", "address_text")


def open311_services() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("order", "name_vi")


def open311_service_get(*, code: str) -> Category | None:
    return open311_services().filter(code=code).first()


def _province_commune_ids() -> tuple[int, ...]:
    # The ids first, then ``commune_id IN (<ids>)``: joined to the commune's parent (or as a subquery),
    # PostgreSQL guessed one matching commune, joined every published item and sorted them all (230 ms at
    # 20,000 items); with the ids as values it walks the received_at index and stops after one page (1 ms).
    # Reference data: read once per process and minute, not once per page (ADR 0178).
    ids: tuple[int, ...] = refcache.cached("province_commune_ids", _load_province_commune_ids)
    return ids


def _load_province_commune_ids() -> tuple[int, ...]:
    return tuple(
        AdministrativeUnit.objects.filter(parent__code=settings.PORTAL_PROVINCE_CODE)
        .order_by()
        .values_list("id", flat=True)
    )


def open311_requests(
    *,
    identity: AnyUser | None = None,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Rows (dicts of ``PUBLIC_COLUMNS``, or ``FULL_COLUMNS`` for a token that reads items), newest first."""
    columns = FULL_COLUMNS if identity is not None else PUBLIC_COLUMNS
    if identity is not None:
        qs = items_for_user(user=identity)
    elif ids:
        # Found by the unique tracking code: the join to the commune's province costs nothing here.
        qs = published_items().filter(commune__parent__code=settings.PORTAL_PROVINCE_CODE)
    else:
        qs = published_items().filter(commune_id__in=_province_commune_ids())
    qs = qs.exclude(status__in=HIDDEN_STATUSES)
    if ids:
        return list(qs.filter(tracking_code__in=ids).order_by("-received_at", "-id").values(*columns)[:limit])
    if service_codes:
        qs = qs.filter(category__code__in=service_codes)
    if statuses:
        wanted: set[str] = set()
        if "open" in statuses:
            wanted |= {s.value for s in OPEN_STATUSES}
        if "closed" in statuses:
            wanted |= {s.value for s in CLOSED_STATUSES}
        qs = qs.filter(status__in=sorted(wanted))
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lte=end)
    return list(qs.order_by("-received_at", "-id").values(*columns)[offset : offset + limit])


def _rounded(value: Decimal | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def open311_public_location(row: dict[str, Any]) -> dict[str, float | None]:
    """The published location: 3 decimals (about 100 m), never the exact point of a citizen's report."""
    return {"lat": _rounded(row["latitude"]), "long": _rounded(row["longitude"])}


def open311_request_get(*, identity: AnyUser | None = None, code: str) -> dict[str, Any] | None:
    found = open311_requests(identity=identity, ids=[code], limit=1)
    return found[0] if found else None


__all__ = [
    "open311_public_location",
    "open311_request_get",
    "open311_requests",
    "open311_service_get",
    "open311_services",
]
