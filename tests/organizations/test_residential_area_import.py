"""Import of residential areas from a spreadsheet: all rows or none, a report per row, idempotent; the
command, the admin page, and the demo data."""

import io
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from organizations.imports import COLUMNS, residential_areas_import
from organizations.models import ResidentialArea

pytestmark = pytest.mark.django_db


def _xlsx(*rows, header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header or [label for _k, label in COLUMNS])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = (
    ("Xã Mường Phăng", "Bản Co Đứa", "Bản", "Lò Văn Páo", "có"),
    ("muong phang", "Thôn Tân Lập", "thôn", "", "không"),  # without diacritics nor "Xã"
    (None, None, None, None, None),  # an empty row is skipped
    ("Xã Nà Tấu", "Tổ dân phố 3", "tổ dân phố", "Quàng Văn Ơn", ""),
)


def test_a_good_file_creates_every_area_with_its_work_committee_head(commune_a, commune_b):
    report = residential_areas_import(data=_xlsx(*GOOD))
    assert report.ok
    assert [(r.row, r.status) for r in report.rows] == [(2, "created"), (3, "created"), (4, "skipped"), (5, "created")]
    areas = {a.name: a for a in ResidentialArea.objects.all()}
    assert set(areas) == {"Bản Co Đứa", "Thôn Tân Lập", "Tổ dân phố 3"}
    co_dua = areas["Bản Co Đứa"]
    assert (co_dua.commune, co_dua.kind, co_dua.work_committee_head, co_dua.is_ethnic_or_religious_area) == (
        commune_a,
        ResidentialArea.Kind.HAMLET,
        "Lò Văn Páo",
        True,
    )
    assert areas["Thôn Tân Lập"].kind == ResidentialArea.Kind.VILLAGE
    assert areas["Tổ dân phố 3"].commune == commune_b


def test_the_same_file_twice_changes_nothing_and_a_correction_updates(commune_a, commune_b):
    residential_areas_import(data=_xlsx(*GOOD))
    again = residential_areas_import(data=_xlsx(*GOOD))
    assert [r.status for r in again.rows] == ["unchanged", "unchanged", "skipped", "unchanged"]
    corrected = residential_areas_import(data=_xlsx(("Xã Mường Phăng", "Bản Co Đứa", "Bản", "Lò Thị Hoa", "có")))
    assert [r.status for r in corrected.rows] == ["updated"]
    assert ResidentialArea.objects.get(name="Bản Co Đứa").work_committee_head == "Lò Thị Hoa"
    assert ResidentialArea.objects.count() == 3


def test_one_wrong_row_imports_nothing_and_says_why(commune_a):
    report = residential_areas_import(
        data=_xlsx(
            ("Xã Mường Phăng", "Bản Co Đứa", "Bản", "", "có"),
            ("Xã Không Có", "Bản Nà Lốc", "Bản", "", "có"),
            ("Xã Mường Phăng", "Bản Huổi Hẹ", "làng", "", "có"),
            ("Xã Mường Phăng", "Bản Co Đứa", "Bản", "", "có"),
        )
    )
    assert not report.ok
    assert [r.status for r in report.rows] == ["created", "error", "error", "error"]
    assert "Xã Không Có" in report.rows[1].messages[0]
    assert "làng" in report.rows[2].messages[0]
    assert "2" in report.rows[3].messages[0]  # repeats row 2
    assert not ResidentialArea.objects.exists()


def test_a_file_with_other_columns_is_refused(commune_a):
    report = residential_areas_import(data=_xlsx(("a", "b"), header=["Tên", "Xã"]))
    assert report.file_error
    assert not report.rows
    assert residential_areas_import(data=b"not a spreadsheet").file_error


def test_the_command_imports_and_reports_each_row(tmp_path, commune_a, commune_b):
    path = tmp_path / "khu-dan-cu.xlsx"
    path.write_bytes(_xlsx(*GOOD))
    out = StringIO()
    call_command("import_residential_areas", str(path), "--dry-run", stdout=out)
    assert "row 2: created" in out.getvalue()
    assert not ResidentialArea.objects.exists()
    call_command("import_residential_areas", str(path), stdout=StringIO())
    assert ResidentialArea.objects.count() == 3
    path.write_bytes(_xlsx(("Xã Không Có", "Bản A", "Bản", "", "")))
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_residential_areas", str(path), stdout=StringIO())


def test_the_admin_page_imports_a_file(client, admin_user, commune_a, commune_b):
    client.force_login(admin_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.get("/quan-tri/organizations/residentialarea/nhap/")
    assert page.status_code == 200
    upload = SimpleUploadedFile("khu-dan-cu.xlsx", _xlsx(*GOOD))
    response = client.post("/quan-tri/organizations/residentialarea/nhap/", {"file": upload})
    assert response.status_code == 200
    assert ResidentialArea.objects.count() == 3
    assert "Bản Co Đứa" in response.content.decode()


def test_demo_data_creates_areas_for_every_commune():
    call_command("seed_reference_data", stdout=StringIO())
    from organizations.demo import generate_residential_areas
    from organizations.selectors import commune_list

    generate_residential_areas(rng=random.Random(1), stdout=StringIO())
    communes = commune_list().count()
    with_areas = ResidentialArea.objects.values("commune_id").distinct().count()
    assert communes == 45
    assert with_areas == 45
    # a second run adds nothing
    count = ResidentialArea.objects.count()
    generate_residential_areas(rng=random.Random(1), stdout=StringIO())
    assert ResidentialArea.objects.count() == count
