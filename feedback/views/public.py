"""The citizen's pages: the form, the receipt, the lookup (and rating, dispute, withdrawal), the public
record and the privacy notice. No login; everything works without JavaScript."""

import logging

from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mttq_portal.errors import ApplicationError, NotAllowedError
from mttq_portal.filters import id_or_none
from organizations.models import AdministrativeUnit, UnitKind

from .. import held_uploads, ratelimit
from ..forms import LookupForm, RateForm, ReasonForm, SubmitForm
from ..models import Category, Channel, ConsentMethod, PublicStatus
from ..selectors import public as public_selectors
from ..services.citizen import item_dispute, item_rate, item_support, item_withdraw
from ..services.intake import item_submit

logger = logging.getLogger(__name__)

ATTACHMENT_SALT = "feedback.attachment"
ATTACHMENT_LINK_SECONDS = 3600


def attachment_token(attachment_id: int) -> str:
    return signing.dumps({"a": attachment_id}, salt=ATTACHMENT_SALT, compress=True)


def _too_many(request, template: str, context: dict, message: str):
    context["throttled"] = message
    return render(request, template, context, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def submit_view(request):
    if request.method == "GET":
        return render(request, "feedback/public/submit.html", {"form": SubmitForm()})
    form = SubmitForm(request.POST, request.FILES)
    context = {"form": form}
    if form.data.get("fax_number"):
        logger.info("honeypot filled from %s", ratelimit.client_ip(request))
        form.add_error(None, _("Your submission could not be accepted. Please try again."))
        return render(request, "feedback/public/submit.html", context, status=400)
    if ratelimit.submit_limited(request):
        return _too_many(
            request,
            "feedback/public/submit.html",
            context,
            _("Too many submissions from this connection. Please try again in an hour, or call the Front."),
        )
    held_token = (request.POST.get("held_files") or "")[:40]
    if not form.is_valid():
        _hold_files(
            form,
            context,
            held_token,
            form.cleaned_data.get("attachments") if "attachments" in form.cleaned_data else (),
        )
        return render(request, "feedback/public/submit.html", context, status=400)
    data = form.cleaned_data
    if not request.POST.get("confirm_new"):
        duplicates = public_selectors.public_duplicates(
            commune_id=data["commune"].id,
            category_id=data["category"].id,
            title=data["title"],
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
        if duplicates:
            # Shown before sending: the citizen may join one ("this happens to me too") or send anyway.
            context["duplicates"] = duplicates
            _hold_files(form, context, held_token, data["attachments"])
            return render(request, "feedback/public/submit.html", context)
    attachments = [*held_uploads.take(held_token), *data["attachments"]]
    try:
        result = item_submit(
            type=data["type"],
            category_id=data["category"].id,
            commune_id=data["commune"].id,
            residential_area_id=data["residential_area"].id if data["residential_area"] else None,
            address_text=data["address_text"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            title=data["title"],
            content=data["content"],
            request_text=data["request_text"],
            channel=Channel.WEB,
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            consent_method=ConsentMethod.ONLINE_FORM,
            consent_processing=data["consent_processing"],
            consent_contact=data["consent_contact"],
            consent_publish=data["consent_publish"],
            is_anonymous=data["is_anonymous"],
            submitter_name=data["submitter_name"],
            submitter_phone=data["submitter_phone"],
            submitter_email=data["submitter_email"],
            submitter_address=data["submitter_address"],
            attachments=attachments,
            idempotency_key=data["idempotency_key"] or None,
            submitter_language=(get_language() or "vi")[:2],
        )
    except ApplicationError as error:
        form.add_service_errors(error)
        if "attachments" not in (error.fields or {}):
            _hold_files(form, context, held_token, data["attachments"])
        return render(request, "feedback/public/submit.html", context, status=error.http_status)
    held_uploads.drop(held_token)
    if result.created:
        ratelimit.submit_record(request)
    # The item is committed; the receipt is rendered in this response (no code or secret in any URL).
    return render(request, "feedback/public/receipt.html", {"item": result.item, "secret": result.secret})


def _hold_files(form, context: dict, token: str, files) -> None:
    """Keep the files already chosen for the next attempt (see ``held_uploads``); a bad file is named."""
    try:
        token, names = held_uploads.hold(files or (), token=token)
    except ApplicationError as error:
        form.add_error("attachments", error.message)
        token, names = token, [entry["name"] for entry in held_uploads.held_names(token)]
    if names:
        context["held_token"], context["held_names"] = token, names


@never_cache
@require_POST
def support_view(request):
    """ "This happens to me too": the citizen joins a likely duplicate instead of sending the same matter."""
    if ratelimit.submit_limited(request):
        return _too_many(
            request,
            "feedback/public/supported.html",
            {},
            _("Too many submissions from this connection. Please try again in an hour, or call the Front."),
        )
    try:
        item = item_support(
            item_id=id_or_none(request.POST.get("item")) or 0,
            email=request.POST.get("submitter_email", ""),
            phone=request.POST.get("submitter_phone", ""),
            consent_contact=request.POST.get("consent_contact") == "on",
            language=(get_language() or "vi")[:2],
        )
    except ApplicationError as error:
        return render(request, "feedback/public/supported.html", {"error": error.message}, status=error.http_status)
    ratelimit.submit_record(request)
    held_uploads.drop((request.POST.get("held_files") or "")[:40])
    item.summary = public_selectors.public_summary(item)
    return render(request, "feedback/public/supported.html", {"item": item})


def _lookup_context(item, credentials: dict, **extra) -> dict:
    if not getattr(item, "verified_by_secret", True):
        # Opened with the phone's last 4 digits: the status only (an in-memory copy; nothing is saved).
        item.public_answer = ""
        return {
            "item": item,
            "public_status_label": PublicStatus(item.public_status).label,
            "history": [],
            "attachments": [],
            "credentials": credentials,
            "can_rate": False,
            "can_dispute": False,
            "dispute_deadline": None,
            "can_withdraw": False,
            "status_only": True,
            **extra,
        }
    attachments = public_selectors.public_attachments(item=item)
    for attachment in attachments:
        attachment.url = reverse("feedback-attachment", args=[attachment.id]) + "?t=" + attachment_token(attachment.id)
    return {
        "item": item,
        "public_status_label": PublicStatus(item.public_status).label,
        "history": public_selectors.public_history(item=item),
        "timeline": public_selectors.item_public_timeline(item=item),
        "attachments": attachments,
        "credentials": credentials,
        # What the code and secret allow; the signed link's page shows without them (it cannot act).
        "can_rate": item.can_be_rated,
        "can_dispute": item.can_be_disputed,
        "can_withdraw": item.can_be_withdrawn,
        "rate_form": extra.pop("rate_form", None) or RateForm(),
        "dispute_form": extra.pop("dispute_form", None) or ReasonForm(prefix="dispute"),
        "withdraw_form": extra.pop("withdraw_form", None) or ReasonForm(prefix="withdraw"),
        **extra,
    }


def _verified_item(request, form: LookupForm):
    """(item, error_response): the same answer for an unknown code and a wrong secret; throttled."""
    code = (form.cleaned_data.get("code") or "").strip().upper()
    context = {"form": form}
    attempt = ratelimit.lookup_attempt(request, code)
    if attempt.address_blocked:
        return None, _too_many(
            request,
            "feedback/public/lookup.html",
            context,
            _("Too many unsuccessful attempts. Please wait 15 minutes and try again."),
        )
    item = public_selectors.item_for_lookup(
        code=code,
        secret=form.cleaned_data.get("secret", ""),
        phone_digits=form.cleaned_data.get("phone_digits", ""),
        allow_phone=not attempt.code_needs_secret,
    )
    if item is None:
        if attempt.code_needs_secret and not form.cleaned_data.get("secret"):
            form.add_error(None, _("This code was tried too often: enter the secret from your receipt."))
        else:
            form.add_error(None, _("No item matches this code and secret. Check what you typed on the receipt."))
        return None, render(request, "feedback/public/lookup.html", context, status=404)
    attempt.succeeded()
    return item, None


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_view(request):
    if request.method == "GET":
        form = LookupForm(initial={"code": request.GET.get("code", "")[:40]})
        return render(request, "feedback/public/lookup.html", {"form": form})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/public/lookup.html", {"form": form}, status=400)
    item, error = _verified_item(request, form)
    if error:
        return error
    return render(request, "feedback/public/item.html", _lookup_context(item, form.cleaned_data))


ITEM_LINK_SESSION_KEY = "feedback_item_links"


@never_cache
@require_GET
def item_link_view(request, token: str):
    """The stable signed link that every message points to. The first visit stores the grant in the session
    and moves to an address without the token, so it does not stay in the history or in a Referer."""
    item = public_selectors.item_from_link_token(token)
    if item is None:
        raise Http404
    granted = [i for i in request.session.get(ITEM_LINK_SESSION_KEY, []) if i != item.pk][-19:]
    request.session[ITEM_LINK_SESSION_KEY] = [*granted, item.pk]
    return redirect("feedback-item-page", code=item.tracking_code)


@never_cache
@require_GET
def item_page_view(request, code: str):
    item = public_selectors.item_for_link_grant(code=code, granted_ids=request.session.get(ITEM_LINK_SESSION_KEY, []))
    if item is None:
        raise Http404
    context = _lookup_context(item, {"code": item.tracking_code}, via_link=True)
    context.update(can_rate=False, can_dispute=False, can_withdraw=False)
    return render(request, "feedback/public/item.html", context)


@never_cache
@require_POST
def lookup_action_view(request, action: str):
    """Rate, dispute or withdraw: the code and the secret come again with the action and are checked again."""
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/public/lookup.html", {"form": form}, status=400)
    item, error = _verified_item(request, form)
    if error:
        return error
    extra: dict = {}
    try:
        if not item.verified_by_secret:
            raise NotAllowedError(
                _("The last digits of your phone only show the status; enter the secret from your receipt to act.")
            )
        if action == "rate":
            rate_form = RateForm(request.POST)
            extra["rate_form"] = rate_form
            if not rate_form.is_valid():
                raise ApplicationError(_("Choose satisfied or not satisfied."), code="invalid")
            item = item_rate(
                item_id=item.id,
                satisfied=rate_form.cleaned_data["satisfied"],
                comment=rate_form.cleaned_data["comment"],
            )
            extra["done"] = _("Thank you. Your rating has been recorded.")
        elif action == "dispute":
            dispute_form = ReasonForm(request.POST, prefix="dispute")
            extra["dispute_form"] = dispute_form
            dispute_form.is_valid()
            item = item_dispute(item_id=item.id, reason=dispute_form.cleaned_data.get("reason", "")).item
            extra["done"] = _("Your dispute has been recorded. The Front will look at your matter again.")
        elif action == "withdraw":
            withdraw_form = ReasonForm(request.POST, prefix="withdraw")
            withdraw_form.is_valid()
            item = item_withdraw(item_id=item.id, reason=withdraw_form.cleaned_data.get("reason", "")).item
            extra["done"] = _("Your matter has been withdrawn.")
    except ApplicationError as failure:
        extra["action_error"] = failure.message
        status = failure.http_status
    else:
        status = 200
    item = public_selectors.item_for_lookup(
        code=item.tracking_code,
        secret=form.cleaned_data.get("secret", ""),
        phone_digits=form.cleaned_data.get("phone_digits", ""),
    )
    return render(
        request, "feedback/public/item.html", _lookup_context(item, form.cleaned_data, **extra), status=status
    )


PUBLIC_RECORD_PAGE_SIZE = 10


@require_GET
def public_record_view(request):
    from django.utils import timezone

    commune_id = id_or_none(request.GET.get("commune"))
    category_id = id_or_none(request.GET.get("category"))
    query = (request.GET.get("q") or "")[:100]
    period_raw = (request.GET.get("period") or "")[:10].upper()
    period = public_selectors.parse_period(period_raw)
    period_error = bool(period_raw) and period is None
    today = timezone.localdate()
    items = public_selectors.public_record_items(
        commune_id=commune_id, category_id=category_id, period=period, query=query
    )
    page = Paginator(items, PUBLIC_RECORD_PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.summary = public_selectors.public_summary(item)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "feedback/public/record.html",
        {
            "page": page,
            "query": query_string.urlencode(),
            "q": query,
            "communes": AdministrativeUnit.objects.filter(
                kind__in=[UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE]
            ).only("id", "name"),
            "categories": Category.objects.filter(is_active=True),
            "selected_commune": commune_id,
            "selected_category": category_id,
            "period": period_raw,
            "period_choices": public_selectors.public_period_choices(today=today),
            "period_in_progress": period is not None and period.start <= today < period.end,
            "period_error": period_error,
            "by_commune": public_selectors.public_figures_by_commune(category_id=category_id, period=period),
            "by_agency": public_selectors.public_figures_by_agency(
                commune_id=commune_id, category_id=category_id, period=period
            ),
            "map_points": [
                {"lat": float(i.latitude), "lng": float(i.longitude), "title": i.summary}
                for i in page.object_list
                if i.latitude is not None and i.longitude is not None
            ],
        },
    )


@require_GET
def public_record_item_view(request, item_id: int):
    item = public_selectors.public_record_item(item_id=item_id)
    if item is None:
        raise Http404
    item.summary = public_selectors.public_summary(item)
    attachments = public_selectors.public_attachments(item=item)
    for attachment in attachments:
        attachment.url = reverse("feedback-attachment", args=[attachment.id]) + "?t=" + attachment_token(attachment.id)
    return render(request, "feedback/public/record_item.html", {"item": item, "attachments": attachments})


@require_GET
def privacy_notice_view(request):
    template = (
        "feedback/public/privacy_en.html"
        if (get_language() or "vi").startswith("en")
        else "feedback/public/privacy_vi.html"
    )
    return render(request, template, {"version": settings.PRIVACY_NOTICE_VERSION})
