"""The staff member's in-app notifications (the bell in the page shell links here)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..selectors.notifications import notifications_for_user
from ..services.notifications import notifications_mark_read, render_message, unread_count


@login_required
@require_GET
def notification_list(request):
    page = Paginator(notifications_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    rows = [(n, *render_message(n)) for n in page.object_list]
    return render(request, "feedback/notifications/list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_mark_read(request):
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    notifications_mark_read(user=request.user, notification_ids=ids or None)
    return redirect("notifications")


@require_GET
def notification_unread_badge(request):
    """The bell's badge, loaded by htmx after the page (so the shell adds no query to every page)."""
    return render(request, "feedback/notifications/_unread_badge.html", {"count": unread_count(user=request.user)})
