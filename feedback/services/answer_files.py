"""The Front decides which files attached to an agency's answer the citizen may see with the public answer.

Only files attached to an answer are eligible: what the citizen handed in, or a denouncer's files, are
never made public here. The choice is an event row like every other change of an item."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError
from organizations.models import User

from ..models import Attachment, EventKind, Item, ItemEvent
from ..workflow import Actor
from .workflow import _locked_for


def answer_attachments(*, item: Item) -> list[Attachment]:
    """Files attached to the item's answers (the ones the Front may publish), oldest first."""
    return list(
        Attachment.objects.filter(item=item, event__kind=EventKind.TRANSITION, event__data__move="answer").order_by(
            "created_at", "id"
        )
    )


def answer_files_publish(*, user: User, item_id: int, public_ids: Iterable[int | str] | None) -> list[int]:
    """Make exactly ``public_ids`` (among the answer's files) public; the others private. Returns the ids now
    public. A repeat with the same choice changes nothing and writes no event."""
    try:
        wanted = {int(i) for i in public_ids or ()}
    except (TypeError, ValueError):
        raise ApplicationError(_("Choose files from the list."), code="invalid") from None
    with transaction.atomic():
        item = _locked_for(user=user, item_id=item_id, actor=Actor.FRONT)
        eligible = {a.pk: a for a in answer_attachments(item=item)}
        if wanted - eligible.keys():
            raise ApplicationError(
                _("Only files attached to the agency's answer can be made public."), code="not_an_answer_file"
            )
        before = {pk for pk, a in eligible.items() if a.is_public}
        if before == wanted:
            return sorted(wanted)
        Attachment.objects.filter(pk__in=wanted).update(is_public=True)
        Attachment.objects.filter(pk__in=eligible.keys() - wanted).update(is_public=False)
        ItemEvent.objects.create(
            item=item,
            kind=EventKind.ATTACHMENT,
            actor=user,
            actor_label=Actor.FRONT.value,
            note=_("Files published with the answer: %(names)s")
            % {"names": ", ".join(eligible[pk].original_name for pk in sorted(wanted)) or "—"},
            data={"public_attachments": sorted(wanted), "previous": sorted(before)},
        )
    return sorted(wanted)
