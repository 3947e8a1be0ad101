"""The scoping selectors: who sees which items, and what an agency never sees."""

import pytest
from django.http import Http404

from feedback.models import HandlingLevel, ItemType
from feedback.selectors.items import item_actor_roles, item_get_for_user, items_for_user
from feedback.workflow import Actor
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(commune_a, commune_b, agency_a, agency_b):
    return {
        "a": ItemFactory(commune=commune_a),
        "a_forwarded": ItemFactory(commune=commune_a, status="forwarded", current_agency=agency_a),
        "b": ItemFactory(commune=commune_b),
        "b_forwarded_to_a": ItemFactory(commune=commune_b, status="forwarded", current_agency=agency_a),
        "b_forwarded": ItemFactory(commune=commune_b, status="forwarded", current_agency=agency_b),
    }


def test_commune_officer_sees_the_items_of_their_commune_only(officer_a, items):
    # when
    seen = set(items_for_user(user=officer_a))

    # then
    assert seen == {items["a"], items["a_forwarded"]}


def test_provincial_officer_and_admin_see_every_item(province_officer, admin_user, items):
    assert set(items_for_user(user=province_officer)) == set(items.values())
    assert set(items_for_user(user=admin_user)) == set(items.values())


def test_agency_officer_sees_items_forwarded_to_their_agency(agency_officer_a, items):
    assert set(items_for_user(user=agency_officer_a)) == {items["a_forwarded"], items["b_forwarded_to_a"]}


def test_board_viewer_and_anonymous_see_no_item(board_viewer, items):
    from django.contrib.auth.models import AnonymousUser

    assert list(items_for_user(user=board_viewer)) == []
    assert list(items_for_user(user=AnonymousUser())) == []


def test_item_get_for_user_is_404_outside_the_scope(officer_a, agency_officer_b, items):
    assert item_get_for_user(user=officer_a, item_id=items["a"].id) == items["a"]
    with pytest.raises(Http404):
        item_get_for_user(user=officer_a, item_id=items["b"].id)
    with pytest.raises(Http404):
        item_get_for_user(user=agency_officer_b, item_id=items["a_forwarded"].id)
    with pytest.raises(Http404):
        item_get_for_user(user=officer_a, item_id="not-a-number")


def test_an_agency_never_sees_the_identity_of_a_denouncer(agency_officer_a, officer_a, commune_a, agency_a):
    # given a denunciation forwarded to agency A
    item = ItemFactory(commune=commune_a, type=ItemType.DENUNCIATION, status="forwarded", current_agency=agency_a)

    # when the agency officer reads it, in a list or alone
    listed = next(iter(items_for_user(user=agency_officer_a)))
    fetched = item_get_for_user(user=agency_officer_a, item_id=item.id)

    # then the identity is blank, while the Front of the commune sees it
    for seen in (listed, fetched):
        assert (seen.submitter_name, seen.submitter_phone, seen.submitter_email, seen.submitter_address) == (
            "",
            "",
            "",
            "",
        )
        assert seen.identity_hidden
    assert item_get_for_user(user=officer_a, item_id=item.id).submitter_name == "Lò Văn Páo"


def test_an_agency_sees_no_contact_details_without_consent(agency_officer_a, commune_a, agency_a):
    item = ItemFactory(commune=commune_a, status="forwarded", current_agency=agency_a, consent_contact=False)

    seen = item_get_for_user(user=agency_officer_a, item_id=item.id)

    assert seen.submitter_name == "Lò Văn Páo"
    assert seen.submitter_phone == ""
    assert seen.submitter_email == ""


def test_actor_roles(officer_a, officer_b, province_officer, agency_officer_a, agency_officer_b, items):
    forwarded = items["a_forwarded"]
    assert item_actor_roles(user=officer_a, item=forwarded) == {Actor.FRONT}
    assert item_actor_roles(user=province_officer, item=forwarded) == {Actor.FRONT}
    assert item_actor_roles(user=agency_officer_a, item=forwarded) == {Actor.AGENCY}
    assert item_actor_roles(user=officer_b, item=forwarded) == set()
    assert item_actor_roles(user=agency_officer_b, item=forwarded) == set()


def test_after_escalation_only_the_provincial_front_decides(officer_a, province_officer, commune_a):
    item = ItemFactory(commune=commune_a, handling_level=HandlingLevel.PROVINCE)

    assert item_actor_roles(user=officer_a, item=item) == set()
    assert item_actor_roles(user=province_officer, item=item) == {Actor.FRONT}
    assert item in items_for_user(user=officer_a)
