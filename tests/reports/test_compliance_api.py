"""The compliance figures (target A1) through the API equal the hand-computed fixture."""

import csv
import io

import pytest

from organizations.tokens import api_token_issue

URL = "/api/v1/reports/compliance/"


@pytest.fixture
def province_key(province_front):
    return api_token_issue(organization=province_front, name="Tỉnh")[1]


def get(client, key, **params):
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_figures_by_commune_equal_the_hand_computed_fixture(client, figures_world, province_key, commune_a, commune_b):
    body = get(client, province_key, group_by="commune", period="2026-H1").json()

    rows = {r["key"]: r for r in body["results"]}
    a, b = rows[str(commune_a.id)], rows[str(commune_b.id)]
    assert body["period"] == {"code": "2026-H1", "start": "2026-01-01", "end": "2026-06-30"}
    assert (a["received"], a["answered"], a["answered_on_time"], a["resolved"]) == (4, 2, 1, 1)
    assert (a["due"], a["due_answered"], a["due_on_time"], a["due_resolved"]) == (3, 2, 1, 1)
    assert (a["answered_rate"], a["on_time_rate"], a["resolved_rate"]) == (66.7, 33.3, 33.3)
    assert (b["received"], b["due"], b["on_time_rate"]) == (2, 1, 100.0)


def test_figures_by_category_and_a_filter(client, figures_world, province_key):
    rows = get(client, province_key, group_by="category", period="2026-H1", channel="phone").json()["results"]

    assert [(r["name"], r["received"]) for r in rows] == [("Giao thông", 1)]


def test_figures_as_csv(client, figures_world, province_key):
    response = get(client, province_key, group_by="commune", period="2026-H1", format="csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["name"]: r["received"] for r in rows} == {"Xã Mường Phăng": "4", "Xã Nà Tấu": "2"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"group_by": "planet"}, "group_by"), ({"period": "2026-H3"}, "period"), ({"commune": "abc"}, "commune")],
)
def test_bad_parameters_get_a_clear_vietnamese_message(client, figures_world, province_key, params, field):
    response = get(client, province_key, **params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert error["message"]


def test_an_incremental_refresh_picks_up_a_new_item(client, figures_world, province_key, commune_b, categories):
    from reports.services import summary_refresh
    from tests.reports.conftest import make_item

    make_item(commune=commune_b, category=categories[0], received="2026-06-01")
    result = summary_refresh()

    rows = get(client, province_key, group_by="commune", period="2026-H1").json()["results"]
    assert result["full"] is False
    assert result["days"] >= 1
    assert {r["name"]: r["received"] for r in rows} == {"Xã Mường Phăng": 4, "Xã Nà Tấu": 3}


def test_running_the_refresh_twice_changes_nothing(figures_world):
    from reports.models import DailyItemSummary
    from reports.services import summary_refresh

    before = list(DailyItemSummary.objects.order_by("day", "commune_id", "category_id").values())
    summary_refresh()
    summary_refresh(full=True)
    after = list(DailyItemSummary.objects.order_by("day", "commune_id", "category_id").values())

    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(before) == strip(after)
