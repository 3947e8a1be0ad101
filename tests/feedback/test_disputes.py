"""Disputes with a clock: the citizen's dispute opens a step with its own due date from the deadline table;
the Front re-forwards or keeps the result with an explanation the citizen reads."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.deadlines import WorkingCalendar
from feedback.models import DeadlineRule, Item, ItemEvent, Notification, Status, Step
from feedback.services import workflow as wf
from feedback.services.citizen import item_dispute
from feedback.services.intake import item_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(rules, citizen_submission, officer_a, agency_officer_a, agency_a, django_capture_on_commit_callbacks):
    result = item_submit(**citizen_submission)
    item = result.item
    wf.item_accept_and_forward(user=officer_a, item_id=item.id, agency_id=agency_a.id)
    wf.item_answer(user=agency_officer_a, item_id=item.id, answer="Chưa có kinh phí")
    wf.item_close(user=officer_a, item_id=item.id, result="roadmap", public_answer="Đưa vào kế hoạch năm 2027.")
    return item, result.secret


def test_a_dispute_opens_a_step_with_its_own_due_date_from_the_rule_table(closed):
    item, _secret = closed
    rule = DeadlineRule.objects.get(step=Step.DISPUTE, is_active=True)

    item_dispute(item_id=item.id, reason="Đường vẫn hỏng")

    item.refresh_from_db()
    expected = WorkingCalendar.load().add(timezone.localdate(), rule.days, rule.day_count)
    assert item.status == Status.REOPENED
    assert item.due_step == Step.DISPUTE
    # 10 working days by the seeded rule, counted like every other working-day rule
    assert rule.days == 10
    assert item.due_date == expected


def test_the_citizen_reads_that_the_front_not_an_agency_has_it_and_until_when(client, closed):
    item, secret = closed
    item_dispute(item_id=item.id, reason="Đường vẫn hỏng")
    item.refresh_from_db()

    html = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()

    assert "cơ quan giải quyết đang xử lý" not in html.lower()
    assert "Mặt trận đang xem xét lại" in html
    assert item.due_date.strftime("%d/%m/%Y") in html


def test_the_front_keeps_the_result_with_an_explanation_the_citizen_reads(
    client, closed, officer_a, django_capture_on_commit_callbacks
):
    item, secret = closed
    item_dispute(item_id=item.id, reason="Đường vẫn hỏng")
    client.force_login(officer_a)

    # the officer's page offers the new move, with the dispute's due date
    page = client.get(reverse("workspace-item", args=[item.id])).content.decode()
    assert reverse("workspace-item-move", args=[item.id, "uphold"]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("workspace-item-move", args=[item.id, "uphold"]),
            {"explanation": "Kinh phí năm 2026 đã phân bổ hết; đã đưa vào kế hoạch 2027."},
        )

    item.refresh_from_db()
    # the result disputed (on the roadmap) is the result kept; the dispute step closed on time
    assert item.status == Status.ON_ROADMAP
    assert item.due_date is None
    assert item.closed_at is not None
    event = ItemEvent.objects.filter(item=item, data__move="uphold").get()
    assert event.data["dispute_on_time"] is True
    assert event.is_public
    client.logout()
    html = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()
    assert "Mặt trận đã xem xét lại và giữ nguyên kết quả" in html
    assert "đã phân bổ hết" in html
    assert Notification.objects.filter(item=item, template="citizen_upheld").exists()


def test_an_explanation_is_required(closed, officer_a):
    from mttq_portal.errors import ApplicationError

    item, _secret = closed
    item_dispute(item_id=item.id, reason="Đường vẫn hỏng")

    with pytest.raises(ApplicationError):
        wf.item_uphold(user=officer_a, item_id=item.id, explanation="  ")
    assert Item.objects.get(pk=item.id).status == Status.REOPENED
