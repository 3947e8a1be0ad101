"""Who is told: audiences as SQL over a relation of items, and the table of who hears what.

Who is told is expressed once per audience, as SQL over a set of items (``organizations.scope.VIEWERS_SQL``,
the reverse direction of the access scope). The same SQL serves one item (after a submission or a move) and a
million (the deadline chase, see ``feedback.services.deadlines``).
"""

from collections.abc import Iterable
from enum import StrEnum

from django.conf import settings

from organizations.scope import item_viewers_sql

from ...models import EventKind, Item


class Audience(StrEnum):
    ITEM_FRONT = "item_front"  # the Front officers handling the item (its commune, or the province)
    PROVINCE_FRONT = "province_front"  # the provincial Front officers
    AGENCY = "agency"  # the officers of the item's current agency
    AGENCY_SUPERIOR = "agency_superior"  # the officers of the agency's superior (Organization.parent)
    BOARD = "board"  # the provincial board (overdue list)
    CITIZEN = "citizen"  # the submitter, only with consent to be contacted


# The SQL of each audience is the reverse direction of the scope (organizations.scope.VIEWERS_SQL): who is
# told about an item is someone who may open it.
# Who hears what. Keys are templates, or "template:step" for the deadline chase.
AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "item_received": (Audience.ITEM_FRONT,),
    "acknowledgement": (Audience.CITIZEN,),
    "forwarded": (Audience.AGENCY,),
    "answered": (Audience.ITEM_FRONT,),
    "returned": (Audience.ITEM_FRONT,),
    "sent_back": (Audience.AGENCY,),
    "extension_requested": (Audience.ITEM_FRONT,),
    "extension_decided": (Audience.AGENCY,),
    "disputed": (Audience.ITEM_FRONT, Audience.AGENCY),
    "escalated_to_province": (Audience.PROVINCE_FRONT,),
    "rejected": (Audience.CITIZEN,),
    "result": (Audience.CITIZEN,),
    "citizen_forwarded": (Audience.CITIZEN,),
    "citizen_extended": (Audience.CITIZEN,),
    "citizen_answered": (Audience.CITIZEN,),
    "citizen_reopened": (Audience.CITIZEN,),
    "citizen_upheld": (Audience.CITIZEN,),
    "due_soon:dispute": (Audience.ITEM_FRONT,),
    "overdue:dispute": (Audience.ITEM_FRONT,),
    "escalated:dispute": (Audience.PROVINCE_FRONT,),
    "board_overdue:dispute": (Audience.BOARD,),
    "due_soon:triage": (Audience.ITEM_FRONT,),
    "due_soon:answer": (Audience.AGENCY,),
    "overdue:triage": (Audience.ITEM_FRONT,),
    "overdue:answer": (Audience.AGENCY, Audience.ITEM_FRONT),
    "escalated:triage": (Audience.PROVINCE_FRONT,),
    "escalated:answer": (Audience.AGENCY_SUPERIOR, Audience.PROVINCE_FRONT),
    "board_overdue:triage": (Audience.BOARD,),
    "board_overdue:answer": (Audience.BOARD,),
}

# What other events tell (recorded by the workflow services without a status change).
EVENT_TEMPLATES: dict[str, str] = {
    EventKind.EXTENSION_REQUESTED: "extension_requested",
    EventKind.EXTENSION_REFUSED: "extension_decided",
    EventKind.ESCALATED: "escalated_to_province",
}


def audience_sql(audiences: Iterable[Audience], *, items: str) -> str:
    """Distinct (ref, item_id, user_id, email) of active users in the audiences, for a relation of items."""
    return item_viewers_sql([a for a in audiences if a != Audience.CITIZEN], items=items)


def staff_language() -> str:
    language: str = getattr(settings, "NOTIFICATIONS_STAFF_LANGUAGE", settings.LANGUAGE_CODE)
    return language


def citizen_may_be_contacted(item: Item) -> bool:
    """Only with the citizen's consent to be contacted (Law 91/2025), never once the data is anonymised."""
    return bool(item.consent_contact and not item.is_anonymous and item.anonymized_at is None)
