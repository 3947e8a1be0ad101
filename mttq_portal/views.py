from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "home.html")


@login_required
@require_GET
def staff_landing(request):
    """After login each role lands on its work: the Front on its queue, an agency on its inbox, the board on
    the dashboard. A ``next`` given to the login page still wins (Django handles it before this)."""
    from organizations.selectors import user_scope

    scope = user_scope(user=request.user)
    for wanted, name in (
        (scope.is_front_officer or scope.is_admin, "workspace-queue"),
        (scope.is_agency_officer, "workspace-inbox"),
        (scope.is_board_viewer, "reports-dashboard"),
    ):
        if wanted:
            try:
                return redirect(reverse(name))
            except NoReverseMatch:
                continue
    return redirect("home")


@never_cache
@require_GET
def healthz(request):
    """Liveness and database check for the load balancer and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def error_404(request, exception):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)


def error_403(request, exception):
    return render(request, "errors/403.html", status=403)
