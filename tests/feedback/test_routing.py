"""Each category may name a default agency per commune, or for the whole province; it is proposed first."""

import pytest
from django.db import IntegrityError

from feedback.models import CategoryRoute
from feedback.selectors.routing import agency_choices, proposed_agency_id
from organizations.models import Level, OrganizationKind
from tests.factories import CategoryFactory, ItemFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies(province, commune_a, commune_b, agency_a, agency_b):
    transport_dept = OrganizationFactory(
        kind=OrganizationKind.DEPARTMENT, level=Level.PROVINCE, unit=province, name="Sở Xây dựng"
    )
    return {"dept": transport_dept, "a": agency_a, "b": agency_b}


def test_the_communes_own_route_wins_over_the_province_wide_one(commune_a, commune_b, bodies):
    roads = CategoryFactory(code="giao-thong")
    CategoryRoute.objects.create(category=roads, commune=None, agency=bodies["dept"])
    CategoryRoute.objects.create(category=roads, commune=commune_a, agency=bodies["a"])

    assert proposed_agency_id(category_id=roads.id, commune_id=commune_a.id) == bodies["a"].id
    assert proposed_agency_id(category_id=roads.id, commune_id=commune_b.id) == bodies["dept"].id
    assert proposed_agency_id(category_id=CategoryFactory().id, commune_id=commune_a.id) is None


def test_the_picker_lists_the_proposed_agency_then_the_commune_then_the_province(commune_a, bodies):
    roads = CategoryFactory(code="giao-thong")
    CategoryRoute.objects.create(category=roads, commune=None, agency=bodies["dept"])
    item = ItemFactory(commune=commune_a, category=roads)

    groups, proposed = agency_choices(item=item)

    assert proposed == bodies["dept"].id
    assert [(g.key, [a.name for a in g.agencies]) for g in groups] == [
        ("proposed", ["Sở Xây dựng"]),
        ("commune", ["Ủy ban nhân dân xã Mường Phăng"]),
        ("other", ["Ủy ban nhân dân xã Nà Tấu"]),
    ]


def test_one_province_wide_route_per_category(bodies):
    roads = CategoryFactory(code="giao-thong")
    CategoryRoute.objects.create(category=roads, commune=None, agency=bodies["dept"])

    with pytest.raises(IntegrityError):
        CategoryRoute.objects.create(category=roads, commune=None, agency=bodies["a"])
