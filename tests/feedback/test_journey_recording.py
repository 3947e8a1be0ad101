"""An officer records a matter heard by phone or in person: the form speaks to the officer, offers every type,
starts on the officer's commune and asks the day the matter was received."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Item
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_record_form_offers_every_type_and_starts_on_the_officers_commune(client, officer_a, commune_a):
    client.force_login(officer_a)

    response = client.get(reverse("workspace-record"))
    page = response.content.decode()

    # given the type dropdown, then it lists the kinds an officer records (a phone call, a voter's petition)
    assert '<option value="report"' in page
    assert '<option value="voter_petition"' in page
    # the commune is the officer's own, selected
    form = response.context["form"]
    assert form["commune"].value() == commune_a.id
    # the form speaks about the citizen, not to them
    assert "Bạn muốn gửi" not in page
    assert "Gửi ẩn danh" not in page
    assert "Ngày tiếp nhận" in page


def test_a_matter_heard_by_phone_last_week_is_recorded_on_that_day(client, officer_a, commune_a, rules):
    category = CategoryFactory()
    client.force_login(officer_a)
    page = client.get(reverse("workspace-record")).context["form"]
    heard = timezone.localdate() - timedelta(days=7)
    data = {
        "type": "report",
        "category": category.id,
        "commune": page["commune"].value(),
        "title": "Đèn đường hỏng",
        "content": "Cả dãy đèn đường bản Phăng hỏng từ tuần trước.",
        "channel": "phone",
        "consent_method": "verbal",
        "consent_processing": "on",
        "received_on": heard.isoformat(),
        "idempotency_key": page["idempotency_key"].value(),
    }

    response = client.post(reverse("workspace-record"), data)

    item = Item.objects.get()
    assert response.status_code == 302
    assert item.received_at.astimezone(timezone.get_current_timezone()).date() == heard
    assert item.channel == "phone"
    assert item.commune == commune_a


def test_a_received_day_in_the_future_is_refused_in_words(client, officer_a, commune_a, rules):
    category = CategoryFactory()
    client.force_login(officer_a)
    data = {
        "type": "report",
        "category": category.id,
        "commune": commune_a.id,
        "title": "x",
        "content": "y",
        "channel": "phone",
        "consent_method": "verbal",
        "consent_processing": "on",
        "received_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }

    response = client.post(reverse("workspace-record"), data)

    assert response.status_code == 200
    assert Item.objects.count() == 0
    assert "tương lai" in response.content.decode()
