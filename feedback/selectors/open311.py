"""Reads for the Open311 GeoReport v2 endpoint (feedback/open311/).

Anyone may list requests (the standard has no key for reads), so without a key Open311 publishes exactly
what the public record publishes (``public.published_items``), with the cleaned summary and a location
rounded to 3 decimals (about 100 m). A client with an API token that may read items sees its
organisation's scope through ``items_for_user``.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import QuerySet

from organizations.selectors import AnyUser

from ..models import Category, Item, Status
from .items import items_for_user
from .public import published_items

# Merged and withdrawn items are not requests of their own any more.
HIDDEN_STATUSES = (Status.MERGED, Status.WITHDRAWN)


def open311_services() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("order", "name_vi")


def open311_service_get(*, code: str) -> Category | None:
    return open311_services().filter(code=code).first()


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
) -> list[Item]:
    if identity is not None:
        qs = items_for_user(user=identity)
    else:
        qs = published_items().filter(commune__parent__code=settings.PORTAL_PROVINCE_CODE)
    qs = qs.exclude(status__in=HIDDEN_STATUSES).select_related("category", "current_agency", "commune")
    if ids:
        return list(qs.filter(tracking_code__in=ids).order_by("-received_at")[:limit])
    if service_codes:
        qs = qs.filter(category__code__in=service_codes)
    if statuses:
        from ..models import CLOSED_STATUSES, OPEN_STATUSES

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
    return list(qs.order_by("-received_at", "-id")[offset : offset + limit])


def open311_public_location(item: Item) -> dict[str, float | None]:
    """The published location: 3 decimals (about 100 m), never the exact point of a citizen's report."""

    def rounded(value: Decimal | None) -> float | None:
        if value is None:
            return None
        return float(Decimal(value).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))

    return {"lat": rounded(item.latitude), "long": rounded(item.longitude)}


def open311_request_get(*, identity: AnyUser | None = None, code: str) -> Item | None:
    found = open311_requests(identity=identity, ids=[code], limit=1)
    return found[0] if found else None


__all__ = [
    "open311_public_location",
    "open311_request_get",
    "open311_requests",
    "open311_service_get",
    "open311_services",
]
