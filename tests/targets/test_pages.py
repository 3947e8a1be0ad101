"""The targets pages: overview, a target's values, reporting form, approval queue; access and query counts."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.models import Dimension, Indicator, IndicatorValue, Period, Report, ReportStatus, ValueStatus
from targets.services.rollup import rollup_compliance
from tests.factories import CommuneFactory

from .test_reports import PDF, pdf, submit


@pytest.fixture(autouse=True)
def _mid_2026():
    with time_machine.travel(date(2026, 7, 1), tick=False):
        yield


@pytest.mark.django_db
def test_overview_shows_every_target_with_status_text(client, targets_seeded, province_officer, province, commune_a):
    rollup_compliance(year=2026, as_of=date(2026, 7, 1))
    client.force_login(province_officer)

    html = client.get("/chi-tieu/?nam=2026").content.decode()

    for code in ("A1", "A5", "A7", "T1", "T4"):
        assert f"/chi-tieu/{code}/" in html
    assert "Chưa có số liệu" in html or "Có nguy cơ không đạt" in html
    assert "Đến năm 2030" in html  # horizon text
    assert "Tính lại số liệu năm 2026" in html  # the on-demand button for the provincial Front


@pytest.mark.django_db
def test_target_page_lists_communes_sortable_with_links_to_the_items(
    client, targets_seeded, province_officer, province, commune_a, commune_b
):
    rollup_compliance(year=2026, as_of=date(2026, 7, 1))
    client.force_login(province_officer)

    response = client.get("/chi-tieu/A1/?nam=2026&chieu=commune&sap-xep=-gia-tri")

    html = response.content.decode()
    assert response.status_code == 200
    assert commune_a.name in html
    assert commune_b.name in html
    assert "answer_due_from=2026-01-01" in html
    assert f"commune={commune_a.id}" in html
    assert "Kiến nghị hợp pháp" in html  # the verbatim text is quoted


@pytest.mark.django_db
def test_report_form_submits_with_evidence_and_shows_vietnamese_errors(client, targets_seeded, officer_a, front_a):
    client.force_login(officer_a)
    indicator = Indicator.objects.get(code="A3.1")
    form = {
        "indicator": indicator.id,
        "organization": front_a.id,
        "period": "2026",
        "numerator": 12,
        "denominator": 10,
        "note": "",
        "evidence": pdf(),
    }

    refused = client.post("/chi-tieu/bao-cao/", form)
    assert refused.status_code == 200
    assert "Tử số (12) không được lớn hơn mẫu số (10)." in refused.content.decode()

    form.update(numerator=9, evidence=SimpleUploadedFile("bien-ban.pdf", PDF))
    accepted = client.post("/chi-tieu/bao-cao/", form)
    assert accepted.status_code == 302
    assert Report.objects.get().status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_approval_queue_is_for_the_provincial_front_only(
    client, targets_seeded, officer_a, front_a, province_officer, board_viewer
):
    report = submit(officer_a, front_a, Indicator.objects.get(code="A3.1"))
    for user in (officer_a, board_viewer):
        client.force_login(user)
        assert client.get("/chi-tieu/phe-duyet/").status_code == 403
        assert client.post(f"/chi-tieu/phe-duyet/{report.id}/", {"action": "approve"}).status_code == 403
        assert client.post("/chi-tieu/tong-hop/", {"nam": "2026"}).status_code == 403

    client.force_login(province_officer)
    assert "Tổ chức" in client.get("/chi-tieu/phe-duyet/").content.decode()
    returned = client.post(f"/chi-tieu/phe-duyet/{report.id}/", {"action": "return", "reason": ""})
    assert returned.status_code == 302  # with a message, not a 500
    client.post(f"/chi-tieu/phe-duyet/{report.id}/", {"action": "approve"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


@pytest.mark.django_db
def test_reports_and_evidence_of_another_commune_are_not_visible(client, targets_seeded, officer_a, officer_b, front_a):
    report = submit(officer_a, front_a, Indicator.objects.get(code="A3.1"))
    evidence = report.evidence.get()
    client.force_login(officer_b)

    assert client.get(f"/chi-tieu/bao-cao/{report.id}/").status_code == 404
    assert client.get(f"/chi-tieu/bao-cao/{report.id}/minh-chung/{evidence.id}/").status_code == 404
    assert str(front_a.name) not in client.get("/chi-tieu/bao-cao/").content.decode()

    client.force_login(officer_a)
    download = client.get(f"/chi-tieu/bao-cao/{report.id}/minh-chung/{evidence.id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_pages_refuse_anonymous_and_citizens(client, targets_seeded):
    for url in ("/chi-tieu/", "/chi-tieu/A1/", "/chi-tieu/bao-cao/", "/chi-tieu/phe-duyet/"):
        assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_rollup_on_demand_runs_the_task(client, targets_seeded, province_officer, province):
    client.force_login(province_officer)
    response = client.post("/chi-tieu/tong-hop/", {"nam": "2026"})
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(indicator__code="A1.1", period__code="2026").exists()


def _values(n, indicator, period, province):
    communes = [CommuneFactory(parent=province) for _ in range(n)]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            period=period,
            dimension=Dimension.COMMUNE,
            key=c.id,
            unit=c,
            numerator=1,
            denominator=2,
            value=50,
            status=ValueStatus.AT_RISK,
            origin="computed",
            computed_at="2026-07-01T00:00:00+07:00",
        )
        for c in communes
    )


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.django_db
def test_target_page_query_count(
    client, targets_seeded, province_officer, province, rows, django_assert_max_num_queries
):
    indicator = Indicator.objects.get(code="A1.1")
    _values(rows, indicator, Period.objects.get(code="2026"), province)
    client.force_login(province_officer)

    with django_assert_max_num_queries(14):
        response = client.get("/chi-tieu/A1/?nam=2026&chieu=commune")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.django_db
def test_report_list_and_queue_query_count(
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

    with django_assert_max_num_queries(14):
        assert client.get("/chi-tieu/phe-duyet/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/chi-tieu/bao-cao/").status_code == 200
