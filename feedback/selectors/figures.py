"""One definition of each figure the portal shows about feedback items (ADR 0143).

Every screen that counts items reads its conditions here: the targets rollup (A1), the dashboard and the
report files and API (through the summaries of ``statistics.py``, whose SQL follows the same conditions and
is kept in step by a test), and the public figures. A screen that counts a different set says so in its
label.

- received: the item was received in the period (``received_at``), whatever became of it;
- legitimate: lawful and legitimate (``is_legitimate``), or a recommendation of the Front or of a member
  organisation not separately vetted (the organisation vetted it when it wrote it); never rejected, merged
  (a duplicate follows its target) or withdrawn;
- due: the answer deadline has passed (``answer_due_date`` before the day of the count);
- considered (xem xét): forwarded to the competent body and not handed back as outside its remit;
- answered (trả lời): the body's answer was recorded (``answered_at``), even if later reopened;
- on time: the flag frozen when the answer step closed (``answer_on_time``), never recomputed;
- resolved (giải quyết): closed as resolved ("on the roadmap" and "cannot be resolved" are answered only).

Target A1's subject is the recommendations of the Front (its Standing Board), the socio-political
organisations and the mass associations (``own_recommendation``); citizens' items the Front forwarded are
its labelled breakdown (``citizens_forwarded``).
"""

from datetime import date
from typing import Literal, TypedDict

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import ExtractQuarter

from organizations.models import OrganizationKind

from ..models import NOT_COUNTED_STATUSES, Item, ItemType, Status

# Recommendations the Front writes itself: its Standing Board's, after oversight, after social critique.
FRONT_OWN_RECOMMENDATION_TYPES = (
    ItemType.FRONT_RECOMMENDATION,
    ItemType.OVERSIGHT_RECOMMENDATION,
    ItemType.CRITIQUE_RECOMMENDATION,
)
# Items the Front records for others and vets as it records them (the legacy A1 set, ADR 0071).
FRONT_OWN_TYPES = (
    *FRONT_OWN_RECOMMENDATION_TYPES,
    ItemType.INSPECTION_BOARD_RECOMMENDATION,
    ItemType.VOTER_PETITION,
)
# A1's recommending bodies: "Ban Thường trực Ủy ban MTTQ, các tổ chức chính trị - xã hội, các tổ chức hội
# quần chúng do Đảng và Nhà nước giao nhiệm vụ các cấp".
A1_SOURCE_KINDS = (
    OrganizationKind.FRONT_COMMITTEE,
    OrganizationKind.FRONT_STANDING_BOARD,
    OrganizationKind.TRADE_UNION,
    OrganizationKind.FARMERS_UNION,
    OrganizationKind.YOUTH_UNION,
    OrganizationKind.WOMENS_UNION,
    OrganizationKind.VETERANS,
    OrganizationKind.MASS_ASSOCIATION,
)
# Items that left the count (``models.NOT_COUNTED_STATUSES``): a duplicate follows its target's result, a
# withdrawn matter needs no answer, a rejected one is not lawful and legitimate.


def own_recommendation() -> Q:
    """A recommendation of the Front or of a member organisation (by its type, or by who raised it)."""
    return Q(type__in=FRONT_OWN_RECOMMENDATION_TYPES) | Q(source_organization__kind__in=A1_SOURCE_KINDS)


def legitimate() -> Q:
    vetted_when_written = Q(is_legitimate__isnull=True) & (Q(type__in=FRONT_OWN_TYPES) | own_recommendation())
    return (Q(is_legitimate=True) | vetted_when_written) & ~Q(status__in=NOT_COUNTED_STATUSES)


def citizens_forwarded() -> Q:
    """Citizens' items the Front forwarded (A1's breakdown): legitimate, forwarded, not an own recommendation."""
    return Q(forwarded_at__isnull=False) & ~own_recommendation()


def considered() -> Q:
    return Q(forwarded_at__isnull=False) & ~Q(status=Status.RETURNED)


def answered() -> Q:
    return Q(answered_at__isnull=False)


def answered_on_time() -> Q:
    return Q(answered_at__isnull=False, answer_on_time=True)


def resolved() -> Q:
    return Q(status=Status.RESOLVED)


def due(*, as_of: date) -> Q:
    return Q(answer_due_date__lt=as_of)


def received_between(start: date, end: date) -> Q:
    return Q(received_at__date__gte=start, received_at__date__lte=end)


A1_GROUP_COLUMNS = {
    "province": None,
    "commune": "commune_id",
    "agency": "current_agency_id",
    "source_organization": "source_organization_id",
    "category": "category_id",
}
A1Measure = Literal["recommended", "considered", "answered", "resolved", "due", "on_time"]
A1_MEASURES: tuple[A1Measure, ...] = ("recommended", "considered", "answered", "resolved", "due", "on_time")


class A1Count(TypedDict):
    """One row of ``a1_counts``: the group key (0 for the province), the quarter received, whose items."""

    key: int
    quarter: int
    subject: Literal["own", "citizens"]
    recommended: int
    considered: int
    answered: int
    resolved: int
    due: int
    on_time: int


def a1_items(*, received_from: date, received_to: date, subject: str = "own") -> QuerySet[Item]:
    """The items a figure of A1 counts: ``subject`` "own" (the target) or "citizens" (the breakdown)."""
    which = own_recommendation() if subject == "own" else citizens_forwarded()
    return Item.objects.filter(legitimate(), which, received_between(received_from, received_to))


def a1_counts(*, received_from: date, received_to: date, as_of: date, dimension: str) -> list[A1Count]:
    """One GROUP BY (key, quarter received, own or citizens'): recommended, considered, answered, resolved,
    and the portal's own pair: due (deadline passed before ``as_of``) and answered on time among them.

    The period of a recommendation is when it was made (received): a recommendation the Front accepted but
    never forwarded is in the count, not considered."""
    column = A1_GROUP_COLUMNS[dimension]
    qs = Item.objects.filter(
        legitimate(), own_recommendation() | citizens_forwarded(), received_between(received_from, received_to)
    )
    if column:
        qs = qs.filter(**{f"{column}__isnull": False})
    passed = due(as_of=as_of)
    rows = (
        qs.annotate(
            quarter=ExtractQuarter("received_at"),
            subject=Case(When(own_recommendation(), then=Value("own")), default=Value("citizens")),
        )
        .values(*([column] if column else []), "quarter", "subject")
        .annotate(
            recommended=Count("id"),
            considered=Count("id", filter=considered()),
            answered=Count("id", filter=answered()),
            resolved=Count("id", filter=resolved()),
            due=Count("id", filter=passed),
            on_time=Count("id", filter=passed & answered_on_time()),
        )
        .order_by()
    )
    return [
        A1Count(
            key=row[column] if column else 0,
            quarter=row["quarter"],
            subject=row["subject"],
            recommended=row["recommended"],
            considered=row["considered"],
            answered=row["answered"],
            resolved=row["resolved"],
            due=row["due"],
            on_time=row["on_time"],
        )
        for row in rows
    ]
