"""The personal-data access record (Law 91/2025, Decree 356/2025): one rule, one writer.

Every page, API view, download, export and admin screen that shows a citizen's identity or files calls
``personal_data_access_record``. What counts as "shown" is decided here, not by each caller: the viewer is
allowed to see the submitter's identity (not a denunciation masked for an agency, not an anonymous or
already anonymised item) and the item holds some, or the viewer opened a file handed in with the item.
Each call also appends one row to the security event log (``organizations.audit``).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest

from organizations.audit import security_event_record
from organizations.models import SecurityEventKind
from organizations.selectors import AnyUser

from ..models import SUBMITTER_IDENTITY_FIELDS, Item, PersonalDataAccess

if TYPE_CHECKING:
    from rest_framework.request import Request

Action = PersonalDataAccess.Action


def item_shows_personal_data(*, item: Item) -> bool:
    """Whether showing this (possibly masked) item to its viewer shows a citizen's identity."""
    if getattr(item, "identity_hidden", False) or item.is_anonymous or item.anonymized_at is not None:
        return False
    return any(getattr(item, field) for field in SUBMITTER_IDENTITY_FIELDS)


def personal_data_access_record(
    *,
    user: AnyUser,
    items: Iterable[Item],
    action: str,
    detail: str = "",
    request: "HttpRequest | Request | None" = None,
    files: bool = False,
) -> int:
    """Record that ``user`` saw the personal data of ``items``; returns how many items were recorded.

    ``files``: the viewer opened a file handed in with the item (a photo or document may show a person even
    when the form's identity fields are empty), recorded whatever the identity fields hold.
    """
    shown = [item for item in items if files or item_shows_personal_data(item=item)]
    if not shown or not user.is_authenticated or not user.pk:
        return 0
    PersonalDataAccess.objects.bulk_create(
        [PersonalDataAccess(user=user, item=item, action=action, detail=detail[:255]) for item in shown]
    )
    security_event_record(
        kind=SecurityEventKind.EXPORT if action == Action.EXPORT else SecurityEventKind.PERSONAL_DATA_READ,
        request=request,
        actor=user,
        object_type="item",
        object_id=shown[0].pk if len(shown) == 1 else "",
        detail={"action": action, "items": len(shown), "detail": detail[:200]},
    )
    return len(shown)
