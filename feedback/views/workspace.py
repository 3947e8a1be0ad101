"""The officers' workspace: the queue, the item page with the moves allowed now, the agency's inbox, bulk
forwarding. Every page reads through the scoping selectors (404 outside the scope) and every decision goes
through ``services.workflow``; a refusal becomes a message on the page, never a 500."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mttq_portal.errors import ApplicationError
from organizations.selectors import agency_list, units_for_user, user_scope

from ..models import Category, Channel, ExtensionStatus, ItemType, PersonalDataAccess, Status
from ..selectors.items import item_actor_roles, item_get_for_user, item_identity_visible
from ..selectors.queue import TABS, agency_inbox, duplicate_suggestions, queue_for_user
from ..services import workflow as wf
from ..services.answer_files import answer_attachments
from ..workflow import MOVE_LABELS, Actor, Move, available_moves

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
            "agencies": agency_list().only("id", "name").order_by("name"),
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


# What each move's form asks for, in the order shown.
MOVE_FIELDS = {
    Move.ACCEPT: ["note"],
    Move.REJECT: ["reason"],
    Move.MERGE: ["target", "note"],
    Move.WITHDRAW: ["note"],
    Move.FORWARD: ["agency", "note"],
    Move.REFORWARD: ["agency", "note"],
    Move.RETURN: ["reason"],
    Move.ANSWER: ["answer", "attachments"],
    Move.SEND_BACK: ["reason"],
    Move.RESOLVE: ["public_answer", "note"],
    Move.ROADMAP: ["public_answer", "note"],
    Move.CANNOT_RESOLVE: ["public_answer", "note"],
}


@login_required
@require_GET
def item_view(request, item_id: int):
    _require_item_scope(request.user)
    item = item_get_for_user(user=request.user, item_id=item_id)
    prefetch_related_objects([item], "events__actor", "events__agency", "attachments", "extension_requests__agency")
    roles = item_actor_roles(user=request.user, item=item)
    moves = [m for m in available_moves(item.status, actors=set(roles)) if m in MOVE_FIELDS]
    if Actor.FRONT in roles and item.status in (Status.RECEIVED, Status.RETURNED, Status.REOPENED):
        moves.insert(0, Move.FORWARD)  # the usual triage: accept and forward in one step
    if item_identity_visible(user=request.user, item=item) and (item.submitter_name or item.submitter_phone):
        PersonalDataAccess.objects.create(user=request.user, item=item, action=PersonalDataAccess.Action.VIEW)
    is_front = Actor.FRONT in roles
    events = list(item.events.all())
    context = {
        "item": item,
        "roles": roles,
        "is_front": is_front,
        "is_agency": Actor.AGENCY in roles,
        "moves": [(m.value, MOVE_LABELS[m], MOVE_FIELDS[m]) for m in moves],
        "events": events,
        "last_answer": next((e.data.get("answer", "") for e in reversed(events) if e.data.get("answer")), ""),
        "attachments": item.attachments.all(),
        "extensions": item.extension_requests.all(),
        "pending_extension": next(
            (e for e in item.extension_requests.all() if e.status == ExtensionStatus.PENDING), None
        ),
        "can_escalate": is_front and item.is_open and item.handling_level == "commune",
        "can_ask_extension": Actor.AGENCY in roles and item.status == Status.FORWARDED,
    }
    if is_front and any(m in (Move.FORWARD, Move.REFORWARD) for m in moves):
        context["agencies"] = agency_list().only("id", "name").order_by("level", "name")
        context["forward_due"] = wf.forward_due_date(item=item)
    if is_front:
        context["answer_files"] = answer_attachments(item=item)
    if is_front and Move.MERGE in moves:
        context["duplicates"] = duplicate_suggestions(user=request.user, item=item)
    return render(request, "feedback/workspace/item.html", context)


def _run_move(request, item_id: int, move: Move):
    p, user = request.POST, request.user
    if move == Move.ACCEPT:
        return wf.item_accept(user=user, item_id=item_id, note=p.get("note", ""))
    if move == Move.REJECT:
        return wf.item_reject(user=user, item_id=item_id, reason=p.get("reason", ""))
    if move == Move.MERGE:
        return wf.item_merge(user=user, item_id=item_id, target_id=p.get("target"), note=p.get("note", ""))
    if move == Move.WITHDRAW:
        return wf.item_withdraw_on_request(user=user, item_id=item_id, note=p.get("note", ""))
    if move == Move.FORWARD:
        return wf.item_accept_and_forward(user=user, item_id=item_id, agency_id=p.get("agency"), note=p.get("note", ""))
    if move == Move.REFORWARD:
        return wf.item_reforward(user=user, item_id=item_id, agency_id=p.get("agency"), note=p.get("note", ""))
    if move == Move.RETURN:
        return wf.item_return(user=user, item_id=item_id, reason=p.get("reason", ""))
    if move == Move.ANSWER:
        return wf.item_answer(
            user=user, item_id=item_id, answer=p.get("answer", ""), attachments=request.FILES.getlist("attachments")
        )
    if move == Move.SEND_BACK:
        return wf.item_send_back(user=user, item_id=item_id, reason=p.get("reason", ""))
    return wf.item_close(
        user=user, item_id=item_id, result=move, public_answer=p.get("public_answer", ""), note=p.get("note", "")
    )


@login_required
@require_POST
def item_move_view(request, item_id: int, move: str):
    try:
        move = Move(move)
    except ValueError:
        raise Http404 from None
    if move not in MOVE_FIELDS:
        raise Http404
    back = reverse("workspace-item", args=[item_id])
    try:
        result = _run_move(request, item_id, move)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    if result.changed:
        messages.success(request, _("Done: %(move)s.") % {"move": MOVE_LABELS[move]})
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
        return redirect("workspace-queue")
    try:
        result = wf.items_bulk_forward(
            user=request.user, item_ids=ids, agency_id=request.POST.get("agency"), note=request.POST.get("note", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("workspace-queue")
    messages.success(request, _("%(count)s items forwarded.") % {"count": len(result.forwarded)})
    for item_id, reason in result.refused.items():
        messages.warning(request, _("Item %(id)s: %(reason)s") % {"id": item_id, "reason": reason})
    return redirect("workspace-queue")
