"""Milestone reminders 14 and 3 days before, to the lead organisation and its members, once each."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from feedback.models import Notification
from organizations.models import Role
from programs.models import Milestone, MilestoneReminder, ProgrammeEvent
from programs.reminders import milestone_reminders_send
from programs.tasks import send_milestone_reminders
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
DUE = datetime.date(2027, 3, 31)  # programme 11: "báo cáo Quý I/2027"


@pytest.fixture
def lead(programmes, province_front):
    province_front.email = "mttq@dienbien.example"
    province_front.save(update_fields=["email"])
    programmes[11].lead_organizations.set([province_front])
    member = MembershipFactory(organization=province_front, role=Role.FRONT_OFFICER).user
    return province_front, member


def _only(milestone_keys):
    """Keep only programme 11's report milestone open: the others are marked done."""
    Milestone.objects.exclude(programme__number=11, key__in=milestone_keys).update(done_on=datetime.date(2026, 1, 1))


def test_reminders_are_sent_14_and_3_days_before_once_each(lead, django_capture_on_commit_callbacks):
    _org, member = lead
    _only(["report-2027-03-31"])

    # when the job runs twice 14 days before, then twice 3 days before (deliveries run after commit)
    with django_capture_on_commit_callbacks(execute=True):
        first = milestone_reminders_send(today=DUE - datetime.timedelta(days=14))
        again = milestone_reminders_send(today=DUE - datetime.timedelta(days=14))
        later = milestone_reminders_send(today=DUE - datetime.timedelta(days=13))
        three = milestone_reminders_send(today=DUE - datetime.timedelta(days=3))
        three_again = milestone_reminders_send(today=DUE - datetime.timedelta(days=2))

    # then each reminder went once to the organisation's mailbox (directly) and to its member (through the
    # notification outbox: in the portal and by email), in Vietnamese
    assert (first, again, later, three, three_again) == (1, 0, 0, 1, 0)
    assert sorted(tuple(m.to) for m in mail.outbox) == sorted([("mttq@dienbien.example",), (member.email,)] * 2)
    assert all("Nhắc hạn" in m.subject and "31/03/2027" in m.subject for m in mail.outbox)
    notes = Notification.objects.filter(recipient_user=member)
    assert sorted(notes.values_list("channel", flat=True)) == ["email", "email", "in_app", "in_app"]
    assert set(notes.values_list("status", flat=True)) == {"sent"}
    assert sorted(MilestoneReminder.objects.values_list("days_before", flat=True)) == [3, 14]
    assert ProgrammeEvent.objects.filter(kind="reminder_sent").count() == 2


def test_a_done_milestone_is_not_reminded(lead):
    _only([])

    assert milestone_reminders_send(today=DUE - datetime.timedelta(days=14)) == 0
    assert mail.outbox == []


def test_a_missed_run_still_sends_the_current_reminder_once(lead):
    _only(["report-2027-03-31"])

    # the scheduler was down until 2 days before: only the 3-day reminder is sent
    assert milestone_reminders_send(today=DUE - datetime.timedelta(days=2)) == 1
    assert list(MilestoneReminder.objects.values_list("days_before", flat=True)) == [3]


def test_programme_without_lead_reminds_the_provincial_front(programmes, province, province_front, db, settings):
    settings.PORTAL_PROVINCE_CODE = province.code
    province_front.email = "mttq@dienbien.example"
    province_front.save(update_fields=["email"])
    Milestone.objects.exclude(programme__number=10, key="annual-2027").update(done_on=datetime.date(2026, 1, 1))

    milestone_reminders_send(today=datetime.date(2027, 12, 17))

    assert mail.outbox[0].to == ["mttq@dienbien.example"]


def test_task_and_command_are_safe_to_run_twice(lead):
    _only(["report-2027-03-31"])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a, **k: DUE - datetime.timedelta(days=14))
        assert send_milestone_reminders.delay().get() == 1
        assert send_milestone_reminders.delay().get() == 0
    out = StringIO()
    call_command("send_milestone_reminders", "--today", (DUE - datetime.timedelta(days=3)).isoformat(), stdout=out)
    call_command("send_milestone_reminders", "--today", (DUE - datetime.timedelta(days=3)).isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) sent.", "0 reminder(s) sent."]
    assert [m.to for m in mail.outbox] == [["mttq@dienbien.example"]] * 2
    assert Notification.objects.filter(channel="in_app").count() == 2


@pytest.mark.worker
def test_a_real_worker_sends_each_reminder_once(celery_worker_process, programmes, province_front):
    # given a milestone due in 14 days (the worker's "today" is the real date)
    from django.utils import timezone

    from programs.tasks import send_milestone_reminders as task

    today = timezone.localdate()
    Milestone.objects.update(done_on=datetime.date(2026, 1, 1))
    target = Milestone.objects.filter(programme__number=11).first()
    Milestone.objects.filter(id=target.id).update(done_on=None, due_date=today + datetime.timedelta(days=14))
    programmes[11].lead_organizations.set([province_front])

    # when the task runs twice on the real broker and worker
    first = task.apply_async(queue=celery_worker_process).get(timeout=60)
    second = task.apply_async(queue=celery_worker_process).get(timeout=60)

    # then one reminder row and one event, whatever the repeats
    assert (first, second) == (1, 0)
    assert list(MilestoneReminder.objects.values_list("milestone_id", "days_before")) == [(target.id, 14)]
