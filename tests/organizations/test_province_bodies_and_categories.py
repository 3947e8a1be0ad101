"""The province's real bodies and kinds; the corruption and officials'-conduct categories with their handling."""

from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import Category, ItemType
from feedback.selectors.items import item_get_for_user, items_for_user
from organizations.models import AGENCY_KINDS, Organization, OrganizationKind
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_reference_data", stdout=StringIO())


def test_sector_bodies_are_seeded_with_their_kind_and_answer_items():
    _seed()
    bodies = dict(Organization.objects.filter(kind=OrganizationKind.SECTOR_BODY).values_list("name", "parent_id"))
    # the six bodies the province lacked, and the police, which is not a department of the People's Committee
    assert set(bodies) == {
        "Công an tỉnh",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "Tòa án nhân dân tỉnh",
        "Viện kiểm sát nhân dân tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Ngân hàng Chính sách xã hội chi nhánh tỉnh",
    }
    assert set(bodies.values()) == {None}
    assert OrganizationKind.SECTOR_BODY in AGENCY_KINDS
    assert not Organization.objects.filter(name="Công an tỉnh", kind=OrganizationKind.DEPARTMENT).exists()


def test_the_provincial_fronts_departments_hang_under_the_front_committee():
    _seed()
    front = Organization.objects.get(code="11-front")
    departments = Organization.objects.filter(kind=OrganizationKind.FRONT_DEPARTMENT)
    assert departments.count() == 6
    assert set(departments.values_list("parent_id", flat=True)) == {front.id}
    assert departments.filter(name__startswith="Ban Dân chủ - Pháp luật").exists()


def test_seeding_twice_changes_nothing():
    _seed()
    before = sorted(Organization.objects.values_list("code", "name", "kind", "parent_id"))
    categories = sorted(Category.objects.values_list("code", "name_vi", "protects_identity"))
    _seed()
    assert sorted(Organization.objects.values_list("code", "name", "kind", "parent_id")) == before
    assert sorted(Category.objects.values_list("code", "name_vi", "protects_identity")) == categories


def test_corruption_and_officials_conduct_are_separate_categories():
    _seed()
    corruption = Category.objects.get(code="tham-nhung-tieu-cuc")
    conduct = Category.objects.get(code="tac-phong-can-bo")
    procedures = Category.objects.get(code="thu-tuc-hanh-chinh")
    assert (corruption.name_vi, corruption.protects_identity) == ("Tham nhũng, tiêu cực", True)
    assert conduct.protects_identity is False
    assert procedures.name_vi == "Thủ tục hành chính"  # no longer merged with officials' conduct


def test_the_old_merged_category_name_is_brought_up_to_date_but_an_edit_is_kept():
    Category.objects.create(code="thu-tuc-hanh-chinh", name_vi="Thủ tục hành chính, thái độ cán bộ", name_en="x")
    Category.objects.create(code="dat-dai", name_vi="Đất đai, nhà ở", name_en="Land and housing")
    _seed()
    assert Category.objects.get(code="thu-tuc-hanh-chinh").name_vi == "Thủ tục hành chính"
    assert Category.objects.get(code="dat-dai").name_vi == "Đất đai, nhà ở"


def test_an_agency_never_sees_who_reported_corruption(agency_officer_a, officer_a, commune_a, agency_a):
    # given a report (not a denunciation) in the corruption category, forwarded to agency A
    corruption = Category.objects.create(
        code="tham-nhung-tieu-cuc", name_vi="Tham nhũng, tiêu cực", name_en="Corruption", protects_identity=True
    )
    item = ItemFactory(
        commune=commune_a, category=corruption, type=ItemType.REPORT, status="forwarded", current_agency=agency_a
    )
    # when the agency reads it, alone or in a list
    for seen in (
        item_get_for_user(user=agency_officer_a, item_id=item.id),
        next(iter(items_for_user(user=agency_officer_a))),
    ):
        # then the identity is hidden, as for a denunciation
        assert (seen.submitter_name, seen.submitter_phone, seen.identity_hidden) == ("", "", True)
    # while the commune's Front sees it
    assert item_get_for_user(user=officer_a, item_id=item.id).submitter_name == "Lò Văn Páo"
