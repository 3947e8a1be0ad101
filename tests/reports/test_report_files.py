"""Report files: the same hand-computed figures, in the administrative layout, as Word, Excel and print."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from feedback.models import Campaign, Item
from reports.documents import NATIONAL_MOTTO, NATIONAL_NAME, report_build
from reports.models import ExportLog
from reports.services import summary_refresh

URL = "/bao-cao/tep/tai/"


def test_half_year_report_figures_equal_the_fixture(figures_world, province_officer, province_front, commune_a):
    report = report_build(user=province_officer, kind="half", period_code="2026-H1")

    assert report.issuer_parent == ["ỦY BAN MTTQ VIỆT NAM", "TỈNH ĐIỆN BIÊN"]
    assert report.place_and_date == "Điện Biên, ngày 15 tháng 07 năm 2026"
    t = report.totals
    assert (t["received"], t["answered"], t["answered_on_time"], t["resolved"], t["due"]) == (6, 3, 2, 2, 4)
    by_commune = {r["name"]: r for r in report.by_commune}
    assert (by_commune[commune_a.name]["received"], by_commune[commune_a.name]["on_time_rate"]) == (4, 33.3)
    assert {r["name"]: r["received"] for r in report.by_category} == {"Đất đai": 3, "Giao thông": 3}


def test_a_commune_officer_reports_for_their_commune(figures_world, officer_a, commune_a):
    report = report_build(user=officer_a, kind="year", period_code="2026")

    assert report.issuer_parent == ["ỦY BAN MTTQ VIỆT NAM", "XÃ MƯỜNG PHĂNG"]
    assert [r["name"] for r in report.by_commune] == [commune_a.name]
    assert report.totals["received"] == 4


def test_word_file_has_the_national_motto_number_place_date_and_signature(client, figures_world, province_officer):
    client.force_login(province_officer)

    response = client.get(URL, {"kind": "half", "period": "2026-H1", "format": "docx"})

    doc = Document(io.BytesIO(response.content))
    header = [p.text for cell in doc.tables[0].rows[0].cells for p in cell.paragraphs]
    body = [p.text for p in doc.paragraphs]
    signature = [p.text for cell in doc.tables[-1].rows[0].cells for p in cell.paragraphs]
    assert NATIONAL_NAME in header
    assert NATIONAL_MOTTO in header
    assert any(t.startswith("Số:") for t in header)
    assert "Điện Biên, ngày 15 tháng 07 năm 2026" in header
    assert "BÁO CÁO" in body
    assert any("đã tiếp nhận 6 ý kiến" in t for t in body)
    assert "TM. BAN THƯỜNG TRỰC" in signature
    assert "Nơi nhận:" in signature
    category_table = doc.tables[1]
    assert [c.text for c in category_table.rows[1].cells][:3] == ["1", "Đất đai", "3"]
    assert ExportLog.objects.get().kind == "report_docx"


def test_excel_file_has_the_same_layout_and_figures(client, figures_world, province_officer):
    client.force_login(province_officer)

    response = client.get(URL, {"kind": "year", "period": "2026", "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert NATIONAL_NAME in cells
    assert NATIONAL_MOTTO in cells
    assert "TM. BAN THƯỜNG TRỰC" in cells
    assert any(isinstance(v, str) and "đã tiếp nhận 7 ý kiến" in v for v in cells)


def test_printable_page(client, figures_world, province_officer):
    client.force_login(province_officer)

    html = client.get(URL, {"kind": "half", "period": "2026-H1", "format": "print"}).content.decode()

    assert NATIONAL_MOTTO in html
    assert "reports/print.css" in html
    assert "Đất đai" in html
    assert "33,3%" in html


def test_listening_month_consolidated_report(figures_world, province_officer, province_front, province):
    campaign = Campaign.objects.create(
        name="Tháng nghe dân nói năm 2026",
        organization=province_front,
        unit=province,
        starts_on="2026-02-01",
        ends_on="2026-03-31",
    )
    Item.objects.filter(pk__in=[figures_world["i1"].pk, figures_world["i2"].pk]).update(campaign=campaign)
    summary_refresh(full=True)

    report = report_build(user=province_officer, kind="campaign", campaign_id=campaign.pk)

    assert report.title == "BÁO CÁO TỔNG HỢP"
    assert "Tháng nghe dân nói năm 2026" in report.subtitle
    assert (report.totals["received"], report.totals["answered"], report.totals["resolved"]) == (2, 2, 1)


@pytest.mark.parametrize(
    "params", [{"kind": "half", "period": "2026"}, {"kind": "campaign", "campaign": "x"}, {"kind": "weekly"}]
)
def test_bad_choices_come_back_with_a_message(client, figures_world, province_officer, params):
    client.force_login(province_officer)

    response = client.get(URL, {**params, "format": "docx"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("reports-files")


def test_agency_officers_cannot_download_reports(client, figures_world, agency_officer_a):
    client.force_login(agency_officer_a)

    assert client.get(URL, {"kind": "year", "period": "2026", "format": "docx"}).status_code == 403


def test_the_demo_hook_fills_the_summaries(figures_world):
    import random
    from io import StringIO

    from django.apps import apps

    from reports.models import DailyItemSummary

    DailyItemSummary.objects.all().delete()
    out = StringIO()

    apps.get_app_config("reports").generate_demo_data(rng=random.Random(1), stdout=out, scale=10)

    assert DailyItemSummary.objects.exists()
    assert "summaries" in out.getvalue()
