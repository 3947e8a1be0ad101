"""The officer's queue: tabs with counts, filters and search over the items in the user's scope."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import django_filters
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mttq_portal.filters import IdFilter
from mttq_portal.text import fold_vietnamese
from organizations.selectors import AnyUser

from ..models import CLOSED_STATUSES, OPEN_STATUSES, TRIAGE_STATUSES, Channel, Item, ItemType, Status
from ..tracking import normalize_tracking_code
from .items import items_for_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Tab:
    key: str
    label: "StrOrPromise"


TABS = [
    Tab("to_triage", _("To triage")),
    Tab("waiting", _("Waiting for the agency")),
    Tab("due_soon", _("Due soon")),
    Tab("overdue", _("Overdue")),
    Tab("to_verify", _("Answered, to verify")),
    Tab("closed", _("Closed")),
]
TAB_KEYS = {tab.key for tab in TABS}


def tab_conditions(today: date | None = None) -> dict[str, Q]:
    today = today or timezone.localdate()
    open_ = Q(status__in=sorted(OPEN_STATUSES))
    return {
        "to_triage": Q(status__in=sorted(TRIAGE_STATUSES)),
        "waiting": Q(status=Status.FORWARDED),
        "due_soon": open_ & Q(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS)),
        "overdue": open_ & Q(due_date__lt=today),
        "to_verify": Q(status=Status.ANSWERED),
        "closed": Q(status__in=sorted(CLOSED_STATUSES)),
    }


def tab_counts(qs: QuerySet[Item]) -> dict[str, int]:
    """Every tab's count in one query."""
    conditions = tab_conditions()
    return qs.order_by().aggregate(**{key: Count("pk", filter=cond) for key, cond in conditions.items()})


def search(qs: QuerySet[Item], query: str) -> QuerySet[Item]:
    """Accent-insensitive: the folded query is a substring of the folded text (the trigram GIN index serves
    ``LIKE '%...%'``), or the tracking code itself, written any way the citizen's lookup accepts (lower case,
    spaces, confusable letters). The code is compared as stored (upper case) so that its unique index serves
    it: with ``iexact`` no index could, and every search read the whole table (ADR 0177)."""
    folded = fold_vietnamese(query)
    if not folded:
        return qs
    code = normalize_tracking_code(query) or query.strip().upper()
    return qs.filter(Q(search_text__contains=folded) | Q(tracking_code=code))


def _given(params: "QueryDict | Mapping[str, Any]") -> QueryDict:
    """The parameters sent with a value (blank values dropped)."""
    given = QueryDict(mutable=True)
    pairs = params.lists() if isinstance(params, QueryDict) else params.items()
    for key, values in pairs:
        kept = [str(value) for value in (values if isinstance(values, list) else [values]) if str(value).strip()]
        if kept:
            given.setlist(key, kept)
    return given


class ItemFilter(django_filters.FilterSet):
    """The queue's filters (the officers' page and the staff API); ids are plain numbers (the scope already
    limits the rows). A filter sent empty is no filter: a form's "All" and every box left blank arrive as
    ``status=`` and the like, and an empty status is not one of the choices."""

    def __init__(self, data: "QueryDict | Mapping[str, Any] | None" = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(_given(data) if data is not None else None, *args, **kwargs)

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    type = django_filters.ChoiceFilter(choices=ItemType.choices, label=_("Type"))
    category = IdFilter(field_name="category_id", label=_("Category"))
    commune = IdFilter(field_name="commune_id", label=_("Commune"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    agency = IdFilter(field_name="current_agency_id", label=_("Agency"))
    source_organization = IdFilter(field_name="source_organization_id", label=_("Source organisation"))
    campaign = IdFilter(field_name="campaign_id", label=_("Campaign"))
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from")
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    # Links from the targets pages to the items behind an A1 figure (ADR 0071).
    answer_due_from = django_filters.DateFilter(
        field_name="answer_due_date", lookup_expr="gte", label=_("Answer due from")
    )
    answer_due_to = django_filters.DateFilter(
        field_name="answer_due_date", lookup_expr="lte", label=_("Answer due until")
    )
    counted_for_a1 = django_filters.BooleanFilter(method="filter_counted_for_a1", label=_("Lawful and legitimate"))
    # Target A1's subject (the organisations' own recommendations) or its breakdown (citizens' items forwarded).
    a1_subject = django_filters.ChoiceFilter(
        method="filter_a1_subject",
        choices=[
            ("own", _("Recommendations of the Front and its organisations")),
            ("citizens", _("Citizens' items forwarded")),
        ],
        label=_("Target A1"),
    )

    class Meta:
        model = Item
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        return search(qs, value)

    def filter_counted_for_a1(self, qs: QuerySet[Item], name: str, value: bool) -> QuerySet[Item]:
        from .statistics import counted_for_a1

        return qs.filter(counted_for_a1()) if value else qs.exclude(counted_for_a1())

    def filter_a1_subject(self, qs: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        from .figures import citizens_forwarded, legitimate, own_recommendation

        return qs.filter(legitimate(), own_recommendation() if value == "own" else citizens_forwarded())

    def filter_overdue(self, qs: QuerySet[Item], name: str, value: bool) -> QuerySet[Item]:
        condition = tab_conditions()["overdue"]
        return qs.filter(condition) if value else qs.exclude(condition)


def queue_for_user(
    *, user: AnyUser, params: QueryDict, tab: str | None = None
) -> tuple[QuerySet[Item], dict[str, int], ItemFilter]:
    """(filtered queryset ordered by due date, tab counts, the bound filterset) for the officer's queue.

    A filter that is not valid (a date that is not a date) is left out, as the page says, and the others
    still apply; the bound filterset keeps its errors for the page to show."""
    base = items_for_user(user=user)
    filterset = ItemFilter(params, queryset=base)
    if filterset.is_valid():
        filtered = filterset.qs
    else:
        rest = _given(params)
        for key in filterset.errors:
            rest.pop(key, None)
        valid = ItemFilter(rest, queryset=base)
        filtered = valid.qs if valid.is_valid() else base.none()
    counts = tab_counts(filtered)
    if tab in TAB_KEYS:
        filtered = filtered.filter(tab_conditions()[tab])
    ordered = filtered.order_by(F("due_date").asc(nulls_last=True), "-received_at", "-id")
    return ordered, counts, filterset


def agency_inbox(*, user: AnyUser) -> QuerySet[Item]:
    """Items waiting for the answer of the user's agencies, due dates first."""
    from organizations.selectors import user_scope

    scope = user_scope(user=user)
    return (
        items_for_user(user=user)
        .filter(current_agency_id__in=sorted(scope.agency_ids), status=Status.FORWARDED)
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


# Likely duplicates (docs/adr/0130-duplicates-that-mean-something.md): how close the words of the new item's
# title must be to another item's text, how near two pins must be, and how far back to look.
DUPLICATE_WORD_SIMILARITY = 0.6
DUPLICATE_NEAR_METRES = 300
DUPLICATE_DAYS = 90
_METRES_PER_DEGREE = 111_320


def _near_box(latitude: Decimal | float, longitude: Decimal | float, metres: int) -> Q:
    """Pins within a box of ±``metres`` (cheap); the exact distance is computed in Python afterwards."""
    lat, lng = float(latitude), float(longitude)
    dlat = metres / _METRES_PER_DEGREE
    dlng = metres / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return Q(
        latitude__gte=round(lat - dlat, 6),
        latitude__lte=round(lat + dlat, 6),
        longitude__gte=round(lng - dlng, 6),
        longitude__lte=round(lng + dlng, 6),
    )


def distance_metres(
    lat1: Decimal | float, lng1: Decimal | float, lat2: Decimal | float, lng2: Decimal | float
) -> float:
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def duplicate_candidates(
    qs: QuerySet[Item],
    *,
    commune_id: int,
    category_id: int,
    title: str,
    received_at: datetime,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
    days: int = DUPLICATE_DAYS,
) -> list[Item]:
    """Items of ``qs`` that are likely the same matter: the same commune and the same category, received
    within ``days`` before (or after) ``received_at``, and either most words of the title found in the other
    item's text (trigram word similarity) or both pinned within ``DUPLICATE_NEAR_METRES``. Each result
    carries ``duplicate_reasons`` (words and/or distance) for the person deciding."""
    window = timedelta(days=days)
    qs = qs.filter(
        commune_id=commune_id,
        category_id=category_id,
        received_at__gte=received_at - window,
        received_at__lte=received_at + window,
    ).exclude(status__in=[Status.MERGED, Status.REJECTED, Status.WITHDRAWN])
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    folded = fold_vietnamese(title)[:200]
    pin = (latitude, longitude) if latitude is not None and longitude is not None else None
    qs = qs.annotate(similarity=TrigramWordSimilarity(folded, "search_text"))
    condition = Q(similarity__gte=DUPLICATE_WORD_SIMILARITY)
    if pin is not None:
        condition |= _near_box(*pin, DUPLICATE_NEAR_METRES)
    found: list[Item] = list(qs.filter(condition).order_by("-received_at")[: limit * 3])
    for other in found:
        reasons: list[StrOrPromise] = []
        similarity = getattr(other, "similarity", None)
        if similarity is None or similarity >= DUPLICATE_WORD_SIMILARITY:
            reasons.append(
                _("same field, similar words (%(percent)s%%)") % {"percent": round(100 * similarity)}
                if similarity is not None
                else _("same field, similar words")
            )
        other.distance = None
        if pin is not None and other.latitude is not None and other.longitude is not None:
            other.distance = distance_metres(*pin, other.latitude, other.longitude)
            if other.distance <= DUPLICATE_NEAR_METRES:
                reasons.append(_("same field, %(metres)s m away") % {"metres": round(other.distance)})
        other.duplicate_reasons = [str(r) for r in reasons]
        other.rank = (similarity or 0) + (1 - (other.distance or DUPLICATE_NEAR_METRES) / DUPLICATE_NEAR_METRES)
    found = [o for o in found if o.duplicate_reasons]
    found.sort(key=lambda o: -o.rank)
    return found[:limit]


def duplicate_suggestions(*, user: AnyUser, item: Item, limit: int = 5, days: int = DUPLICATE_DAYS) -> list[Item]:
    """Likely duplicates of ``item`` among what the officer sees (see ``duplicate_candidates``)."""
    return duplicate_candidates(
        items_for_user(user=user),
        commune_id=item.commune_id,
        category_id=item.category_id,
        title=item.title,
        received_at=item.received_at,
        latitude=item.latitude,
        longitude=item.longitude,
        exclude_pk=item.pk,
        limit=limit,
        days=days,
    )


def due_today_count(*, user: AnyUser) -> int:
    """Open items in the user's scope whose due date is today or has passed: the header's "to do today"."""
    from ..models import OPEN_STATUSES

    today = timezone.localdate()
    return (
        items_for_user(user=user)
        .filter(status__in=sorted(s.value for s in OPEN_STATUSES), due_date__lte=today)
        .exclude(status=Status.ANSWERED)
        .count()
    )
