"""The officers' workspace: the queue, the item page with the moves allowed now, the agency's inbox, bulk
forwarding. Every page reads through the scoping selectors (404 outside the scope) and every decision goes
through ``services.workflow``; a refusal becomes a message on the page, never a 500."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mttq_portal.errors import ApplicationError, NotFoundError
from mttq_portal.ordering import vietnamese_order
from organizations.selectors import agency_list, units_for_user, user_scope

from ..models import Category, Channel, EventKind, ExtensionStatus, ItemType, PersonalDataAccess, Status
from ..moves import STAFF_MOVES, moves_offered
from ..selectors.items import item_actor_roles, item_attachments_for_viewer, item_get_for_user
from ..selectors.queue import TABS, agency_inbox, duplicate_suggestions, queue_for_user
from ..selectors.routing import agency_choices
from ..services import workflow as wf
from ..services.answer_files import answer_attachments
from ..services.personal_data import personal_data_access_record
from ..workflow import Actor, Move

PAGE_SIZE = 50


def _require_item_scope(user):
    scope = user_scope(user=user)
    if not (scope.sees_whole_province or scope.front_unit_ids or scope.agency_ids):
        raise PermissionDenied
    return scope


@login_required
@require_GET
def queue_view(request):
    scope = _require_item_scope(request.user)
    tab = request.GET.get("tab") or ("to_triage" if scope.is_front_officer or scope.is_admin else "waiting")
    items, counts, filterset = queue_for_user(user=request.user, params=request.GET, tab=tab)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("tab", None)
    return render(
        request,
        "feedback/workspace/queue.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(t.key, t.label, counts.get(t.key, 0)) for t in TABS],
            "filterset": filterset,
            "params": params.urlencode(),
            "statuses": Status.choices,
            "types": ItemType.choices,
            "channels": Channel.choices,
            "categories": Category.objects.filter(is_active=True).only("id", "name_vi", "name_en"),
            "communes": units_for_user(user=request.user).only("id", "name")
            if scope.is_front_officer or scope.is_admin
            else [],
            "agencies": agency_list().only("id", "name").order_by(*vietnamese_order("name")),
            "can_bulk_forward": scope.is_front_officer or scope.is_admin,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def inbox_view(request):
    scope = user_scope(user=request.user)
    if not scope.agency_ids:
        raise PermissionDenied
    page = Paginator(agency_inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/workspace/inbox.html", {"page": page, "today": timezone.localdate()})


@login_required
@require_GET
def item_view(request, item_id: int):
    _require_item_scope(request.user)
    item = item_get_for_user(user=request.user, item_id=item_id)
    prefetch_related_objects([item], "events__actor", "events__agency", "extension_requests__agency")
    roles = item_actor_roles(user=request.user, item=item)
    # The usual triage (accept and forward in one step) is offered first.
    moves = moves_offered(item.status, actors=set(roles))
    personal_data_access_record(user=request.user, items=[item], action=PersonalDataAccess.Action.VIEW, request=request)
    is_front = Actor.FRONT in roles
    events = list(item.events.all())
    if not is_front:
        # The Front's internal notes stay with the Front; the agency sees the steps and what it was sent.
        events = [e for e in events if e.kind != EventKind.NOTE]
    context = {
        "item": item,
        "roles": roles,
        "is_front": is_front,
        "is_agency": Actor.AGENCY in roles,
        "moves": [(row.move, row.label, row.fields, row.refusal) for row in moves],
        "events": events,
        "last_answer": next((e.data.get("answer", "") for e in reversed(events) if e.data.get("answer")), ""),
        "attachments": item_attachments_for_viewer(item=item),
        "extensions": item.extension_requests.all(),
        "pending_extension": next(
            (e for e in item.extension_requests.all() if e.status == ExtensionStatus.PENDING), None
        ),
        "can_escalate": is_front and item.can_escalate,
        "can_ask_extension": Actor.AGENCY in roles and item.can_request_extension,
    }
    fields = {name for row in moves for name in row.fields}
    if is_front and "agency" in fields:
        context["agency_groups"], context["proposed_agency"] = agency_choices(item=item)
        context["forward_due"] = wf.forward_due_date(item=item)
    if is_front:
        context["answer_files"] = answer_attachments(item=item)
    if is_front and "target" in fields:
        context["duplicates"] = duplicate_suggestions(user=request.user, item=item)
    return render(request, "feedback/workspace/item.html", context)


@login_required
@require_POST
def item_move_view(request, item_id: int, move: str):
    row = STAFF_MOVES.get(move)
    if row is None:
        raise Http404
    back = reverse("workspace-item", args=[item_id])
    try:
        arguments = row.arguments_from_form(request.POST, request.FILES)
        result = row.perform(user=request.user, item_id=item_id, arguments=arguments)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    if result.changed:
        messages.success(request, _("Done: %(move)s.") % {"move": row.label})
    else:
        messages.info(request, _("Nothing changed: this was already done."))
    if move == Move.RETURN:
        return redirect("workspace-inbox")
    return redirect(back)


@login_required
@require_POST
def item_escalate_view(request, item_id: int):
    try:
        wf.item_escalate(user=request.user, item_id=item_id, reason=request.POST.get("reason", ""))
        messages.success(request, _("The item was handed to the provincial Front."))
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("workspace-item", item_id=item_id)


@login_required
@require_POST
def extension_request_view(request, item_id: int):
    try:
        wf.extension_request(
            user=request.user,
            item_id=item_id,
            reason=request.POST.get("reason", ""),
            requested_days=request.POST.get("requested_days") or None,
            requested_due_date=request.POST.get("requested_due_date") or None,
        )
        messages.success(request, _("The extension request was sent to the Front."))
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("workspace-item", item_id=item_id)


@login_required
@require_POST
def extension_decide_view(request, item_id: int, request_id: int):
    item_get_for_user(user=request.user, item_id=item_id)
    try:
        decided = wf.extension_decide(
            user=request.user,
            request_id=request_id,
            grant=request.POST.get("decision") == "grant",
            note=request.POST.get("note", ""),
        )
        if decided.item_id != int(item_id):
            raise Http404
        messages.success(request, _("The decision on the extension was recorded."))
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("workspace-item", item_id=item_id)


@login_required
@require_POST
def bulk_forward_view(request):
    _require_item_scope(request.user)
    ids = request.POST.getlist("items")
    if not ids:
        messages.error(request, _("Select the items to forward."))
        return _back_to_queue(request)
    try:
        result = wf.items_bulk_forward(
            user=request.user,
            item_ids=ids,
            agency_id=request.POST.get("forward_agency") or request.POST.get("agency"),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_queue(request)
    messages.success(request, _("%(count)s items forwarded.") % {"count": len(result.forwarded)})
    for item_id, reason in result.refused.items():
        messages.warning(request, _("Item %(id)s: %(reason)s") % {"id": item_id, "reason": reason})
    return _back_to_queue(request)


def _back_to_queue(request):
    """The queue as the officer left it (tab, filters, page), sent back by the form as ``back`` and rebuilt
    from its parameters: only the queue's own address can come out of it."""
    query = QueryDict(request.POST.get("back", "")[:2000]).urlencode()
    return redirect(reverse("workspace-queue") + (f"?{query}" if query else ""))
