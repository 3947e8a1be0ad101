"""What is said: one subject and one message per template, in the catalogue (Vietnamese first), and how a
row's message is rendered in its recipient's language.

Placeholders: code, title, commune, agency, due_date, step, count, reason, answer, result.
"""

import contextlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ...models import Notification, NotificationChannel, Step
from ...workflow import Move

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Wording:
    subject: "StrOrPromise"
    message: "StrOrPromise"


WORDING: dict[str, Wording] = {
    "item_received": Wording(
        _("New feedback item %(code)s in %(commune)s"),
        _("A new feedback item was received in %(commune)s: “%(title)s”. Triage it by %(due_date)s."),
    ),
    "acknowledgement": Wording(
        _("We have received your feedback %(code)s"),
        _(
            "The Fatherland Front has received your feedback “%(title)s”. Its tracking code is %(code)s; keep it "
            "with your secret. By %(due_date)s the Front will tell you whether it is accepted and who handles it."
        ),
    ),
    "citizen_forwarded": Wording(
        _("Your feedback %(code)s was forwarded to %(agency)s"),
        _("Your feedback %(code)s “%(title)s” was forwarded to %(agency)s, which must answer by %(due_date)s."),
    ),
    "citizen_extended": Wording(
        _("More time was given to answer your feedback %(code)s"),
        _("%(agency)s now has until %(due_date)s to answer your feedback %(code)s. Reason: %(reason)s"),
    ),
    "citizen_answered": Wording(
        _("%(agency)s has answered your feedback %(code)s"),
        _(
            "%(agency)s has answered your feedback %(code)s “%(title)s”. The Front is checking the answer and "
            "will tell you the result."
        ),
    ),
    "citizen_reopened": Wording(
        _("The Front is looking again at your feedback %(code)s"),
        _("The Front received your disagreement with the result of your feedback %(code)s and is looking at it again."),
    ),
    "forwarded": Wording(
        _("Feedback item %(code)s forwarded to your agency"),
        _("Feedback item %(code)s “%(title)s” was forwarded to %(agency)s. Answer it by %(due_date)s."),
    ),
    "answered": Wording(
        _("Feedback item %(code)s has been answered"),
        _("%(agency)s answered feedback item %(code)s “%(title)s”. Check the answer and close the item."),
    ),
    "returned": Wording(
        _("Feedback item %(code)s returned by the agency"),
        _("The agency returned feedback item %(code)s “%(title)s” as not its competence. Triage it again."),
    ),
    "sent_back": Wording(
        _("The answer to feedback item %(code)s was sent back"),
        _("The Front sent back your answer to feedback item %(code)s “%(title)s”. Answer it by %(due_date)s."),
    ),
    "extension_requested": Wording(
        _("Extension requested for feedback item %(code)s"),
        _("%(agency)s asks for more time to answer feedback item %(code)s “%(title)s”. Decide on the request."),
    ),
    "extension_decided": Wording(
        _("Extension decided for feedback item %(code)s"),
        _("The Front decided on the extension for feedback item %(code)s “%(title)s”. Due date: %(due_date)s."),
    ),
    "disputed": Wording(
        _("The citizen disputes the result of feedback item %(code)s"),
        _("The citizen disputed the result of feedback item %(code)s “%(title)s”. It is open again."),
    ),
    "escalated_to_province": Wording(
        _("Feedback item %(code)s escalated to the provincial Front"),
        _("Feedback item %(code)s “%(title)s” of %(commune)s was escalated to the provincial Front."),
    ),
    "citizen_upheld": Wording(
        _("The Front has looked again at your feedback %(code)s"),
        _("The Front looked again at the result of your feedback %(code)s and keeps it. Why: %(reason)s"),
    ),
    "rejected": Wording(
        _("Your feedback %(code)s was not accepted"),
        _("The Fatherland Front did not accept your feedback %(code)s “%(title)s”. Reason: %(reason)s"),
    ),
    "result": Wording(
        _("Your feedback %(code)s has a result"),
        _("Your feedback %(code)s “%(title)s” is closed: %(result)s. Answer: %(answer)s"),
    ),
    "due_soon": Wording(
        _("Reminder: feedback item %(code)s is due on %(due_date)s"),
        _("Feedback item %(code)s “%(title)s” is due on %(due_date)s (%(step)s). Please handle it in time."),
    ),
    "overdue": Wording(
        _("Overdue: feedback item %(code)s was due on %(due_date)s"),
        _("Feedback item %(code)s “%(title)s” passed its due date of %(due_date)s (%(step)s). Handle it now."),
    ),
    "escalated": Wording(
        _("Escalation: feedback item %(code)s is overdue"),
        _(
            "Feedback item %(code)s “%(title)s” of %(commune)s, with %(agency)s, is overdue since %(due_date)s "
            "(%(step)s). It is escalated to you."
        ),
    ),
    "board_overdue": Wording(
        _("Feedback item %(code)s added to the provincial overdue list"),
        _(
            "Feedback item %(code)s of %(commune)s, with %(agency)s, is long overdue since %(due_date)s "
            "(%(step)s). It is on the provincial board's overdue list."
        ),
    ),
    "digest": Wording(
        _("Your daily list: %(count)s feedback items overdue or due soon"),
        _("%(count)s feedback items in your scope are overdue or due soon."),
    ),
}

CITIZEN_TEMPLATES = frozenset(
    {
        "acknowledgement",
        "citizen_forwarded",
        "citizen_extended",
        "citizen_answered",
        "citizen_reopened",
        "citizen_upheld",
        "rejected",
        "result",
    }
)
RESULT_LABELS = {
    Move.RESOLVE: _("resolved"),
    Move.ROADMAP: _("put on the roadmap"),
    Move.CANNOT_RESOLVE: _("cannot be resolved, with written grounds"),
}
SMS_ANSWER_CHARS = 120


def message_context(notification: Notification) -> dict[str, Any]:
    """Placeholders for the wording, from the item as it is now and the decision's own context."""
    item = notification.item
    ctx: dict[str, Any] = {
        "code": "",
        "title": "",
        "commune": "",
        "agency": "",
        "due_date": "",
        "step": "",
        "count": "",
        "reason": "",
        "answer": "",
        "result": "",
    }
    if item is not None:
        ctx.update(
            code=item.tracking_code,
            title=item.title,
            commune=item.commune.name,
            agency=item.current_agency.name if item.current_agency else "",
        )
    ctx.update({k: v for k, v in notification.context.items() if isinstance(v, str | int)})
    if ctx.get("due_date"):
        with contextlib.suppress(ValueError):
            ctx["due_date"] = date_format(date.fromisoformat(str(ctx["due_date"])), "SHORT_DATE_FORMAT")
    if ctx.get("step"):
        with contextlib.suppress(ValueError):
            ctx["step"] = str(Step(ctx["step"]).label)
    if ctx.get("result"):
        with contextlib.suppress(ValueError):
            ctx["result"] = str(RESULT_LABELS[Move(ctx["result"])])
    if notification.channel == NotificationChannel.SMS and len(str(ctx["answer"])) > SMS_ANSWER_CHARS:
        ctx["answer"] = str(ctx["answer"])[: SMS_ANSWER_CHARS - 1].rstrip() + "…"
    return ctx


def render_message(notification: Notification) -> tuple[str, str]:
    """(subject, message) in the notification's language."""
    with translation.override(notification.language):
        ctx = message_context(notification)
        wording = WORDING.get(notification.template)
        if wording is None:
            return str(notification.context.get("subject", "")), str(notification.context.get("message", ""))
        return str(wording.subject) % ctx, str(wording.message) % ctx
