"""The citizen's timeline: every public step with its date, the agency by name, each due date and why it
changed; one stable signed link per item that works without the secret in it."""

import pytest
from django.utils import timezone

from feedback.selectors.public import item_link_token
from feedback.services import workflow as wf
from feedback.services.intake import item_submit
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(rules, commune_a, officer_a, agency_a, agency_officer_a):
    """Submitted, accepted and forwarded to agency A, extended at its request, answered and closed."""
    result = item_submit(
        type="report",
        category_id=CategoryFactory().id,
        commune_id=commune_a.id,
        title="Ổ gà lớn trước cổng trường",
        content="Ổ gà sâu, học sinh đi xe đạp bị ngã.",
        channel="web",
        privacy_notice_version="2026-01",
        consent_method="online_form",
        submitter_name="Lò Thị Mai",
    )
    item = result.item
    wf.item_accept_and_forward(user=officer_a, item_id=item.id, agency_id=agency_a.id, note="Ghi chú nội bộ XYZ")
    item.refresh_from_db()
    first_due = item.due_date
    request = wf.extension_request(
        user=agency_officer_a, item_id=item.id, reason="Cần khảo sát hiện trường", requested_days=10
    )
    wf.extension_decide(user=officer_a, request_id=request.id, grant=True)
    wf.item_answer(user=agency_officer_a, item_id=item.id, answer="Đã vá ổ gà ngày 10/4.")
    wf.item_close(user=officer_a, item_id=item.id, result="resolve", public_answer="Ổ gà đã được vá.")
    item.refresh_from_db()
    return item, result.secret, first_due, request.requested_due_date


def test_the_lookup_shows_who_handles_the_matter_and_every_due_date(client, handled, agency_a):
    item, secret, first_due, extended_due = handled

    html = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()

    # forwarded to the agency by name, with the first due date
    assert f"Đã chuyển đến {agency_a.name}" in html
    assert first_due.strftime("%d/%m/%Y") in html
    # the extension, its new date and its reason
    assert "Thời hạn được gia hạn" in html
    assert extended_due.strftime("%d/%m/%Y") in html
    assert "Cần khảo sát hiện trường" in html
    # answered by that agency, the public answer; never the internal note
    assert f"{agency_a.name} đã trả lời" in html
    assert "Ổ gà đã được vá." in html
    assert "Ghi chú nội bộ XYZ" not in html
    assert "Lò Thị Mai" not in html


def test_the_signed_link_opens_the_timeline_and_is_stable(client, handled, agency_a):
    item, _secret, _first, _ext = handled
    token = item_link_token(item.id)

    assert token == item_link_token(item.id)  # one link per item, the same in every message
    first = client.get(f"/y-kien/{token}/")
    # after the first visit the address no longer carries the token
    assert first.status_code == 302
    assert token not in first["Location"]
    page = client.get(first["Location"])
    assert page.status_code == 200
    assert f"Đã chuyển đến {agency_a.name}" in page.content.decode()


def test_the_signed_link_shows_the_matter_and_sends_to_the_lookup_to_act(client, handled):
    # Given a closed matter the citizen may still rate and dispute (a hand-made list of the three actions: the
    # rating, the dispute and the withdrawal post to these addresses with the code and the secret)
    item, secret, _first, _ext = handled
    actions = ('action="/tra-cuu/danh-gia/"', 'action="/tra-cuu/khong-dong-y/"', 'action="/tra-cuu/rut-y-kien/"')

    # When they open it from the link in a message (the link carries no secret), then the page offers no
    # form that would be refused without the secret; it sends them to the lookup instead
    page = client.get(client.get(f"/y-kien/{item_link_token(item.id)}/")["Location"]).content.decode()
    assert not [action for action in actions if action in page]
    assert f'href="/tra-cuu/?code={item.tracking_code}"' in page

    # When they look it up with the code and the secret, then the rating and the dispute are offered
    page = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()
    assert [action for action in actions if action in page] == list(actions[:2])


def test_a_tampered_or_foreign_link_opens_nothing(client, handled):
    item, _secret, _first, _ext = handled
    token = item_link_token(item.id)

    assert client.get(f"/y-kien/{token[:-2]}xx/").status_code == 404
    # the clean address without the session grant shows nothing either
    other = client.__class__()
    assert other.get(f"/y-kien/ma/{item.tracking_code}/").status_code == 404


def test_timeline_dates_are_local(handled):
    from feedback.selectors.public import item_public_timeline

    item = handled[0]
    steps = item_public_timeline(item=item)

    assert [s.at for s in steps] == sorted(s.at for s in steps)
    assert steps[0].due_date == item.triage_due_date
    assert timezone.is_aware(steps[0].at)
