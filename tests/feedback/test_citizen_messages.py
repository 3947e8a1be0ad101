"""A message at every step the citizen cares about, in their language, by email and SMS per consent; SMS only
to mobile numbers; every link is the item's one signed link and opens its timeline."""

import re

import pytest
from django.core import mail

from feedback.models import Notification, NotificationChannel
from feedback.phones import is_vn_mobile
from feedback.services import workflow as wf
from feedback.services.citizen import item_dispute
from feedback.services.intake import item_submit

pytestmark = pytest.mark.django_db


def _walk(kwargs, capture, officer, agency_officer, agency):
    with capture(execute=True):
        item = item_submit(**kwargs).item
    with capture(execute=True):
        wf.item_accept_and_forward(user=officer, item_id=item.id, agency_id=agency.id, note="nội bộ")
    with capture(execute=True):
        request = wf.extension_request(
            user=agency_officer, item_id=item.id, reason="Cần khảo sát hiện trường", requested_days=10
        )
    with capture(execute=True):
        wf.extension_decide(user=officer, request_id=request.id, grant=True)
    with capture(execute=True):
        wf.item_answer(user=agency_officer, item_id=item.id, answer="Đã vá ổ gà.")
    with capture(execute=True):
        wf.item_close(user=officer, item_id=item.id, result="resolve", public_answer="Ổ gà đã được vá ngày 10/4.")
    item.refresh_from_db()
    return item


def test_the_citizen_hears_of_every_step_in_their_language_with_a_working_link(
    client, citizen_submission, officer_a, agency_officer_a, agency_a, django_capture_on_commit_callbacks, sms_outbox
):
    # given an English-speaking citizen who agreed to be contacted
    kwargs = {**citizen_submission, "submitter_language": "en"}

    item = _walk(kwargs, django_capture_on_commit_callbacks, officer_a, agency_officer_a, agency_a)

    # then one email per step the citizen cares about
    citizen_mail = [m for m in mail.outbox if m.to == ["pao@example.org"]]
    subjects = [m.subject for m in citizen_mail]
    assert len(citizen_mail) == 5, subjects
    bodies = "\n".join(m.body for m in citizen_mail)
    assert "We have received your feedback" in subjects[0]
    assert f"was forwarded to {agency_a.name}, which must answer by" in bodies
    assert "Reason: Cần khảo sát hiện trường" in bodies
    assert f"{agency_a.name} has answered your feedback" in bodies
    assert "is closed: resolved. Answer: Ổ gà đã được vá ngày 10/4." in bodies
    assert "nội bộ" not in bodies
    # and SMS the same steps, in English, each ending with the link
    assert len(sms_outbox) == 5
    assert all(s["to"] == "+84912345678" for s in sms_outbox)
    assert sms_outbox[1]["text"].startswith("Your feedback")
    # the link in every message is the item's one signed link, and it opens the timeline
    links = set(re.findall(r"https?://[^\s]+/y-kien/[^\s/]+/", bodies + " ".join(s["text"] for s in sms_outbox)))
    assert len(links) == 1
    path = "/" + links.pop().split("/", 3)[3]
    page = client.get(client.get(path)["Location"])
    assert page.status_code == 200
    assert agency_a.name in page.content.decode()

    # when the citizen disputes, they are told the Front looks again
    with django_capture_on_commit_callbacks(execute=True):
        item_dispute(item_id=item.id, reason="Ổ gà vẫn còn")
    assert Notification.objects.filter(item=item, template="citizen_reopened").exists()


def test_no_sms_to_a_landline_and_vietnamese_by_default(
    citizen_submission, officer_a, agency_officer_a, agency_a, django_capture_on_commit_callbacks, sms_outbox
):
    kwargs = {**citizen_submission, "submitter_phone": "0215 3825 555"}  # Điện Biên landline

    with django_capture_on_commit_callbacks(execute=True):
        item = item_submit(**kwargs).item

    assert not Notification.objects.filter(item=item, channel=NotificationChannel.SMS).exists()
    assert sms_outbox == []
    ack = next(m for m in mail.outbox if m.to == ["pao@example.org"])
    assert "mã bí mật" in ack.body
    assert "Mặt trận" in ack.body


@pytest.mark.parametrize(
    ("number", "mobile"),
    [("0912345678", True), ("+84 386 123 456", True), ("0215 3825 555", False), ("024 3825 5555", False), ("", False)],
)
def test_mobile_numbers_by_prefix(number, mobile):
    assert is_vn_mobile(number) is mobile
