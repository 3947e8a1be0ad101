"""Task-first shell: each role lands on its work after login; the menu folds at 360 px; wide tables scroll."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("officer_a", "workspace-queue"),
        ("agency_officer_a", "workspace-inbox"),
        ("board_viewer", "reports-dashboard"),
    ],
)
def test_each_role_lands_on_its_work_after_login(client, request, who, landing):
    user = request.getfixturevalue(who)
    user.set_password(PASSWORD)
    user.save()

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(landing)


def test_a_next_address_still_wins(client, officer_a):
    officer_a.set_password(PASSWORD)
    officer_a.save()

    response = client.post(
        f"/accounts/login/?next={reverse('workspace-import')}",
        {"username": officer_a.username, "password": PASSWORD, "next": reverse("workspace-import")},
    )

    assert response["Location"] == reverse("workspace-import")


def test_the_menu_folds_behind_a_toggle_without_javascript(client, officer_a):
    client.force_login(officer_a)

    html = client.get(reverse("workspace-queue")).content.decode()

    assert 'id="nav-toggle"' in html
    assert 'for="nav-toggle"' in html
    assert 'id="main-menu"' in html
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text(encoding="utf-8")
    assert re.search(r"max-width: 767\.98px\).*?\.portal-menu \{ display: none", css, re.S)


def test_every_dashboard_table_scrolls_inside_its_box(client, province_officer):
    client.force_login(province_officer)

    html = client.get(reverse("reports-dashboard")).content.decode()

    tables = html.count("<table")
    wrapped = len(re.findall(r'<div class="table-responsive">\s*<table', html))
    assert tables
    assert tables == wrapped


def test_the_header_counts_what_is_due_today_or_overdue(client, officer_a, commune_a, agency_a):
    from datetime import timedelta

    from django.utils import timezone

    from feedback.models import Status
    from tests.feedback.workflow_fixtures import item_in

    today = timezone.localdate()
    item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, due_date=today)
    item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, due_date=today - timedelta(days=2))
    item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, due_date=today + timedelta(days=5))
    client.force_login(officer_a)

    page = client.get(reverse("workspace-queue")).content.decode()
    badge = client.get(reverse("workspace-due-today")).content.decode()

    assert reverse("workspace-due-today") in page
    assert "data-due-today>2<" in badge
    assert "đến hạn hôm nay hoặc quá hạn" in badge
