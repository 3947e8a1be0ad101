"""Reads for the deadline chase: the provincial board's overdue list."""

from django.db.models import Exists, OuterRef, QuerySet

from organizations.selectors import AnyUser, user_scope

from ..models import ChaseLevel, DeadlineChase, Item, Status


def board_overdue_list(*, user: AnyUser) -> QuerySet[Item]:
    """Open items that reached the board level for their current due date, longest overdue first.

    For the provincial board, the provincial Front and administrators; others get nothing. The page shows
    no citizen personal data (the board sees aggregates and matters, not people)."""
    scope = user_scope(user=user)
    if not (scope.is_board_viewer or scope.sees_whole_province):
        return Item.objects.none()
    on_list = DeadlineChase.objects.filter(item=OuterRef("pk"), level=ChaseLevel.BOARD, due_date=OuterRef("due_date"))
    return (
        Item.objects.filter(
            status__in=[Status.RECEIVED, Status.ACCEPTED, Status.RETURNED, Status.REOPENED, Status.FORWARDED]
        )
        .filter(Exists(on_list))
        .select_related("commune", "current_agency", "category")
        .only(
            "tracking_code", "title", "status", "due_step", "due_date", "commune__name",
            "current_agency__name", "category__name_vi", "category__name_en",
        )
        .order_by("due_date", "id")
    )  # fmt: skip
