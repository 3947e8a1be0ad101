"""The officer's queue: tabs with counts, filters and search over the items in the user's scope."""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import django_filters
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mttq_portal.filters import IdFilter
from mttq_portal.text import fold_vietnamese

from ..models import CLOSED_STATUSES, OPEN_STATUSES, TRIAGE_STATUSES, Channel, Item, ItemType, Status
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


def tab_conditions(today=None) -> dict[str, Q]:
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
    ``LIKE '%...%'``), or the tracking code itself."""
    folded = fold_vietnamese(query)
    if not folded:
        return qs
    return qs.filter(Q(search_text__contains=folded) | Q(tracking_code__iexact=query.strip()))


class ItemFilter(django_filters.FilterSet):
    """The queue's filters; ids are plain numbers (the scope already limits the rows)."""

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

    def filter_q(self, qs, name, value):
        return search(qs, value)

    def filter_counted_for_a1(self, qs, name, value):
        from .statistics import counted_for_a1

        return qs.filter(counted_for_a1()) if value else qs.exclude(counted_for_a1())

    def filter_a1_subject(self, qs, name, value):
        from .figures import citizens_forwarded, legitimate, own_recommendation

        return qs.filter(legitimate(), own_recommendation() if value == "own" else citizens_forwarded())

    def filter_overdue(self, qs, name, value):
        condition = tab_conditions()["overdue"]
        return qs.filter(condition) if value else qs.exclude(condition)


def queue_for_user(*, user, params, tab: str | None = None):
    """(filtered queryset ordered by due date, tab counts, the bound filterset) for the officer's queue."""
    base = items_for_user(user=user)
    filterset = ItemFilter(params, queryset=base)
    filtered = filterset.qs if filterset.is_valid() else base.none()
    counts = tab_counts(filtered)
    if tab in TAB_KEYS:
        filtered = filtered.filter(tab_conditions()[tab])
    ordered = filtered.order_by(F("due_date").asc(nulls_last=True), "-received_at", "-id")
    return ordered, counts, filterset


def agency_inbox(*, user) -> QuerySet[Item]:
    """Items waiting for the answer of the user's agencies, due dates first."""
    from organizations.selectors import user_scope

    scope = user_scope(user=user)
    return (
        items_for_user(user=user)
        .filter(current_agency_id__in=sorted(scope.agency_ids), status=Status.FORWARDED)
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def duplicate_suggestions(*, user, item: Item, limit: int = 5, days: int = 180) -> list[Item]:
    """Likely duplicates: same commune, received within ``days``, similar folded text (trigram similarity)."""
    since = item.received_at - timedelta(days=days)
    qs = (
        items_for_user(user=user)
        .filter(commune_id=item.commune_id, received_at__gte=since)
        .exclude(pk=item.pk)
        .exclude(status=Status.MERGED)
    )
    return list(
        qs.annotate(similarity=TrigramSimilarity("search_text", item.search_text[:500]))
        .filter(similarity__gte=0.3)
        .order_by("-similarity", "-received_at")[:limit]
    )
