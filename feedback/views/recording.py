"""Front officers record items on behalf of citizens, one by one or from a meeting's Excel list."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mttq_portal.errors import ApplicationError
from organizations.selectors import user_scope

from ..forms import ImportForm, RecordForm
from ..services.recording import COLUMNS, import_template, item_record, items_import


def _require_front(user):
    scope = user_scope(user=user)
    if not (scope.is_front_officer or scope.is_admin):
        raise PermissionDenied


def _received_at(day):
    """Today's matters keep the time of recording; an earlier day counts from 08:00 of that day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(8)))


@login_required
@require_http_methods(["GET", "POST"])
def record_view(request):
    _require_front(request.user)
    form = RecordForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = item_record(
                user=request.user,
                channel=d["channel"],
                consent_method=d["consent_method"],
                commune_id=d["commune"].pk,
                type=d["type"],
                category_id=d["category"].pk,
                title=d["title"],
                content=d["content"],
                request_text=d.get("request_text", ""),
                residential_area_id=d["residential_area"].pk if d.get("residential_area") else None,
                address_text=d.get("address_text", ""),
                is_anonymous=d.get("is_anonymous", False),
                submitter_name=d.get("submitter_name", ""),
                submitter_phone=d.get("submitter_phone", ""),
                submitter_email=d.get("submitter_email", ""),
                submitter_address=d.get("submitter_address", ""),
                consent_processing=d["consent_processing"],
                consent_contact=d.get("consent_contact", False),
                consent_publish=d.get("consent_publish", False),
                is_mass_petition=d.get("is_mass_petition", False),
                is_complex=d.get("is_complex", False),
                attachments=d.get("attachments") or (),
                idempotency_key=d.get("idempotency_key") or None,
                received_at=_received_at(d["received_on"]),
            )
        except ApplicationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Recorded as %(code)s. Give the citizen the code and the secret %(secret)s.")
                % {"code": result.item.tracking_code, "secret": result.secret},
            )
            return redirect("workspace-item", item_id=result.item.pk)
    return render(request, "feedback/workspace/record.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    _require_front(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = items_import(
                user=request.user,
                upload=form.cleaned_data["file"],
                channel=form.cleaned_data["channel"],
                consent_method=form.cleaned_data["consent_method"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if report.ok:
                messages.success(request, _("%(count)s items imported.") % {"count": report.imported})
            elif not report.file_error:
                messages.error(request, _("Nothing was imported: correct the rows below and send the file again."))
    return render(
        request,
        "feedback/workspace/import.html",
        {"form": form, "report": report, "columns": [label for _k, label, _r in COLUMNS]},
    )


@login_required
@require_GET
def import_template_view(request):
    _require_front(request.user)
    response = HttpResponse(
        import_template(user=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-y-kien-kien-nghi.xlsx"'
    return response
