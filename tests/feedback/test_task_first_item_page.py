"""Task-first item page: the main move open and primary, refusals after and never open; the agency picker
puts the proposed agency and the officer's commune first; the due date can be set earlier (never later)
with the reason recorded; the agency does not see the Front's internal notes; the history speaks Vietnamese."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import CategoryRoute, EventKind, Item, ItemEvent, Status
from feedback.selectors.public import item_public_timeline
from tests.factories import ItemFactory
from tests.feedback.workflow_fixtures import answer_rule, item_in

pytestmark = pytest.mark.django_db


def _moves(html):
    """(move, open, button class) in page order."""
    found = re.findall(
        r'<details class="border rounded p-2 mb-2[^"]*"( open)?>\s*<summary[^>]*>[^<]*</summary>\s*'
        r'<form method="post" action="/can-bo/viec/\d+/buoc/([a-z_]+)/".*?<button class="btn ([a-z-]+)"',
        html,
        re.S,
    )
    return [(move, bool(opened), button) for opened, move, button in found]


def test_after_accepting_the_open_move_is_forward_not_reject(client, officer_a, commune_a, agency_a):
    item = item_in(Status.ACCEPTED, commune=commune_a, agency=agency_a)
    client.force_login(officer_a)

    moves = _moves(client.get(reverse("workspace-item", args=[item.id])).content.decode())

    assert moves[0] == ("forward", True, "btn-primary")
    refusals = [m for m in moves if m[0] in ("reject", "merge", "withdraw")]
    assert refusals
    assert all(not opened and button == "btn-outline-danger" for _m, opened, button in refusals)
    assert [m[0] for m in moves].index("reject") > [m[0] for m in moves].index("forward")


def test_for_the_agency_the_answer_is_open_and_the_return_secondary(client, agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    client.force_login(agency_officer_a)

    moves = _moves(client.get(reverse("workspace-item", args=[item.id])).content.decode())

    assert moves == [("answer", True, "btn-primary"), ("return", False, "btn-outline-danger")]


def test_closing_as_resolved_comes_before_sending_back(client, officer_a, commune_a, agency_a):
    item = item_in(Status.ANSWERED, commune=commune_a, agency=agency_a)
    client.force_login(officer_a)

    moves = _moves(client.get(reverse("workspace-item", args=[item.id])).content.decode())

    assert moves[0] == ("resolve", True, "btn-primary")


def test_the_picker_proposes_the_default_agency_and_lists_the_commune_first(
    client, officer_a, commune_a, commune_b, agency_a, agency_b, province
):
    from organizations.models import Level, OrganizationKind
    from tests.factories import OrganizationFactory

    department = OrganizationFactory(
        kind=OrganizationKind.DEPARTMENT, level=Level.PROVINCE, unit=province, name="Sở Xây dựng"
    )
    item = ItemFactory(commune=commune_a)
    CategoryRoute.objects.create(category=item.category, commune=None, agency=department)
    client.force_login(officer_a)

    html = client.get(reverse("workspace-item", args=[item.id])).content.decode()
    select = re.search(r'<select class="form-select mb-2" id="forward-agency".*?</select>', html, re.S).group(0)

    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)
    assert names == ["Sở Xây dựng", "Ủy ban nhân dân xã Mường Phăng", "Ủy ban nhân dân xã Nà Tấu"]
    assert re.search(rf'<option value="{department.id}" selected>', select)
    assert 'data-filter-select="forward-agency"' in html


def test_the_queue_filter_and_the_bulk_forward_use_different_names(client, officer_a, commune_a, agency_a, rules):
    items = [ItemFactory(commune=commune_a) for _ in range(2)]
    client.force_login(officer_a)

    html = client.get(reverse("workspace-queue")).content.decode()
    client.post(reverse("workspace-bulk-forward"), {"items": [i.id for i in items], "forward_agency": agency_a.id})

    assert 'id="f-agency" class="form-select" name="agency"' in html
    assert 'id="b-agency" class="form-select" name="forward_agency"' in html
    assert Item.objects.filter(status=Status.FORWARDED, current_agency=agency_a).count() == 2


def test_an_earlier_due_date_is_kept_with_its_reason_and_a_later_one_refused(
    client, officer_a, commune_a, agency_a, rules
):
    answer_rule()
    item = ItemFactory(commune=commune_a)
    client.force_login(officer_a)
    url = reverse("workspace-item-move", args=[item.id, "forward"])
    later = timezone.localdate() + timedelta(days=400)
    earlier = timezone.localdate() + timedelta(days=3)

    refused = client.post(
        url, {"agency": agency_a.id, "due_date": later.strftime("%d/%m/%Y"), "due_reason": "x"}, follow=True
    )
    no_reason = client.post(url, {"agency": agency_a.id, "due_date": earlier.strftime("%d/%m/%Y")}, follow=True)
    client.post(
        url, {"agency": agency_a.id, "due_date": earlier.strftime("%d/%m/%Y"), "due_reason": "Trước mùa mưa lũ"}
    )

    assert "không thể muộn hơn" in refused.content.decode()
    assert "lý do" in no_reason.content.decode().lower()
    item.refresh_from_db()
    assert item.status == Status.FORWARDED
    assert item.due_date == earlier
    event = ItemEvent.objects.get(item=item, data__move="forward")
    assert event.data["due_reason"] == "Trước mùa mưa lũ"
    assert event.data["rule_due_date"] > earlier.isoformat()
    step = next(s for s in item_public_timeline(item=item) if s.agency)
    assert step.due_date == earlier
    assert "Trước mùa mưa lũ" in step.due_reason


def test_the_agency_does_not_see_the_fronts_internal_notes(client, agency_officer_a, officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    ItemEvent.objects.create(item=item, kind=EventKind.NOTE, actor=officer_a, note="Chỉ Mặt trận biết XYZ")
    ItemEvent.objects.create(item=item, kind=EventKind.NOTE, actor_label="citizen", note="x")
    client.force_login(agency_officer_a)

    html = client.get(reverse("workspace-item", args=[item.id])).content.decode()

    assert "Chỉ Mặt trận biết XYZ" not in html
    assert "Ghi chú nội bộ" not in html
    assert "nội bộ" not in html


def test_the_history_names_the_citizen_in_vietnamese(client, officer_a, commune_a, agency_a):
    item = item_in(Status.RESOLVED, commune=commune_a, agency=agency_a)
    ItemEvent.objects.create(item=item, kind=EventKind.RATED, actor_label="citizen", note="Tốt")
    client.force_login(officer_a)

    html = client.get(reverse("workspace-item", args=[item.id])).content.decode()

    assert "· citizen" not in html
    assert "người dân" in html
