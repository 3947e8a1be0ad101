import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .errors import RETRY_AFTER_SECONDS, database_unavailable, error_body, unavailable_message

logger = logging.getLogger(__name__)

# Machine clients: these prefixes never answer HTML, whatever fails.
API_PREFIXES = ("/api/", "/open311/")
# Form fields echoed back when a submission could not be stored (never files, tokens, secrets or passwords).
NOT_ECHOED = {"csrfmiddlewaretoken", "attachments", "secret", "phone_digits", "password", "api_key"}


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


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def _machine_error(request, status: int, code: str, message: str) -> HttpResponse:
    """The error body of the API (``{"error": ...}``) or of Open311 (``[{"code", "description"}]``)."""
    if request.path.startswith("/open311/"):
        from feedback.open311.rendering import error

        return error("xml" if request.path.endswith(".xml") else "json", status, message)
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})


def _unavailable(request) -> HttpResponse:
    """503 with Retry-After. Rendered without the database: no context processors, no session, no user."""
    if _is_api(request):
        response = _machine_error(request, 503, "unavailable", unavailable_message())
    else:
        echoed = _echoed_fields(request) if request.method == "POST" else []
        html = render_to_string(
            "errors/503.html",
            {
                "message": unavailable_message(),
                "echoed": echoed,
                "action": request.path,
                "had_files": bool(request.method == "POST" and request.FILES),
                "csrf_token": get_token(request),
            },
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # What the citizen typed is in this page: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


def _echoed_fields(request) -> list[dict]:
    """What the visitor typed, to show and send again. Labels come from the citizen's submission form, whose
    fields are declared on the class (reading them needs no database)."""
    from django import forms

    from feedback.forms import SubmitForm

    fields = []
    for name, values in request.POST.lists():
        if name in NOT_ECHOED:
            continue
        field = SubmitForm.base_fields.get(name)
        shown = (
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.HiddenInput)
            and name != "fax_number"
        )
        kind = ("textarea" if isinstance(field.widget, forms.Textarea) else "text") if shown else "hidden"
        for value in values:
            fields.append({"name": name, "value": value, "kind": kind, "label": field.label if shown else ""})
    return fields


def error_400(request, exception):
    """A request Django itself refuses (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad Host,
    bytes that are not text): the API's error body on /api/ and /open311/, else a page in the visitor's
    language, rendered without context processors (no session or user may exist yet, the Host may be bad)."""
    if isinstance(exception, RequestDataTooBig):
        status = 413
        code = "too_large"
        message = _("The request is too large: send at most %(size)d MB at a time.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        }
    else:
        status, code, message = 400, "malformed", _("The request could not be read.")
    if _is_api(request):
        return _machine_error(request, status, code, message)
    sent = request.method not in ("GET", "HEAD")
    html = render_to_string("errors/400.html", {"status": status, "message": message, "sent": sent})
    return HttpResponse(html, status=status)


def error_404(request, exception):
    if _is_api(request):
        return _machine_error(request, 404, "not_found", _("Not found."))
    return render(request, "errors/404.html", status=404)


def error_500(request):
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, type(exc).__name__)
        return _unavailable(request)
    if _is_api(request):
        return _machine_error(request, 500, "server_error", _("Something went wrong on our side. Please try again."))
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
    if _is_api(request):
        return _machine_error(request, 403, "forbidden", _("You do not have permission to do this."))
    return render(request, "errors/403.html", status=403)
