import pytest

from organizations.selectors import organizations_for_user, units_for_user, user_scope
from organizations.services import membership_revoke


@pytest.mark.django_db
def test_commune_officer_sees_only_their_commune(officer_a, commune_a, commune_b):
    units = units_for_user(user=officer_a)

    assert list(units) == [commune_a]
    assert commune_b not in units


@pytest.mark.django_db
def test_commune_officer_sees_no_organisation_of_another_commune(officer_a, front_a, front_b, agency_a, agency_b):
    orgs = set(organizations_for_user(user=officer_a))

    assert {front_a, agency_a} <= orgs
    assert front_b not in orgs
    assert agency_b not in orgs


@pytest.mark.django_db
def test_province_officer_sees_every_commune(province_officer, commune_a, commune_b):
    scope = user_scope(user=province_officer)

    assert scope.province_wide
    assert set(units_for_user(user=province_officer)) == {commune_a, commune_b}


@pytest.mark.django_db
def test_agency_officer_scope_is_their_agency(agency_officer_a, agency_a, commune_b):
    scope = user_scope(user=agency_officer_a)

    assert scope.agency_ids == frozenset({agency_a.id})
    assert not scope.is_front_officer
    assert list(units_for_user(user=agency_officer_a)) == []


@pytest.mark.django_db
def test_board_viewer_sees_aggregates_not_items(board_viewer, commune_a):
    scope = user_scope(user=board_viewer)

    assert scope.sees_aggregates
    assert not scope.is_front_officer
    assert not scope.sees_whole_province


@pytest.mark.django_db
def test_anonymous_and_revoked_users_see_nothing(officer_a, commune_a):
    from django.contrib.auth.models import AnonymousUser

    assert list(units_for_user(user=AnonymousUser())) == []
    membership = officer_a.memberships.get()
    membership_revoke(membership=membership)
    officer_a.refresh_from_db()
    fresh = type(officer_a).objects.get(pk=officer_a.pk)
    assert list(units_for_user(user=fresh)) == []
    assert membership.__class__.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_commune_search_ignores_diacritics(client, seeded):
    response = client.get("/accounts/communes/", {"q": "muong phang"})

    assert response.status_code == 200
    assert "Xã Mường Phăng" in response.content.decode()


@pytest.mark.django_db
def test_commune_api_search_ignores_diacritics(client, seeded):
    response = client.get("/api/v1/communes/", {"q": "MUONG PHANG"})

    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Xã Mường Phăng"]


@pytest.mark.django_db
def test_organisation_api_is_scoped(client, officer_a, front_a, front_b):
    client.force_login(officer_a)

    names = [o["name"] for o in client.get("/api/v1/organizations/").json()["results"]]

    assert front_a.name in names
    assert front_b.name not in names


@pytest.mark.django_db
def test_organisation_api_refuses_anonymous(client, front_a):
    response = client.get("/api/v1/organizations/")

    assert response.status_code in (401, 403)
    assert "error" in response.json()


@pytest.mark.django_db
def test_organisation_list_api_query_count_is_flat(client, province_officer, province, django_assert_max_num_queries):
    from tests.factories import OrganizationFactory

    client.force_login(province_officer)
    OrganizationFactory(unit=province, level="province")
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/organizations/").status_code == 200
    OrganizationFactory.create_batch(50, unit=province, level="province")
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/organizations/").json()["results"]) == 50
