"""The Excel import checks every row in one pass, and its template is filled for the officer's commune with
dropdowns and no example row that would fail."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from feedback.models import Item
from feedback.services.recording import COLUMNS
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([label for _k, label, _r in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "danh-sach.xlsx"
    return out


def _post(client, rows):
    return client.post(
        reverse("workspace-import"),
        {"file": _workbook(rows), "channel": "voter_meeting", "consent_method": "meeting_record"},
    )


def test_every_error_is_reported_in_the_first_pass(client, officer_a, commune_a, rules):
    CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    client.force_login(officer_a)
    today = timezone.localdate().strftime("%d/%m/%Y")
    # row 2 is fine; row 3 has a wrong date and type; row 4's only fault is the phone (a service rule)
    rows = [
        [today, "Xã Mường Phăng", "Kiến nghị", "Giao thông", "Đường sạt", "Nội dung", "", "Lò Văn A", "", ""],
        ["31/02/2026", "Xã Mường Phăng", "Khác", "Giao thông", "x", "y", "", "", "", ""],
        [today, "Xã Mường Phăng", "Phản ánh", "Giao thông", "Cầu hỏng", "Nội dung", "", "Lò Văn B", "123", ""],
    ]

    report = _post(client, rows).context["report"]

    assert [r.status for r in report.rows] == ["ok", "error", "error"]
    assert len(report.rows[1].messages) == 2
    assert "số điện thoại" in report.rows[2].messages[0].lower()
    assert Item.objects.count() == 0


def test_a_row_past_its_triage_date_is_imported_with_a_warning(client, officer_a, commune_a, rules):
    CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    client.force_login(officer_a)
    old = (timezone.localdate() - timedelta(days=40)).strftime("%d/%m/%Y")
    fresh = timezone.localdate().strftime("%d/%m/%Y")
    rows = [
        [old, "Xã Mường Phăng", "Kiến nghị", "Giao thông", "Đường sạt", "Nội dung", "", "", "", ""],
        [fresh, "Xã Mường Phăng", "Kiến nghị", "Giao thông", "Đèn hỏng", "Nội dung", "", "", "", ""],
    ]

    response = _post(client, rows)

    report = response.context["report"]
    assert report.imported == 2
    assert report.rows[0].warnings
    assert not report.rows[1].warnings
    assert "đã quá" in response.content.decode()


def test_the_template_is_filled_for_the_officers_commune_with_dropdowns_and_imports_cleanly(
    client, officer_a, commune_a, rules
):
    CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    client.force_login(officer_a)

    content = client.get(reverse("workspace-import-template")).content
    book = load_workbook(io.BytesIO(content))
    sheet = book["Danh sách"]

    # the commune is filled; type, category and commune have dropdowns; nothing else is filled
    assert sheet["B2"].value == "Xã Mường Phăng"
    assert sheet["I2"].number_format == "@"  # the phone column is text: Excel keeps the leading 0
    ranges = {str(dv.sqref).split(":")[0][0] for dv in sheet.data_validations.dataValidation}
    assert ranges == {"B", "C", "D"}
    assert all(sheet.cell(row=2, column=c).value is None for c in (1, 3, 4, 5, 6))

    # sent back untouched, it imports nothing and refuses nothing
    upload = io.BytesIO(content)
    upload.name = "mau.xlsx"
    report = client.post(
        reverse("workspace-import"), {"file": upload, "channel": "voter_meeting", "consent_method": "meeting_record"}
    ).context["report"]
    assert not report.file_error
    assert report.ok
    assert {r.status for r in report.rows} == {"skipped"}

    # filled on one row with dropdown values, it imports
    sheet["A2"] = timezone.localdate().strftime("%d/%m/%Y")
    sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"] = "Phản ánh", "Giao thông", "Ổ gà", "Ổ gà lớn"
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    filled.name = "mau.xlsx"
    report = client.post(
        reverse("workspace-import"), {"file": filled, "channel": "voter_meeting", "consent_method": "meeting_record"}
    ).context["report"]
    assert report.imported == 1
    assert Item.objects.get().commune == commune_a


def test_a_phone_number_excel_stored_as_a_number_gets_its_leading_zero_back(client, officer_a, commune_a, rules):
    # Given a sheet where the phone column was a number column: 0912 345 678 became 912345678, a landline
    # 0215 3826 123 became 2153826123, and a row that is only empty cells sits between them
    CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    client.force_login(officer_a)
    today = timezone.localdate().strftime("%d/%m/%Y")
    row = [today, "Xã Mường Phăng", "Phản ánh", "Giao thông", "Cầu hỏng", "Nội dung", "", "Lò Văn B"]
    rows = [[*row, 912345678, ""], [None] * 10, [*row[:4], "Đường sạt", *row[5:], 2153826123.0, ""], [*row, 1234, ""]]

    report = _post(client, rows).context["report"]

    # Then the two numbers are read as the phones they were; a number too short for one is still refused
    assert [r.status for r in report.rows] == ["ok", "skipped", "ok", "error"]
    assert "số điện thoại" in report.rows[3].messages[0].lower()
    fixed = _post(client, [rows[0], rows[2]]).context["report"]
    assert fixed.imported == 2
    assert sorted(Item.objects.values_list("submitter_phone", flat=True)) == ["+842153826123", "+84912345678"]
