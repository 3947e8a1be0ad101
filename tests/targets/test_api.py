"""The targets API: lists with filters and cursor pagination, the report use cases, the schema."""

from datetime import date

import pytest
import time_machine

from targets.models import Dimension, Indicator, IndicatorValue, Period, ReportStatus, ValueStatus
from targets.services.rollup import rollup_compliance
from tests.factories import CommuneFactory

from .test_reports import pdf, submit


@pytest.fixture(autouse=True)
def _mid_2026():
    with time_machine.travel(date(2026, 7, 1), tick=False):
        yield


@pytest.mark.django_db
def test_targets_list_has_the_eleven_targets_with_indicators(client, targets_seeded, board_viewer):
    client.force_login(board_viewer)
    body = client.get("/api/v1/targets/?page_size=20").json()

    assert [t["code"] for t in body["results"]] == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "T1", "T2", "T3", "T4"]
    a3 = body["results"][2]
    assert [i["threshold_label"] for i in a3["indicators"]] == ["= 100%", "> 90%", "≥ 20%"]


@pytest.mark.django_db
def test_values_filter_by_period_unit_status(client, targets_seeded, province_officer, province, commune_a, commune_b):
    rollup_compliance(year=2026, as_of=date(2026, 7, 1))
    client.force_login(province_officer)

    body = client.get(f"/api/v1/indicator-values/?period=2026&indicator=A1.1&unit={commune_a.id}").json()
    assert [(r["dimension"], r["unit"]) for r in body["results"]] == [("commune", commune_a.id)]
    no_data = client.get("/api/v1/indicator-values/?period=2026-Q1&status=no_data&page_size=200").json()
    assert no_data["results"]
    assert {r["status"] for r in no_data["results"]} == {"no_data"}
    bad = client.get("/api/v1/indicator-values/?status=tot")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_values_are_refused_to_someone_without_a_role(client, targets_seeded):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/api/v1/indicator-values/").json()["results"] == []
    assert client.get("/api/v1/targets/").json()["results"] == []


@pytest.mark.django_db
def test_report_use_cases_through_the_api(client, targets_seeded, officer_a, front_a, province_officer):
    client.force_login(officer_a)
    created = client.post(
        "/api/v1/target-reports/submit/",
        {
            "indicator": "A3.1",
            "period": "2026",
            "organization": front_a.id,
            "numerator": 8,
            "denominator": 9,
            "evidence": [pdf()],
        },
    )
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    refused = client.post(f"/api/v1/target-reports/{report_id}/approve/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_approver"
    too_many = client.post(
        "/api/v1/target-reports/submit/",
        {"indicator": "A3.1", "period": "2026", "organization": front_a.id, "numerator": 10, "denominator": 9},
    )
    assert too_many.status_code == 400
    assert too_many.json()["error"]["message"] == "Tử số (10) không được lớn hơn mẫu số (9)."

    client.force_login(province_officer)
    approved = client.post(f"/api/v1/target-reports/{report_id}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == ReportStatus.APPROVED


@pytest.mark.django_db
def test_openapi_schema_has_the_targets_endpoints(client, board_viewer):
    client.force_login(board_viewer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/targets/", "/api/v1/indicator-values/", "/api/v1/target-reports/submit/"):
        assert path in schema["paths"]


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.django_db
def test_values_list_query_count(
    client, targets_seeded, province_officer, province, rows, django_assert_max_num_queries
):
    indicator, period = Indicator.objects.get(code="A5.1"), Period.objects.get(code="2026")
    communes = [CommuneFactory(parent=province) for _ in range(rows)]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            period=period,
            dimension=Dimension.COMMUNE,
            key=c.id,
            unit=c,
            numerator=0,
            denominator=1,
            value=0,
            status=ValueStatus.AT_RISK,
            origin="computed",
            computed_at="2026-07-01T00:00:00+07:00",
        )
        for c in communes
    )
    client.force_login(province_officer)

    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/indicator-values/?page_size=50").json()
    assert len(body["results"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.django_db
def test_reports_list_query_count(
    client, targets_seeded, province_officer, province, rows, django_assert_max_num_queries
):
    from organizations.models import Level, OrganizationKind
    from tests.factories import OrganizationFactory

    indicator = Indicator.objects.get(code="A3.1")
    for _ in range(rows):
        org = OrganizationFactory(
            kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=CommuneFactory(parent=province)
        )
        submit(province_officer, org, indicator)
    client.force_login(province_officer)

    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/target-reports/?page_size=50").json()
    assert len(body["results"]) == rows
