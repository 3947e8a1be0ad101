"""Reads of programmes, milestones, activities, campaigns' counts and the "Dân vận khéo" register, scoped to
the user through ``organizations.selectors.user_scope``.

Who sees what: the provincial Front, administrators and the provincial board see the whole province; a
commune Front officer sees the programmes and milestones (province-wide plans) but only the activities,
campaigns and models of their communes; agency officers and citizens see nothing here.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from feedback.models import Campaign, Item
from mttq_portal.ordering import vietnamese_sort_key
from mttq_portal.text import fold_vietnamese
from organizations.models import AdministrativeUnit, Level, Organization, OrganizationKind, ResidentialArea
from organizations.scope import figures_q
from organizations.selectors import AnyUser, UserScope, commune_list, user_scope

from .models import (
    Activity,
    EvidenceFile,
    Milestone,
    MilestoneState,
    Programme,
    ProgrammeQuantity,
    QuantityMeasure,
    QuantityUnit,
    SkilfulMobilisationModel,
)


def require_viewer(*, user: AnyUser) -> UserScope:
    """The scope of a user who may see the programmes, or PermissionDenied (403)."""
    scope = user_scope(user=user)
    if not scope.sees_aggregates:
        raise PermissionDenied
    return scope


def can_record(*, user: AnyUser) -> bool:
    scope = user_scope(user=user)
    return scope.is_admin or scope.is_front_officer


def can_complete_milestones(*, user: AnyUser) -> bool:
    return user_scope(user=user).sees_whole_province


def _commune_filter(scope: UserScope, *, commune_field: str, org_unit_field: str) -> Q | None:
    """None: no narrowing (province-wide). Else the Q a commune officer's rows must match
    (``organizations.scope.figures_q``, the one rule for rows of figures and records)."""
    q = figures_q(scope, commune_field=commune_field, org_unit_field=org_unit_field)
    if q is None:
        return Q(pk__in=[])
    return None if q == Q() else q


# --- programmes and milestones -------------------------------------------------------------------------


def programme_list(*, user: AnyUser) -> QuerySet[Programme]:
    require_viewer(user=user)
    return Programme.objects.prefetch_related("lead_organizations", "sub_rows").order_by("number")


def programme_get_for_user(*, user: AnyUser, number: int) -> Programme | None:
    require_viewer(user=user)
    return (
        Programme.objects.prefetch_related("lead_organizations", "coordinating_organizations", "sub_rows", "quantities")
        .filter(number=number)
        .first()
    )


def milestone_list(*, user: AnyUser) -> QuerySet[Milestone]:
    require_viewer(user=user)
    return Milestone.objects.select_related("programme", "sub_row").order_by("due_date", "programme__number", "id")


def milestone_get_for_user(*, user: AnyUser, milestone_id: int) -> Milestone | None:
    return milestone_list(user=user).prefetch_related("evidence").filter(id=milestone_id).first()


def filter_milestones_by_state(qs: QuerySet[Milestone], state: str, today: datetime.date) -> QuerySet[Milestone]:
    from django.db.models import F

    match state:
        case MilestoneState.DONE_ON_TIME:
            return qs.filter(done_on__isnull=False, done_on__lte=F("due_date"))
        case MilestoneState.DONE_LATE:
            return qs.filter(done_on__isnull=False, done_on__gt=F("due_date"))
        case MilestoneState.LATE:
            return qs.filter(done_on__isnull=True, due_date__lt=today)
        case MilestoneState.DUE_SOON:
            return qs.filter(done_on__isnull=True, due_date__gte=today, due_date__lte=today + datetime.timedelta(30))
        case MilestoneState.UPCOMING:
            return qs.filter(done_on__isnull=True, due_date__gt=today + datetime.timedelta(30))
    return qs


# --- activities ----------------------------------------------------------------------------------------


def activity_list(*, user: AnyUser) -> QuerySet[Activity]:
    scope = require_viewer(user=user)
    qs = Activity.objects.select_related("programme", "sub_row", "organization", "commune").prefetch_related(
        Prefetch("residential_areas", queryset=ResidentialArea.objects.only("id", "name", "commune_id"))
    )
    narrowing = _commune_filter(scope, commune_field="commune_id", org_unit_field="organization__unit_id")
    return qs if narrowing is None else qs.filter(narrowing)


def activity_search(qs: QuerySet[Activity], query: str) -> QuerySet[Activity]:
    folded = fold_vietnamese(query)
    return qs.filter(search_text__contains=folded) if folded else qs


def activity_get_for_user(*, user: AnyUser, activity_id: int) -> Activity | None:
    return activity_list(user=user).prefetch_related("evidence", "item_links__item").filter(id=activity_id).first()


def recordable_organizations(*, user: AnyUser) -> QuerySet[Organization]:
    """Organisations a user may record for: every one of the province for the provincial Front, those of
    their communes for a commune officer."""
    scope = user_scope(user=user)
    qs = Organization.objects.filter(is_active=True).select_related("unit")
    if scope.sees_whole_province:
        return qs.filter(Q(unit__in=commune_list()) | Q(unit__parent__isnull=True))
    if scope.front_unit_ids:
        return qs.filter(unit_id__in=scope.front_unit_ids)
    return qs.none()


def recordable_communes(*, user: AnyUser) -> QuerySet[AdministrativeUnit]:
    scope = user_scope(user=user)
    if scope.sees_whole_province:
        return commune_list()
    if scope.front_unit_ids:
        return commune_list().filter(id__in=scope.front_unit_ids)
    return commune_list().none()


def linkable_items(*, user: AnyUser) -> QuerySet[Item]:
    """Feedback items a user may link to an activity (those of their communes; all for the province)."""
    scope = user_scope(user=user)
    if scope.sees_whole_province:
        return Item.objects.all()
    if scope.front_unit_ids:
        return Item.objects.filter(commune_id__in=scope.front_unit_ids)
    return Item.objects.none()


def evidence_get_for_user(*, user: AnyUser, evidence_id: int) -> EvidenceFile | None:
    """An evidence file the user may download: through the activity, milestone or model it belongs to."""
    scope = require_viewer(user=user)
    evidence = (
        EvidenceFile.objects.select_related("activity", "activity__organization", "skilful_model")
        .filter(id=evidence_id)
        .first()
    )
    if evidence is None:
        return None
    if scope.sees_whole_province or scope.is_board_viewer or evidence.milestone_id:
        return evidence
    units = scope.front_unit_ids
    owner = evidence.activity or evidence.skilful_model
    if owner is not None and (owner.commune_id in units or owner.organization.unit_id in units):
        return evidence
    return None


# --- campaigns (feedback's Listening-to-the-People Months, counted by programme row 4) ------------------


def campaign_list(*, user: AnyUser) -> QuerySet[Campaign]:
    scope = require_viewer(user=user)
    qs = Campaign.objects.select_related("organization", "unit").order_by("-starts_on", "-id")
    narrowing = _commune_filter(scope, commune_field="unit_id", org_unit_field="organization__unit_id")
    return qs if narrowing is None else qs.filter(narrowing)


# --- the "Dân vận khéo" register ------------------------------------------------------------------------


def skilful_model_list(*, user: AnyUser) -> QuerySet[SkilfulMobilisationModel]:
    scope = require_viewer(user=user)
    qs = SkilfulMobilisationModel.objects.select_related("organization", "commune")
    narrowing = _commune_filter(scope, commune_field="commune_id", org_unit_field="organization__unit_id")
    return qs if narrowing is None else qs.filter(narrowing)


def skilful_model_get_for_user(*, user: AnyUser, model_id: int) -> SkilfulMobilisationModel | None:
    return skilful_model_list(user=user).prefetch_related("evidence").filter(id=model_id).first()


# --- progress --------------------------------------------------------------------------------------------


@dataclass
class QuantityProgress:
    quantity: ProgrammeQuantity
    value: float | None  # count, or percent; None when there is nothing to measure against
    reached: bool | None
    organizations_reached: int | None = None
    organizations_total: int | None = None
    by_organization: list[tuple[str, int]] = field(default_factory=list)
    # Residential-area quantities (rows 9 and 10): areas covered over the areas counted.
    areas_covered: int | None = None
    areas_total: int | None = None

    @property
    def target_text(self) -> str:
        q = self.quantity
        suffix = "%" if q.unit == QuantityUnit.PERCENT else ""
        if q.per_year_max:
            return f"{q.per_year_min}-{q.per_year_max}{suffix}"
        return f"{q.per_year_min}{suffix}"


@dataclass
class MilestoneProgress:
    due: int = 0
    done_on_time: int = 0
    done_late: int = 0
    late: int = 0
    open: int = 0


@dataclass
class ProgrammeProgress:
    programme: Programme
    milestones: MilestoneProgress
    quantities: list[QuantityProgress]

    @property
    def is_behind(self) -> bool:
        return bool(self.milestones.late) or any(q.reached is False for q in self.quantities)


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def milestone_progress_by_programme(*, year: int, today: datetime.date) -> dict[int, MilestoneProgress]:
    """Milestones due in the year per programme, in one aggregate query."""
    start, end = _year_bounds(year)
    from django.db.models import F

    rows = (
        Milestone.objects.filter(due_date__range=(start, end))
        .values("programme_id")
        .annotate(
            due=Count("id"),
            done_on_time=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due_date"))),
            done_late=Count("id", filter=Q(done_on__isnull=False, done_on__gt=F("due_date"))),
            late=Count("id", filter=Q(done_on__isnull=True, due_date__lt=today)),
            open=Count("id", filter=Q(done_on__isnull=True, due_date__gte=today)),
        )
    )
    return {
        row["programme_id"]: MilestoneProgress(
            due=row["due"],
            done_on_time=row["done_on_time"],
            done_late=row["done_late"],
            late=row["late"],
            open=row["open"],
        )
        for row in rows
    }


def _activities_in_year(scope: UserScope, year: int) -> QuerySet[Activity]:
    start, end = _year_bounds(year)
    qs = Activity.objects.filter(held_on__range=(start, end))
    narrowing = _commune_filter(scope, commune_field="commune_id", org_unit_field="organization__unit_id")
    return qs if narrowing is None else qs.filter(narrowing)


def _campaigns_progress(
    scope: UserScope, quantity: ProgrammeQuantity, year: int, with_organizations: bool
) -> QuantityProgress:
    """Each Front committee in scope should hold the Month twice a year (annex row 4)."""
    start, end = _year_bounds(year)
    fronts = Organization.objects.filter(is_active=True, kind=OrganizationKind.FRONT_COMMITTEE)
    if not (scope.sees_whole_province or scope.is_board_viewer):
        fronts = fronts.filter(unit_id__in=scope.front_unit_ids)
    else:
        fronts = fronts.filter(Q(unit__in=commune_list()) | Q(unit__parent__isnull=True, level=Level.PROVINCE))
    counts: dict[int, int] = dict(
        Campaign.objects.filter(starts_on__range=(start, end), organization__in=fronts)
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    total_orgs = fronts.count()
    reached_orgs = sum(1 for n in counts.values() if n >= quantity.per_year_min)
    value = float(sum(counts.values()))
    reached = total_orgs > 0 and reached_orgs == total_orgs
    by_org: list[tuple[str, int]] = []
    if with_organizations:
        names: dict[int, str] = dict(fronts.filter(id__in=counts).values_list("id", "name"))
        by_org = sorted(((names[i], n) for i, n in counts.items()), key=lambda p: (-p[1], vietnamese_sort_key(p[0])))
    return QuantityProgress(quantity, value, reached, reached_orgs, total_orgs, by_org)


def _activities_progress(
    scope: UserScope, quantity: ProgrammeQuantity, year: int, with_organizations: bool
) -> QuantityProgress:
    """Activities of the quantity's kind held in the year (row counts), or their sessions (summed).

    No per-organisation list: the page has never shown one for these measures (it used to be queried and then
    dropped), so it is not queried."""
    qs = _activities_in_year(scope, year).filter(programme_id=quantity.programme_id, kind=quantity.activity_kind)
    amount = Count("id") if quantity.measure == QuantityMeasure.ACTIVITIES else Sum("session_count")
    value = float(qs.aggregate(v=amount)["v"] or 0)
    return QuantityProgress(quantity, value, value >= quantity.per_year_min)


def _area_coverage_progress(
    scope: UserScope, quantity: ProgrammeQuantity, year: int, with_organizations: bool
) -> QuantityProgress:
    """The share of residential areas an activity of the kind reached in the year. The denominator is the
    areas staff imported (organizations.imports): all of them for row 10, those of ethnic-minority or
    religious regions for row 9."""
    start, end = _year_bounds(year)
    areas = ResidentialArea.objects.filter(is_active=True, commune__in=commune_list())
    if quantity.measure == QuantityMeasure.ETHNIC_AREA_COVERAGE:
        areas = areas.filter(is_ethnic_or_religious_area=True)
    if not (scope.sees_whole_province or scope.is_board_viewer):
        areas = areas.filter(commune_id__in=scope.front_unit_ids)
    total = areas.count()
    if not total:
        return QuantityProgress(quantity, None, None)
    covered = (
        areas.filter(
            programme_activities__held_on__range=(start, end),
            programme_activities__kind=quantity.activity_kind,
            programme_activities__programme_id=quantity.programme_id,
        )
        .distinct()
        .count()
    )
    value = round(100.0 * covered / total, 1)
    return QuantityProgress(quantity, value, value >= quantity.per_year_min, areas_covered=covered, areas_total=total)


def _complex_prompt_progress(
    scope: UserScope, quantity: ProgrammeQuantity, year: int, with_organizations: bool
) -> QuantityProgress:
    """The share of complex items received in the year whose triage was on time."""
    start, end = _year_bounds(year)
    # A range of local midnights, not ``received_at__date``: the partial index on complex items serves it.
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    items = Item.objects.filter(
        is_complex=True, received_at__gte=first, received_at__lt=after, triage_on_time__isnull=False
    )
    if not (scope.sees_whole_province or scope.is_board_viewer):
        items = items.filter(commune_id__in=scope.front_unit_ids)
    agg = items.aggregate(total=Count("id"), prompt=Count("id", filter=Q(triage_on_time=True)))
    if not agg["total"]:
        return QuantityProgress(quantity, None, None)
    value = round(100.0 * agg["prompt"] / agg["total"], 1)
    return QuantityProgress(quantity, value, value >= quantity.per_year_min)


# How each measure of the annex is computed: (scope, quantity, year, with the organisations) -> progress.
MeasureProgress = Callable[[UserScope, ProgrammeQuantity, int, bool], QuantityProgress]
MEASURE_PROGRESS: dict[str, MeasureProgress] = {
    QuantityMeasure.CAMPAIGNS: _campaigns_progress,
    QuantityMeasure.ACTIVITIES: _activities_progress,
    QuantityMeasure.SESSIONS: _activities_progress,
    QuantityMeasure.AREA_COVERAGE: _area_coverage_progress,
    QuantityMeasure.ETHNIC_AREA_COVERAGE: _area_coverage_progress,
    QuantityMeasure.COMPLEX_PROMPT: _complex_prompt_progress,
}


def quantity_progress(
    *, scope: UserScope, quantity: ProgrammeQuantity, year: int, with_organizations: bool = False
) -> QuantityProgress:
    """One quantity for a year in the user's scope (a few aggregate queries, independent of the row count)."""
    compute = MEASURE_PROGRESS.get(quantity.measure)
    if compute is None:
        return QuantityProgress(quantity, None, None)
    return compute(scope, quantity, year, with_organizations)


def programme_progress_list(*, user: AnyUser, year: int) -> list[ProgrammeProgress]:
    """Every programme with this year's milestones and quantities: a fixed number of queries."""
    scope = require_viewer(user=user)
    today = timezone.localdate()
    milestones = milestone_progress_by_programme(year=year, today=today)
    quantities: dict[int, list[QuantityProgress]] = {}
    for quantity in ProgrammeQuantity.objects.order_by("programme__number", "code"):
        quantities.setdefault(quantity.programme_id, []).append(
            quantity_progress(scope=scope, quantity=quantity, year=year)
        )
    return [
        ProgrammeProgress(p, milestones.get(p.id, MilestoneProgress()), quantities.get(p.id, []))
        for p in programme_list(user=user)
    ]
