"""The dashboards show the hand-computed figures, scoped to the viewer, each number linked to its list."""

import re

import pytest
from django.urls import reverse

from reports.periods import period_parse
from reports.selectors import FigureFilters, agency_table, commune_league, figures_by_month, figures_totals

H1 = FigureFilters(period=period_parse("2026-H1"))


def test_totals_equal_the_hand_computed_fixture(figures_world, province_officer):
    totals = figures_totals(user=province_officer, filters=H1)

    assert (totals["received"], totals["answered"], totals["answered_on_time"], totals["resolved"]) == (6, 3, 2, 2)
    assert (totals["due"], totals["due_answered"], totals["due_on_time"], totals["due_resolved"]) == (4, 3, 2, 2)
    assert (totals["in_progress"], totals["overdue_now"]) == (4, 2)
    assert (totals["answered_rate"], totals["on_time_rate"], totals["resolved_rate"]) == (75.0, 50.0, 50.0)


def test_trend_by_month(figures_world, province_officer):
    months = figures_by_month(user=province_officer, filters=H1)

    assert [m["month"].month for m in months] == [1, 2, 3, 4, 5, 6]
    assert [m["received"] for m in months] == [1, 1, 1, 1, 1, 1]
    assert [m["answered"] for m in months] == [1, 1, 0, 1, 0, 0]
    assert [m["resolved"] for m in months] == [0, 2, 0, 0, 0, 0]


def test_league_table_of_communes(figures_world, province_officer, commune_a, commune_b):
    rows = commune_league(user=province_officer, filters=H1)

    assert [(r["rank"], r["name"], r["on_time_rate"], r["open"], r["overdue"]) for r in rows] == [
        (1, commune_b.name, 100.0, 1, 0),
        (2, commune_a.name, 33.3, 3, 2),
    ]


def test_agency_table_with_waiting_overdue_and_median(figures_world, province_officer, agency_a, agency_b):
    rows = {r["name"]: r for r in agency_table(user=province_officer, filters=H1)}

    a, b = rows[agency_a.name], rows[agency_b.name]
    assert (a["waiting"], a["overdue"], a["answered"], a["median_days"]) == (1, 1, 2, 17.5)
    assert (b["waiting"], b["overdue"], b["answered"], b["median_days"]) == (1, 0, 1, 14.0)


def test_province_dashboard_page_shows_the_figures_and_links(client, figures_world, province_officer):
    client.force_login(province_officer)

    response = client.get(reverse("reports-dashboard"), {"period": "2026-H1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="dashboard-data"' in html
    assert "reports/dashboard.js" in html
    assert "<script>" not in html.replace('<script id="dashboard-data" type="application/json">', "")
    assert "measure=overdue" in html
    assert "measure=waiting_overdue" in html


def test_the_board_sees_figures_with_links_to_the_items_behind_them(client, figures_world, board_viewer):
    client.force_login(board_viewer)

    html = client.get(reverse("reports-dashboard"), {"period": "2026-H1"}).content.decode()

    assert "Xã Mường Phăng" in html
    assert "Xã Nà Tấu" in html
    assert "measure=overdue" in html


def test_a_commune_officer_sees_only_their_commune(client, figures_world, officer_a, commune_a, commune_b):
    client.force_login(officer_a)

    own = client.get(reverse("reports-commune-dashboard", args=[commune_a.pk]), {"period": "2026-H1"})
    other = client.get(reverse("reports-commune-dashboard", args=[commune_b.pk]), {"period": "2026-H1"})
    province = client.get(reverse("reports-dashboard"), {"period": "2026-H1"}).content.decode()

    assert own.status_code == 200
    assert other.status_code == 404
    assert "Xã Nà Tấu" not in province


@pytest.mark.parametrize("user_fixture", ["agency_officer_a", None])
def test_dashboard_refuses_who_may_not_see_aggregates(client, figures_world, request, user_fixture):
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))

    response = client.get(reverse("reports-dashboard"))

    assert response.status_code in (302, 403)


def test_a_bad_period_gives_a_vietnamese_message_not_an_error(client, figures_world, province_officer):
    client.force_login(province_officer)

    response = client.get(reverse("reports-dashboard"), {"period": "2026-H9", "commune": "x"})

    assert response.status_code == 200
    assert "Kỳ báo cáo không hợp lệ" in response.content.decode()


def test_every_number_links_to_the_list_behind_it(client, figures_world, province_officer):
    client.force_login(province_officer)
    html = client.get(reverse("reports-dashboard"), {"period": "2026-H1"}).content.decode()

    links = re.findall(r'<a href="(/bao-cao/danh-sach/\?[^"]+)">([\d.,]+)</a>', html)

    assert len(links) > 20
    for url, number in links:
        page = client.get(url.replace("&amp;", "&"))
        count = int(re.search(r"· (\d+) ", page.content.decode()).group(1))
        assert count == int(number.replace(".", "").replace(",", "")), url


def test_nav_items_for_the_board(client, board_viewer):
    client.force_login(board_viewer)

    html = client.get("/").content.decode()

    assert f'href="{reverse("reports-dashboard")}"' in html


def test_the_one_scan_gives_the_same_figures_as_separate_queries(figures_world, officer_a):
    from reports.selectors import compliance_figures, figures_grouped

    grouped = figures_grouped(user=officer_a, filters=H1)

    assert figures_totals(user=officer_a, filters=H1, grouped=grouped) == figures_totals(user=officer_a, filters=H1)
    assert figures_by_month(user=officer_a, filters=H1, grouped=grouped) == figures_by_month(user=officer_a, filters=H1)
    for group in ("category", "commune", "agency"):
        assert compliance_figures(user=officer_a, group_by=group, filters=H1, grouped=grouped) == compliance_figures(
            user=officer_a, group_by=group, filters=H1
        )
