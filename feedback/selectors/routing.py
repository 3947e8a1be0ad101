"""Which agency an item is proposed to go to, and the agency picker's order: the category's default agency
for the item's commune (or for the province), then the bodies of the item's commune, then the province's,
then the other communes' (rarely right, kept last rather than hidden)."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

from mttq_portal.ordering import vietnamese_order
from organizations.models import Level, Organization
from organizations.selectors import agency_list

from ..models import CategoryRoute, Item


def proposed_agency_id(*, category_id: int, commune_id: int) -> int | None:
    """The default agency of the category for this commune, else for the whole province; None without one."""
    routes = CategoryRoute.objects.filter(Q(commune_id=commune_id) | Q(commune__isnull=True), category_id=category_id)
    ids: dict[int | None, int] = dict(routes.values_list("commune_id", "agency_id"))
    return ids.get(commune_id) or ids.get(None)


@dataclass(frozen=True)
class AgencyGroup:
    key: str  # proposed, commune, province, other
    agencies: list[Organization]


def agency_choices(*, item: Item) -> tuple[list[AgencyGroup], int | None]:
    """The agencies an item may be forwarded to, grouped and ordered for the picker, and the proposed one."""
    proposed = proposed_agency_id(category_id=item.category_id, commune_id=item.commune_id)
    rank = Case(
        When(pk=proposed or 0, then=Value(0)),
        When(unit_id=item.commune_id, then=Value(1)),
        When(level=Level.PROVINCE, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    rows = agency_list().annotate(rank=rank).select_related("unit").only("id", "name", "level", "unit__name")
    groups: dict[int, list[Organization]] = {0: [], 1: [], 2: [], 3: []}
    for agency in rows.order_by("rank", *vietnamese_order("unit__name"), *vietnamese_order("name")):
        groups[agency.rank].append(agency)
    keys = {0: "proposed", 1: "commune", 2: "province", 3: "other"}
    return [AgencyGroup(keys[r], groups[r]) for r in range(4) if groups[r]], proposed
