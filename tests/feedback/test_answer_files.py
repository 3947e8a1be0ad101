"""Files attached to the agency's answer reach the citizen once the Front makes them public."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Attachment, EventKind, ItemEvent
from feedback.services import workflow as wf
from feedback.services.intake import item_submit
from tests.factories import CategoryFactory
from tests.feedback.files import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_with_file(rules, commune_a, officer_a, agency_a, agency_officer_a):
    result = item_submit(
        type="report",
        category_id=CategoryFactory().id,
        commune_id=commune_a.id,
        title="Ổ gà",
        content="Ổ gà trước cổng trường.",
        channel="web",
        privacy_notice_version="2026-01",
        consent_method="online_form",
        attachments=[SimpleUploadedFile("anh-cua-dan.png", png_bytes(), content_type="image/png")],
    )
    item = result.item
    wf.item_accept_and_forward(user=officer_a, item_id=item.id, agency_id=agency_a.id)
    wf.item_answer(
        user=agency_officer_a,
        item_id=item.id,
        answer="Đã vá.",
        attachments=[SimpleUploadedFile("bien-ban-nghiem-thu.png", png_bytes(), content_type="image/png")],
    )
    wf.item_close(user=officer_a, item_id=item.id, result="resolve", public_answer="Đã vá xong.")
    return item, result.secret


def test_the_front_publishes_an_answer_file_and_the_citizen_downloads_it(client, answered_with_file, officer_a):
    item, secret = answered_with_file
    answer_file = Attachment.objects.get(original_name="bien-ban-nghiem-thu.png")
    client.force_login(officer_a)

    # given the officer's item page, the answer's file is offered, the citizen's own upload is not
    page = client.get(reverse("workspace-item", args=[item.id])).content.decode()
    assert f'name="public" value="{answer_file.id}"' in page
    citizen_file = Attachment.objects.get(original_name="anh-cua-dan.png")
    assert f'name="public" value="{citizen_file.id}"' not in page

    # when the Front ticks it
    client.post(reverse("workspace-answer-files", args=[item.id]), {"public": [answer_file.id]})
    client.logout()

    # then the citizen sees the file with the answer and can open it
    html = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()
    link = re.search(rf'href="(/tep/{answer_file.id}/\?t=[^"]+)"', html)
    assert link
    assert "bien-ban-nghiem-thu.png" in html
    assert "anh-cua-dan.png" not in html
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200
    assert ItemEvent.objects.filter(item=item, kind=EventKind.ATTACHMENT).count() == 1


def test_a_citizens_upload_cannot_be_made_public_and_agencies_cannot_choose(
    client, answered_with_file, officer_a, agency_officer_a
):
    item, _secret = answered_with_file
    citizen_file = Attachment.objects.get(original_name="anh-cua-dan.png")
    client.force_login(officer_a)

    refused = client.post(reverse("workspace-answer-files", args=[item.id]), {"public": [citizen_file.id]}, follow=True)

    assert "Chỉ tệp kèm theo câu trả lời" in refused.content.decode()
    client.force_login(agency_officer_a)
    client.post(reverse("workspace-answer-files", args=[item.id]), {"public": [citizen_file.id]})
    assert not Attachment.objects.filter(is_public=True).exists()


def test_the_citizens_pin_is_shown_to_the_front_and_the_agency(
    client, commune_a, agency_a, officer_a, agency_officer_a
):
    from tests.feedback.workflow_fixtures import item_in

    item = item_in("forwarded", commune=commune_a, agency=agency_a, latitude="21.386700", longitude="103.023000")
    for user in (officer_a, agency_officer_a):
        client.force_login(user)
        page = client.get(reverse("workspace-item", args=[item.id])).content.decode()
        assert "21.386700, 103.023000" in page
        assert 'data-lat="21.386700"' in page
