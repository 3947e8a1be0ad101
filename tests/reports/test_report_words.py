"""Report files officers recognise: Vietnamese file names, rates that are numbers in spreadsheets."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook


@pytest.mark.django_db
def test_the_half_year_report_is_named_in_vietnamese_and_its_rates_are_numbers(client, figures_world, province_officer):
    client.force_login(province_officer)

    response = client.get(reverse("reports-download"), {"kind": "half", "period": "2026-H1", "format": "xlsx"})

    assert 'filename="bao-cao-6-thang-2026-H1.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rates = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.column in (8, 9, 10) and isinstance(cell.value, int | float) and cell.number_format == "0.0%"
    ]
    assert rates, "rate cells are numbers with a percent format"
    assert all(0 <= cell.value <= 1 for cell in rates)
    assert not any(isinstance(c.value, str) and c.value.endswith("%") for row in sheet.iter_rows() for c in row)
