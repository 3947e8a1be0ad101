from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organizations.models import AdministrativeUnit, Organization, OrganizationKind, UnitKind


def _seed():
    out = StringIO()
    call_command("seed_reference_data", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_dien_bien_yields_one_province_and_45_communes():
    output = _seed()

    province = AdministrativeUnit.objects.get(code=11)
    assert province.name == "Tỉnh Điện Biên"
    assert province.parent is None
    communes = AdministrativeUnit.objects.filter(parent=province)
    assert communes.count() == 45
    assert communes.filter(kind=UnitKind.COMMUNE).count() == 42
    assert communes.filter(kind=UnitKind.WARD).count() == 3
    assert "45 communes and wards" in output


@pytest.mark.django_db
def test_seed_creates_the_organisations_of_each_level():
    _seed()

    muong_phang = AdministrativeUnit.objects.get(name="Xã Mường Phăng")
    kinds = set(Organization.objects.filter(unit=muong_phang).values_list("kind", flat=True))
    assert {
        OrganizationKind.FRONT_COMMITTEE,
        OrganizationKind.PEOPLES_COMMITTEE,
        OrganizationKind.PARTY_COMMITTEE,
        OrganizationKind.PEOPLES_INSPECTION_BOARD,
        OrganizationKind.COMMUNITY_INVESTMENT_BOARD,
    } <= kinds
    province_orgs = Organization.objects.filter(unit__code=11)
    names = set(province_orgs.values_list("name", flat=True))
    assert "Ủy ban MTTQ Việt Nam tỉnh Điện Biên" in names
    assert {"Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Viettel Điện Biên", "VNPT Điện Biên"} <= names
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in names
    assert "Đoàn Đại biểu Quốc hội tỉnh Điện Biên" in names
    for kind in ["trade_union", "farmers_union", "youth_union", "womens_union", "veterans_association"]:
        assert province_orgs.filter(kind=kind).count() == 1
    # Each commune Front committee reports to the provincial Front committee.
    assert Organization.objects.filter(kind="front_committee", level="commune", parent__unit__code=11).count() == 45


@pytest.mark.django_db
def test_seed_twice_changes_nothing():
    _seed()
    before_units = list(AdministrativeUnit.objects.order_by("id").values())
    before_orgs = list(Organization.objects.order_by("id").values())

    output = _seed()

    assert list(AdministrativeUnit.objects.order_by("id").values()) == before_units
    assert list(Organization.objects.order_by("id").values()) == before_orgs
    assert "(0 new)" in output


@pytest.mark.django_db
def test_seed_keeps_the_remote_area_flag_set_by_staff():
    _seed()
    AdministrativeUnit.objects.filter(name="Xã Mường Phăng").update(is_remote_area=True)

    _seed()

    assert AdministrativeUnit.objects.get(name="Xã Mường Phăng").is_remote_area is True


@pytest.mark.django_db
def test_seed_another_province_gives_its_own_counts(settings):
    from vietnam_provinces import Ward

    settings.PORTAL_PROVINCE_CODE = 1  # Hà Nội
    expected = sum(1 for _ in Ward.iter_by_province(1))

    _seed()

    hanoi = AdministrativeUnit.objects.get(code=1)
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.kind == UnitKind.CITY
    assert AdministrativeUnit.objects.filter(parent=hanoi).count() == expected
    assert expected > 100
    assert Organization.objects.filter(name="Ủy ban MTTQ Việt Nam thành phố Hà Nội").exists()


@pytest.mark.django_db
def test_unknown_province_code_stops_the_seed_with_a_clear_message(settings):
    settings.PORTAL_PROVINCE_CODE = 99

    with pytest.raises(CommandError, match="PORTAL_PROVINCE_CODE=99 is not a Vietnamese province code"):
        _seed()

    assert AdministrativeUnit.objects.count() == 0
