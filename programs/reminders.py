"""Milestone reminders (đôn đốc): 14 and 3 days before a milestone's due date, to the lead organisation's
email and its members, once each.

Once-each is decided by the database, not the scheduler: a reminder is claimed with a conditional insert
(``INSERT ... ON CONFLICT DO NOTHING RETURNING``) on the unique (milestone, days_before); only the run that
inserted the row sends the mail. Claim and send share a transaction, so a failed send releases the claim
and the next run retries; a concurrent run waits on the uncommitted row and then finds it taken.

Routing: the lead organisations' members are told through feedback's notification outbox
(``feedback.services.notifications.notification_send``: in the portal and by email, delivered by a worker
with claims, retries and backoff, once per key). The organisation's own mailbox (``Organization.email``) is
not a user, which the outbox addresses, so it is mailed directly through Django's mail backend inside the
claim's transaction.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations.models import Level, Membership, Organization, OrganizationKind

from .models import Milestone, MilestoneReminder, ProgrammeEvent, ProgrammeEventKind

logger = logging.getLogger(__name__)

# (days before, window): the 14-day reminder is sent while more than 3 days remain, the 3-day one after.
# If the scheduler missed days, the reminder for the current window is still sent, once.
REMINDER_WINDOWS = ((14, 4), (3, 0))


def _claim(*, days_before: int, min_days: int, today: datetime.date) -> list[int]:
    """Claim the open milestones due within [today + min_days, today + days_before]; returns their ids."""
    table = MilestoneReminder._meta.db_table
    milestones = Milestone._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (milestone_id, days_before, due_date, recipients, created_at)
            SELECT m.id, %s, m.due_date, %s, %s FROM {milestones} m
            WHERE m.done_on IS NULL AND m.due_date >= %s AND m.due_date <= %s
            ON CONFLICT (milestone_id, days_before) DO NOTHING
            RETURNING milestone_id
            """,  # noqa: S608 - table names come from the models, values are parameters
            [
                days_before,
                "[]",
                timezone.now(),
                today + datetime.timedelta(days=min_days),
                today + datetime.timedelta(days=days_before),
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def lead_organizations(milestone: Milestone) -> list[Organization]:
    """The programme's lead organisations. Row 10 names no lead: the provincial Front committee, which
    follows up every programme, is reminded instead."""
    leads = list(milestone.programme.lead_organizations.filter(is_active=True))
    if leads:
        return leads
    return list(
        Organization.objects.filter(
            kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE, unit__code=settings.PORTAL_PROVINCE_CODE
        )
    )


def _wording(milestone: Milestone, days_before: int) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: programme %(number)s milestone due on %(date)s") % {
            "number": milestone.programme.number,
            "date": milestone.due_date.strftime("%d/%m/%Y"),
        }
        url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
            "programs:programme_detail", kwargs={"number": milestone.programme.number}
        )
        body = _(
            "Programme %(number)s. %(title)s\n\nMilestone: %(label)s\nDue on: %(date)s (in %(days)s days)\n\n"
            "When it is done, mark it done with its evidence: %(url)s"
        ) % {
            "number": milestone.programme.number,
            "title": milestone.programme.title,
            "label": milestone.label,
            "date": milestone.due_date.strftime("%d/%m/%Y"),
            "days": days_before,
            "url": url,
        }
    return subject, body


def _remind(milestone: Milestone, days_before: int) -> dict:
    """Tell the lead organisations' mailboxes and members; returns what was done, for the event row."""
    from feedback.services.notifications import notification_send

    leads = lead_organizations(milestone)
    subject, body = _wording(milestone, days_before)
    mailboxes = sorted({org.email for org in leads if org.email})
    if mailboxes:
        send_mail(subject, body, None, mailboxes, fail_silently=False)
    member_ids = sorted(
        set(
            Membership.objects.filter(organization__in=leads, is_active=True, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    )
    notification_ids = notification_send(
        key=f"programs:milestone:{milestone.id}:d{days_before}",
        user_ids=member_ids,
        template="milestone_reminder",
        context={"subject": subject, "message": body},
    )
    return {"mailboxes": mailboxes, "members": member_ids, "notifications": notification_ids}


def milestone_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders that are due today and not yet sent. Safe to run any number of times."""
    today = today or timezone.localdate()
    sent = 0
    for days_before, min_days in REMINDER_WINDOWS:
        with transaction.atomic():
            claimed = _claim(days_before=days_before, min_days=min_days, today=today)
            milestones = Milestone.objects.filter(id__in=claimed).select_related("programme")
            for milestone in milestones:
                told = _remind(milestone, days_before)
                MilestoneReminder.objects.filter(milestone=milestone, days_before=days_before).update(
                    recipients=told["mailboxes"] + [f"user:{i}" for i in told["members"]]
                )
                ProgrammeEvent.objects.create(
                    kind=ProgrammeEventKind.REMINDER_SENT,
                    programme_id=milestone.programme_id,
                    milestone=milestone,
                    data={"days_before": days_before, **told},
                )
                sent += 1
    if sent:
        logger.info("Sent %s milestone reminders", sent)
    return sent
