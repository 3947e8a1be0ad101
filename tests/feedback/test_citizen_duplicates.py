"""Before sending, the citizen sees that the matter was already reported and may join it ("tôi cũng gặp việc
này"), counted on the item; files chosen are kept across a failed attempt."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import EventKind, Item, ItemEvent, ItemSupport
from feedback.services.intake import item_submit
from tests.feedback.files import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(submit_kwargs):
    return item_submit(
        **submit_kwargs | {"title": "Ổ gà lớn trước cổng trường tiểu học Lò Văn Páo"},
        consent_publish=True,
        submitter_name="Lò Văn Páo",
    ).item


@pytest.fixture
def form(submit_kwargs):
    return {
        "type": "report",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "Ổ gà lớn trước cổng trường tiểu học",
        "content": "Ổ gà sâu, con tôi bị ngã.",
        "consent_processing": "on",
        "consent_contact": "on",
        "submitter_email": "mai@example.vn",
        "idempotency_key": "dup-form-key-0123456789",
    }


def _photo():
    return SimpleUploadedFile("anh.jpg", jpeg_with_gps(), content_type="image/jpeg")


def test_the_citizen_sees_the_matter_already_reported_before_sending(client, existing, form):
    response = client.post(reverse("feedback-submit"), {**form, "attachments": _photo()})

    html = response.content.decode()
    assert response.status_code == 200
    assert Item.objects.count() == 1
    assert "Đã có người phản ánh việc này" in html
    assert "Tôi cũng gặp việc này" in html
    assert "Ổ gà lớn trước cổng trường tiểu học [" in html  # the cleaned summary, without the name
    assert "Lò Văn Páo" not in html
    # the photo is kept for the next attempt
    assert 'name="held_files"' in html
    assert "anh.jpg" in html


def test_joining_counts_the_citizen_on_the_item(client, existing, form):
    first = client.post(reverse("feedback-submit"), {**form, "attachments": _photo()}).content.decode()

    response = client.post(
        reverse("feedback-support"),
        {"item": existing.id, "submitter_email": "mai@example.vn", "consent_contact": "on"},
    )

    existing.refresh_from_db()
    assert response.status_code == 200
    assert "1 người dân khác" in response.content.decode()
    assert existing.support_count == 1
    assert Item.objects.count() == 1
    support = ItemSupport.objects.get()
    assert support.submitter_email == "mai@example.vn"
    assert support.consent_contact
    assert ItemEvent.objects.filter(item=existing, kind=EventKind.SUPPORTED).count() == 1
    assert 'name="held_files"' in first


def test_sending_anyway_keeps_the_photo_without_choosing_it_again(client, existing, form):
    first = client.post(reverse("feedback-submit"), {**form, "attachments": _photo()}).content.decode()
    token = first.split('name="held_files" value="', 1)[1].split('"', 1)[0]

    response = client.post(reverse("feedback-submit"), {**form, "confirm_new": "1", "held_files": token})

    assert response.status_code == 200
    assert "tracking-code" in response.content.decode()
    item = Item.objects.exclude(pk=existing.pk).get()
    assert item.attachments.count() == 1
    assert item.attachments.get().original_name == "anh.jpg"


def test_a_correction_keeps_the_photo_too(client, submit_kwargs, form):
    broken = {**form, "title": ""}

    first = client.post(reverse("feedback-submit"), {**broken, "attachments": _photo()}).content.decode()
    token = first.split('name="held_files" value="', 1)[1].split('"', 1)[0]
    client.post(reverse("feedback-submit"), {**form, "held_files": token})

    assert Item.objects.get().attachments.count() == 1


def test_a_private_or_closed_item_is_not_offered_and_cannot_be_joined(client, submit_kwargs, form):
    private = item_submit(**submit_kwargs | {"title": "Ổ gà lớn trước cổng trường tiểu học"}).item

    response = client.post(reverse("feedback-submit"), form)
    joined = client.post(reverse("feedback-support"), {"item": private.id})

    assert "tracking-code" in response.content.decode()  # sent directly: nothing public to show
    assert joined.status_code == 409
    assert ItemSupport.objects.count() == 0


def test_abandoned_held_files_are_swept_after_a_day(client, submit_kwargs, form, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from feedback import held_uploads

    first = client.post(reverse("feedback-submit"), {**form, "title": "", "attachments": _photo()}).content.decode()
    token = first.split('name="held_files" value="', 1)[1].split('"', 1)[0]
    assert held_uploads.held_uploads_sweep() == 0  # still fresh
    assert held_uploads.held_names(token)

    later = timezone.now() + timedelta(hours=held_uploads.HELD_UPLOAD_HOURS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    swept = held_uploads.held_uploads_sweep()

    assert swept == 1
    assert held_uploads.held_names(token) == []
