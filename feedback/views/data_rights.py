"""The citizen's rights over their data (a section of the lookup page, its own views) and the Front's register
of these requests; the administrator's search of a person's items by phone or email."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mttq_portal.errors import ApplicationError
from organizations.selectors import user_scope

from ..forms import LookupForm
from ..models import PersonalDataAccess
from ..phones import normalize_vn_phone
from ..selectors.items import items_for_user
from ..services import data_rights
from ..services.personal_data import personal_data_access_record
from .public import _lookup_context, _verified_item


def _verified_with_secret(request):
    """(item, form, error): the rights need the secret itself, not the phone's last digits (a copy of the data
    or an erasure must not be had by someone who only knows four digits of a number)."""
    form = LookupForm(request.POST)
    if not form.is_valid():
        return None, form, render(request, "feedback/public/lookup.html", {"form": form}, status=400)
    if not (form.cleaned_data.get("secret") or "").strip():
        form.add_error("secret", _("Enter the secret from your receipt to use these rights."))
        return None, form, render(request, "feedback/public/lookup.html", {"form": form}, status=400)
    item, error = _verified_item(request, form)
    return item, form, error


@never_cache
@require_POST
def data_download_view(request):
    """A JSON file of everything the portal holds about the item."""
    item, _form, error = _verified_with_secret(request)
    if error:
        return error
    data = data_rights.item_data_export(item=item, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="du-lieu-{item.tracking_code}.json"'
    return response


@never_cache
@require_POST
def consent_withdraw_view(request):
    item, form, error = _verified_with_secret(request)
    if error:
        return error
    extra = {}
    try:
        item = data_rights.item_consent_withdraw(
            item_id=item.id, consent=request.POST.get("consent", ""), request=request
        )
        extra["done"] = _("Your consent is withdrawn, from now on.")
        status = 200
    except ApplicationError as failure:
        extra["action_error"], status = failure.message, failure.http_status
    return render(
        request, "feedback/public/item.html", _lookup_context(item, form.cleaned_data, **extra), status=status
    )


@never_cache
@require_POST
def erasure_request_view(request):
    item, form, error = _verified_with_secret(request)
    if error:
        return error
    extra = {}
    try:
        row = data_rights.item_erasure_request(item_id=item.id, request=request)
        extra["done"] = _(
            "Your request to erase your personal data is recorded. The Front will answer by %(date)s."
        ) % {"date": row.due_date.strftime("%d/%m/%Y")}
        status = 200
    except ApplicationError as failure:
        extra["action_error"], status = failure.message, failure.http_status
    return render(
        request, "feedback/public/item.html", _lookup_context(item, form.cleaned_data, **extra), status=status
    )


@login_required
@require_GET
def data_request_register_view(request):
    """The register of citizens' data requests, open ones first by due date."""
    scope = user_scope(user=request.user)
    if not (scope.is_admin or scope.is_front_officer):
        raise PermissionDenied
    page = Paginator(data_rights.data_requests_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "feedback/workspace/data_requests.html", {"page": page})


@login_required
@require_POST
def data_request_handle_view(request, request_id: int):
    try:
        data_rights.data_request_handle(user=request.user, request_id=request_id, request=request)
        messages.success(request, _("The personal data of the item is erased."))
    except ApplicationError as failure:
        messages.error(request, failure.message)
    return redirect("workspace-data-requests")


@login_required
@require_http_methods(["GET", "POST"])
def person_items_view(request):
    """Administrators: every item of a person by phone or email, to answer an access request. The search is
    a POST (a phone or an email never goes into a URL) and each result shown is a logged personal-data read."""
    scope = user_scope(user=request.user)
    if not scope.is_admin:
        raise PermissionDenied
    items, error, query = None, "", {"phone": "", "email": ""}
    if request.method == "POST":
        query = {
            "phone": request.POST.get("phone", "").strip()[:30],
            "email": request.POST.get("email", "").strip()[:254],
        }
        condition = Q()
        try:
            if query["phone"]:
                condition |= Q(submitter_phone=normalize_vn_phone(query["phone"]))
            if query["email"]:
                condition |= Q(submitter_email__iexact=query["email"])
        except ApplicationError as failure:
            error = failure.message
        if not error and not condition:
            error = _("Enter a phone number or an email address.")
        if not error:
            items = list(items_for_user(user=request.user).filter(condition).order_by("-received_at")[:200])
            personal_data_access_record(
                user=request.user,
                items=items,
                action=PersonalDataAccess.Action.VIEW,
                detail="search by phone or email",
                request=request,
            )
    return render(request, "feedback/workspace/person_items.html", {"items": items, "error": error, "query": query})
