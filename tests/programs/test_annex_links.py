"""Every organisation the annex names is linked to its row and sub-row; "các cấp" is the province's body and
each commune's counterpart. Counts by hand for Điện Biên: 45 communes; 13 provincial departments (the 16
rows of the departments' list minus the 3 utilities; the police is a sector body now)."""

from io import StringIO

import pytest
from django.core.management import call_command

from organizations.models import OrganizationKind
from programs.models import Programme, ProgrammeSubRow

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded_annex(db):
    call_command("seed_reference_data", stdout=StringIO())


def _kinds(qs):
    counts: dict[str, int] = {}
    for kind in qs.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_row_1_cac_cap_uy_dang_is_every_party_committee(seeded_annex):
    # "Các cấp ủy đảng": the provincial party committee and the 45 commune party committees
    row = Programme.objects.get(number=1)
    assert _kinds(row.lead_organizations.all()) == {OrganizationKind.PARTY_COMMITTEE: 46}
    # coordinating "UBND, HĐND": every level too (1 + 45 each)
    coordinating = _kinds(row.coordinating_organizations.all())
    assert coordinating[OrganizationKind.PEOPLES_COMMITTEE] == 46
    assert coordinating[OrganizationKind.PEOPLES_COUNCIL] == 46


def test_rows_9_and_10_link_departments_and_commune_committees(seeded_annex):
    # row 10: "UBND tỉnh; các sở, ngành; UBND cấp xã" = 1 + 13 + 45
    row10 = Programme.objects.get(number=10)
    assert _kinds(row10.coordinating_organizations.all()) == {
        OrganizationKind.PEOPLES_COMMITTEE: 46,
        OrganizationKind.DEPARTMENT: 13,
    }
    # row 9: "Phối hợp với các Sở ban ngành, phường, xã" = 13 departments + 45 commune committees
    row9 = Programme.objects.get(number=9)
    assert _kinds(row9.coordinating_organizations.all()) == {
        OrganizationKind.DEPARTMENT: 13,
        OrganizationKind.PEOPLES_COMMITTEE: 45,
    }


def test_row_7_sub_rows_have_their_own_organisations(seeded_annex):
    sub_row = ProgrammeSubRow.objects.get(programme__number=7, position=2)
    # lead: the provincial Front and the 5 socio-political organisations
    assert _kinds(sub_row.lead_organizations.all()) == {
        OrganizationKind.FRONT_COMMITTEE: 1,
        OrganizationKind.TRADE_UNION: 1,
        OrganizationKind.FARMERS_UNION: 1,
        OrganizationKind.YOUTH_UNION: 1,
        OrganizationKind.WOMENS_UNION: 1,
        OrganizationKind.VETERANS: 1,
    }
    # coordinating: "Sở Nông nghiệp và Môi trường; UBND cấp xã" = 1 department + 45 commune committees
    assert _kinds(sub_row.coordinating_organizations.all()) == {
        OrganizationKind.DEPARTMENT: 1,
        OrganizationKind.PEOPLES_COMMITTEE: 45,
    }


def test_row_6_coordinates_with_every_body_including_sector_bodies(seeded_annex):
    # "Cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị"
    kinds = _kinds(Programme.objects.get(number=6).coordinating_organizations.all())
    assert kinds[OrganizationKind.SECTOR_BODY] == 7
    assert kinds[OrganizationKind.DEPARTMENT] == 13


def test_linking_twice_adds_nothing(seeded_annex):
    before = Programme.objects.get(number=1).lead_organizations.count()
    call_command("seed_reference_data", stdout=StringIO())
    assert Programme.objects.get(number=1).lead_organizations.count() == before
