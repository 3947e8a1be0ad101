from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "home.html")


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
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from organizations.audit import security_event_record
        from organizations.models import SecurityEventKind

        security_event_record(
            kind=SecurityEventKind.ACCESS_REFUSED,
            request=request,
            object_type="path",
            detail={"path": request.path[:200]},
        )
    return render(request, "errors/403.html", status=403)
