"""The staff member's in-app notifications (the bell in the page shell links here)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mttq_portal.filters import id_or_none

from ..selectors.notifications import notifications_for_user
from ..services.notifications.inbox import notifications_mark_read, unread_count
from ..services.notifications.wording import render_message


@login_required
@require_GET
def notification_list(request):
    page = Paginator(notifications_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    rows = [(n, *render_message(n)) for n in page.object_list]
    return render(request, "feedback/notifications/list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_mark_read(request):
    ids = [number for v in request.POST.getlist("id") if (number := id_or_none(v)) is not None]
    notifications_mark_read(user=request.user, notification_ids=ids or None)
    return redirect("notifications")


@require_GET
def notification_unread_badge(request):
    """The bell's badge, loaded by htmx after the page (so the shell adds no query to every page)."""
    return render(request, "feedback/notifications/_unread_badge.html", {"count": unread_count(user=request.user)})


@login_required
@require_GET
def due_today_badge(request):
    """The header's count of items due today or overdue, loaded by htmx after the page."""
    from organizations.selectors import user_scope

    from ..selectors.queue import due_today_count

    scope = user_scope(user=request.user)
    if not (scope.is_front_officer or scope.is_agency_officer or scope.is_admin):
        return render(request, "feedback/notifications/_due_today.html", {"count": 0})
    target = "workspace-queue" if scope.is_front_officer or scope.is_admin else "workspace-inbox"
    return render(
        request,
        "feedback/notifications/_due_today.html",
        {"count": due_today_count(user=request.user), "target": target},
    )
