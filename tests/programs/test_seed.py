"""The 13 annex rows are in the portal exactly as the resolution writes them."""

from io import StringIO

import pytest
from django.core.management import call_command

from mttq_portal.resolution import resolution_text_path
from programs.annex import HEADER, LINES
from programs.models import Milestone, Programme, ProgrammeQuantity, ProgrammeSubRow

SEED_FILE = resolution_text_path()


def _annex_lines_of_seed_file() -> tuple[list[str], list[list[str]]]:
    text = SEED_FILE.read_text(encoding="utf-8")
    annex = text[text.index("PHỤ BIỂU") :]
    lines = [line for line in annex.split("\n") if "\t" in line]
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def test_the_annex_kept_in_the_repository_is_the_seed_files_annex():
    header, lines = _annex_lines_of_seed_file()

    assert list(HEADER) == header
    assert [list(line) for line in LINES] == lines


def _rebuilt_lines() -> list[list[str]]:
    cells = ("main_activities", "lead_text", "coordinating_text", "outputs", "rhythm", "completion_text")
    lines = []
    for programme in Programme.objects.prefetch_related("sub_rows").order_by("number"):
        lines.append([str(programme.number), programme.title, *[getattr(programme, c) for c in cells]])
        for sub_row in programme.sub_rows.all():
            lines.append(["", "", *[getattr(sub_row, c) for c in cells]])
    return lines


@pytest.mark.django_db
def test_seeded_programmes_match_the_seed_file_verbatim(seeded):
    # given the reference data seeded / when the rows are rebuilt from the database / then they are the annex
    _header, lines = _annex_lines_of_seed_file()

    assert Programme.objects.count() == 13
    assert _rebuilt_lines() == lines
    assert ProgrammeSubRow.objects.filter(programme__number=7).count() == 2
    assert ProgrammeSubRow.objects.filter(programme__number=9).count() == 1
    assert Programme.objects.get(number=10).lead_text == ""
    assert Programme.objects.get(number=8).coordinating_text == "Công tác cứu trợ"


@pytest.mark.django_db
def test_named_organisations_are_linked_and_generic_ones_kept_as_text(seeded):
    p13 = Programme.objects.get(number=13)
    p10 = Programme.objects.get(number=10)

    assert [o.code for o in p13.lead_organizations.all()] == ["11-front"]
    assert {o.code for o in p13.coordinating_organizations.all()} == {
        "11-so-khoa-hoc-va-cong-nghe",
        "11-viettel",
        "11-vnpt",
    }
    assert not p10.lead_organizations.exists()
    assert p10.coordinating_text == "UBND tỉnh; các sở, ngành; UBND cấp xã"


@pytest.mark.django_db
def test_milestones_and_quantities_are_seeded_once(seeded):
    counts = (Programme.objects.count(), Milestone.objects.count(), ProgrammeQuantity.objects.count())

    call_command("seed_reference_data", stdout=StringIO())

    assert (Programme.objects.count(), Milestone.objects.count(), ProgrammeQuantity.objects.count()) == counts
    p11 = {m.label: m.due_date.isoformat() for m in Milestone.objects.filter(programme__number=11)}
    assert p11 == {"Hoàn thành sắp xếp Quý IV/2026": "2026-12-31", "báo cáo Quý I/2027": "2027-03-31"}
    p7_sub = Milestone.objects.filter(programme__number=7, sub_row__position=3).values_list("kind", "due_date")
    assert sorted((k, d.isoformat()) for k, d in p7_sub) == [
        ("final_review", "2030-12-31"),
        ("interim_review", "2028-12-31"),
    ]
    quantities = {q.code: (q.per_year_min, q.per_year_max) for q in ProgrammeQuantity.objects.all()}
    assert quantities == {
        "p4-listening-months": (2, None),
        "p5-inter-agency-conferences": (2, None),
        "p9-ethnic-religious-areas-registered": (100, None),
        "p9-propaganda-sessions": (45, 90),
        "p9-complex-cases": (100, None),
        "p10-great-unity-festival": (100, None),
    }
