"""Items for other systems: scoped through the items selector, no personal data, token rights respected."""

import csv
import io

import pytest

from organizations.models import ApiTokenScope
from organizations.tokens import api_token_issue

URL = "/api/v1/reports/items/"


def get(client, key, **params):
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_commune_token_reads_its_commune_items_without_personal_data(client, figures_world, front_a):
    _t, key = api_token_issue(organization=front_a, name="Xã", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS])

    body = get(client, key).json()

    codes = {r["tracking_code"] for r in body["results"]}
    assert codes == {figures_world[k].tracking_code for k in ("i1", "i2", "i3", "i4")}
    assert "Lò Văn Bình" not in str(body)
    assert "0912345678" not in str(body)
    assert "submitter_name" not in body["results"][0]


def test_a_figures_only_token_may_not_read_items(client, figures_world, front_a):
    _t, key = api_token_issue(organization=front_a, name="Xã", scopes=[ApiTokenScope.FIGURES])

    response = get(client, key)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_scope"


def test_an_agency_token_reads_only_items_forwarded_to_it(client, figures_world, agency_b):
    _t, key = api_token_issue(organization=agency_b, name="UBND", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS])

    codes = {r["tracking_code"] for r in get(client, key).json()["results"]}

    assert codes == {figures_world["i5"].tracking_code, figures_world["i7"].tracking_code}


def test_filters_cursor_pagination_and_csv(client, figures_world, province_front):
    _t, key = api_token_issue(
        organization=province_front, name="Tỉnh", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS]
    )

    first = get(client, key, page_size=2).json()
    second = client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {key}").json()
    forwarded = get(client, key, status="forwarded").json()["results"]
    response = get(client, key, format="csv", received_after="2026-07-01")

    assert len(first["results"]) == 2
    assert len(second["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert {r["tracking_code"] for r in forwarded} == {figures_world[k].tracking_code for k in ("i3", "i7")}
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["tracking_code"] for r in rows] == [figures_world["i7"].tracking_code]


def test_a_token_reads_the_programmes_api_too(client, db, province_front):
    _t, key = api_token_issue(organization=province_front, name="Tỉnh")

    assert client.get("/api/v1/programmes/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_item_list_query_count(
    client, clock, commune_a, categories, province_front, rows, django_assert_max_num_queries
):
    from tests.reports.conftest import make_item

    for n in range(rows):
        make_item(commune=commune_a, category=categories[n % 2], received="2026-03-01")
    _t, key = api_token_issue(
        organization=province_front, name="Tỉnh", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS]
    )

    # The token (1), its last use (2) and the once-a-minute token-use row of the security log (3), the page (4)
    # and its count-free cursor (5): flat in the number of rows.
    with django_assert_max_num_queries(5):
        body = get(client, key, page_size=50).json()

    assert len(body["results"]) == rows


@pytest.mark.django_db
def test_the_no_personal_data_scope_gets_no_free_text(client, front_a, commune_a):
    # Given an item whose citizen wrote their name in the title and the content
    from tests.factories import ItemFactory

    ItemFactory(commune=commune_a, title="Tôi là Lò Văn Páo tố cáo", content="Tôi là Lò Văn Páo, số 0912345678")
    _t, key = api_token_issue(organization=front_a, name="Xã", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS])

    body = client.get("/api/v1/reports/items/", HTTP_AUTHORIZATION=f"Bearer {key}").json()

    assert len(body["results"]) == 1
    assert "Páo" not in str(body)
    assert "0912345678" not in str(body)
    assert "title" not in body["results"][0]
    assert "content" not in body["results"][0]
