"""The provincial board opens a dashboard number down to its items (without personal data) and exports it."""

import re

import pytest
from django.urls import reverse

from feedback.models import Item, Status


def test_the_board_opens_the_overdue_number_to_its_items(client, figures_world, board_viewer):
    # given the hand-computed world: 2 items overdue now (both in commune A, see figures_world)
    client.force_login(board_viewer)
    dashboard = client.get(reverse("reports-dashboard"), {"period": "2026-H1"}).content.decode()

    # when the board follows the "overdue now" number
    link = re.search(r'<a href="(/bao-cao/danh-sach/\?[^"]*measure=overdue[^"]*)">(\d+)</a>', dashboard)
    assert link, "the overdue number is a link for the board"
    page = client.get(link.group(1).replace("&amp;", "&"))

    # then it lists the same 2 items, each row a link to a read-only page without the submitter
    assert link.group(2) == "2"
    assert page.context["page"].paginator.count == 2
    html = page.content.decode()
    rows = re.findall(r'<a href="(/bao-cao/y-kien/\d+/)">', html)
    assert len(rows) == 2
    detail = client.get(rows[0])
    assert detail.status_code == 200
    item = Item.objects.get(pk=int(rows[0].rstrip("/").rsplit("/", 1)[1]))
    assert item.tracking_code in detail.content.decode()
    assert item.submitter_name
    assert item.submitter_name not in detail.content.decode()


def test_the_board_exports_the_list_without_personal_data(client, figures_world, board_viewer):
    client.force_login(board_viewer)

    response = client.get(reverse("reports-items"), {"period": "2026", "measure": "overdue", "export": "csv"})

    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # header + the 2 overdue items
    names = set(Item.objects.exclude(submitter_name="").values_list("submitter_name", flat=True))
    assert names
    assert not any(name in text for name in names)


def test_the_board_menu_offers_report_files(client, board_viewer):
    client.force_login(board_viewer)

    html = client.get("/").content.decode()

    assert f'href="{reverse("reports-files")}"' in html


@pytest.mark.parametrize("who", ["agency_officer_a", "officer_a"])
def test_an_officer_outside_the_scope_cannot_open_the_board_page(client, figures_world, request, who, commune_b):
    item = Item.objects.filter(status=Status.FORWARDED, commune=commune_b).first()
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("reports-item", args=[item.pk]), follow=True)

    # officers are sent to their workspace page, which refuses items outside their scope
    assert response.status_code == 404 or item.tracking_code not in response.content.decode()
