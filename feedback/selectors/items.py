"""THE scoping selectors for feedback items: every list, page, API view and export of items starts here.

Scope (``organizations.selectors.user_scope``):
- administrator and provincial Front officer: every item of the province;
- commune Front officer: the items of their communes;
- agency officer: the items whose *current* agency is theirs (a re-forwarded item leaves their inbox), or
  whose current agency they are the superior of (``Organization.parent``: they are told when it is overdue),
  and never the identity of a denouncer (Law on Denunciations 2018, Arts. 8 and 47), nor contact details the
  citizen did not agree to share;
- an API token's service account: its organisation's scope, never a submitter's identity;
- provincial board viewer: no item (they read aggregates, elsewhere).

A user may hold several roles (a commune Front officer who also answers for a commune People's Committee):
the union of what each role sees, and the identity is hidden only on rows seen through the agency role alone.
"""

import operator
from collections.abc import Callable
from functools import reduce

from django.db.models import Q, QuerySet
from django.http import Http404

from organizations.audit import security_event_record
from organizations.models import SecurityEventKind
from organizations.selectors import AnyUser, UserScope, user_scope

from ..models import SUBMITTER_IDENTITY_FIELDS, Attachment, Category, EventKind, HandlingLevel, Item, ItemType
from ..workflow import Actor


def _scope_filter(scope: UserScope) -> Q | None:
    """The WHERE clause of the scope; None when the user sees nothing."""
    if scope.sees_whole_province:
        return Q()
    conditions = []
    if scope.front_unit_ids:
        conditions.append(Q(commune_id__in=sorted(scope.front_unit_ids)))
    if scope.agency_ids:
        agencies = sorted(scope.agency_ids)
        conditions.append(Q(current_agency_id__in=agencies) | Q(current_agency__parent_id__in=agencies))
    if not conditions:
        return None
    return reduce(operator.or_, conditions)


def sees_as_front(scope: UserScope, item: Item) -> bool:
    return scope.sees_whole_province or item.commune_id in scope.front_unit_ids


def _category_protects_identity(item: Item) -> bool:
    category: Category | None = item._state.fields_cache.get("category")  # joined by items_for_user: no query per row
    if category is not None:
        return category.protects_identity
    return Category.objects.filter(pk=item.category_id, protects_identity=True).exists()


def _identity_mask(scope: UserScope) -> Callable[[Item], None] | None:
    """What an agency-only viewer must not see; None when the viewer sees every row whole."""
    if scope.is_service_account:

        def mask_all(item: Item) -> None:
            # Another system gets the matter, not the person (the token's "no personal data" promise).
            for name in SUBMITTER_IDENTITY_FIELDS:
                setattr(item, name, "")
            item.identity_hidden = True

        return mask_all
    if scope.sees_whole_province or not scope.agency_ids:
        return None

    def mask(item: Item) -> None:
        if sees_as_front(scope, item):
            item.identity_hidden = False
            return
        # A denunciation, or an item of a category handled like one (corruption and negative conduct).
        hide_all = item.type == ItemType.DENUNCIATION or _category_protects_identity(item)
        for name in SUBMITTER_IDENTITY_FIELDS:
            # Without consent to be contacted the agency does not need the phone and email either.
            if hide_all or (name in ("submitter_phone", "submitter_email") and not item.consent_contact):
                setattr(item, name, "")
        item.identity_hidden = hide_all

    return mask


def items_for_user(*, user: AnyUser) -> QuerySet[Item]:
    """The items the user may see, joined with what a list renders, masked for the viewer."""
    scope = user_scope(user=user)
    condition = _scope_filter(scope)
    if condition is None:
        return Item.objects.none()
    qs = Item.objects.filter(condition).select_related("category", "commune", "current_agency")
    mask = _identity_mask(scope)
    return qs.mask_rows(mask) if mask else qs


def _hide_identity(item: Item) -> None:
    for name in SUBMITTER_IDENTITY_FIELDS:
        setattr(item, name, "")
    item.identity_hidden = True


def items_for_figures(*, user: AnyUser) -> QuerySet[Item]:
    """The items behind a dashboard's numbers: what ``items_for_user`` gives, and for the provincial board
    (which reads aggregates, no personal data) every item of the province with the submitter's identity
    blanked, so a number can be opened down to its items."""
    scope = user_scope(user=user)
    if _scope_filter(scope) is not None:
        return items_for_user(user=user)
    if not scope.is_board_viewer:
        return Item.objects.none()
    return (
        Item.objects.select_related("category", "commune", "current_agency")
        .defer(*SUBMITTER_IDENTITY_FIELDS)
        .mask_rows(_hide_identity)
    )


def item_get_for_figures(*, user: AnyUser, item_id: int | str) -> Item:
    try:
        return items_for_figures(user=user).get(pk=int(item_id))
    except (Item.DoesNotExist, ValueError, TypeError):
        raise Http404("No such item.") from None


def item_get_for_user(*, user: AnyUser, item_id: int | str, for_update: bool = False) -> Item:
    """One item the user may see, with everything the item page shows; 404 outside the scope (an officer
    of another commune learns nothing, not even that the item exists)."""
    qs = items_for_user(user=user).select_related(
        "residential_area", "source_organization", "campaign", "due_rule", "merged_into", "created_by"
    )
    try:
        return qs.get(pk=int(item_id))
    except (Item.DoesNotExist, ValueError, TypeError):
        _refusal_logged(user=user, item_id=item_id)
        raise Http404("No such item.") from None


def _refusal_logged(*, user: AnyUser, item_id: int | str) -> None:
    """An item that exists but lies outside the user's scope is a refusal for the security log (the user
    still gets the same 404 as for an item that does not exist)."""
    try:
        pk = int(item_id)
    except (ValueError, TypeError):
        return
    if Item.objects.filter(pk=pk).exists():
        security_event_record(
            kind=SecurityEventKind.ACCESS_REFUSED,
            actor=user if getattr(user, "pk", None) else None,
            actor_username="" if getattr(user, "pk", None) else str(user),
            object_type="item",
            object_id=pk,
        )


def item_actor_roles(*, user: AnyUser, item: Item) -> frozenset[Actor]:
    """The workflow roles (``workflow.Actor``) the user holds for this item.

    FRONT: the administrator, the provincial Front, or the Front of the item's commune while the item is
    handled at commune level (after an escalation the provincial Front alone decides). AGENCY: an officer
    of the item's current agency.
    """
    scope = user_scope(user=user)
    roles: set[Actor] = set()
    if scope.sees_whole_province or (
        item.commune_id in scope.front_unit_ids and item.handling_level == HandlingLevel.COMMUNE
    ):
        roles.add(Actor.FRONT)
    if item.current_agency_id is not None and item.current_agency_id in scope.agency_ids:
        roles.add(Actor.AGENCY)
    return frozenset(roles)


def item_identity_visible(*, user: AnyUser, item: Item) -> bool:
    """Whether the page may show the submitter's identity (and so must log the access)."""
    return not getattr(item, "identity_hidden", False) and not item.is_anonymous


def item_attachments_for_viewer(*, item: Item) -> QuerySet[Attachment]:
    """The attachments of an item fetched through ``item_get_for_user``, as its viewer may see them: one who
    sees the item with the identity hidden (an agency on a denunciation, an API token) gets neither the files
    handed in with it nor their names: they may identify the denouncer (Law on Denunciations 2018, Arts. 8
    and 47)."""
    qs = Attachment.objects.filter(item_id=item.pk).select_related("event").order_by("id")
    if getattr(item, "identity_hidden", False):
        qs = qs.exclude(event__isnull=True).exclude(event__kind=EventKind.SUBMITTED)
    return qs
