from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import bad_request


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


def _api_error(request, status: int):
    """The error body of the API (``mttq_portal.errors``) or of Open311 (``[{code, description}]``, XML for a
    ``.xml`` path) for an error Django answers itself (an unknown URL, a crash), in the request's language."""
    message = {
        400: _("The request could not be read."),
        403: _("You may not do this."),
        404: _("Not found."),
        500: _("Something went wrong on our side; please try again later."),
    }[status]
    if request.path.startswith("/open311/"):
        # GeoReport v2's errors body (as feedback/open311/rendering.py writes it).
        if request.path.endswith(".xml"):
            body = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<errors><error><code>{status}</code>'
                f"<description>{escape(str(message))}</description></error></errors>"
            )
            return HttpResponse(body.encode(), status=status, content_type="text/xml; charset=utf-8")
        return JsonResponse([{"code": status, "description": str(message)}], status=status, safe=False)
    codes = {400: "malformed", 403: "forbidden", 404: "not_found", 500: "server_error"}
    return JsonResponse({"error": {"code": codes[status], "message": str(message), "fields": {}}}, status=status)


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


def error_400(request, exception):
    """A request Django itself refuses (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad
    Host): the API's error body on /api/ and /open311/."""
    if _is_api(request):
        return _api_error(request, 400)
    return bad_request(request, exception)


def error_404(request, exception):
    if _is_api(request):
        return _api_error(request, 404)
    return render(request, "errors/404.html", status=404)


def error_500(request):
    if _is_api(request):
        return _api_error(request, 500)
    return render(request, "errors/500.html", status=500)


def error_403(request, exception):
    if _is_api(request):
        return _api_error(request, 403)
    return render(request, "errors/403.html", status=403)
