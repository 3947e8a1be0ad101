"""The provincial board's overdue list (the last level of the deadline chase)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from organizations.selectors import user_scope

from ..deadlines import WorkingCalendar
from ..selectors.deadlines import board_overdue_list


@login_required
@require_GET
def board_overdue_view(request):
    scope = user_scope(user=request.user)
    if not (scope.is_board_viewer or scope.sees_whole_province):
        raise PermissionDenied
    page = Paginator(board_overdue_list(user=request.user), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    cal = WorkingCalendar.load()
    rows = [(item, cal.working_days_between(item.due_date, today)) for item in page.object_list]
    return render(request, "feedback/deadlines/board_overdue.html", {"page": page, "rows": rows})
