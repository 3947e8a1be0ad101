"""Who is told about an item is someone who may open it: the notification audiences are the reverse direction
of the access scope (``organizations.scope``), so the two cannot disagree."""

import pytest
from django.http import Http404

from feedback.models import HandlingLevel, Status
from feedback.selectors.items import item_get_for_user
from feedback.services.notifications.audiences import AUDIENCES
from feedback.services.notifications.planning import rows_for_item
from feedback.services.notifications.wording import CITIZEN_TEMPLATES
from organizations.models import ApiTokenScope, Level, OrganizationKind, Role, User
from organizations.scope import user_scope
from organizations.tokens import api_token_issue
from tests.factories import MembershipFactory, OrganizationFactory
from tests.feedback.workflow_fixtures import item_in


@pytest.fixture
def crowd(chase_people, commune_a, commune_b, front_a, front_b, agency_a, agency_b, province, officer_b):
    """Besides the people the chase tells: people who must never be told about commune A's items."""
    department = OrganizationFactory(kind=OrganizationKind.DEPARTMENT, level=Level.PROVINCE, unit=province)
    # A "Front officer" role at a department (the admin's mistake), a commune B officer, agency B's officer,
    # the commune A Front's service account (an API token's actor), a Front officer also at the agency.
    MembershipFactory(organization=department, role=Role.FRONT_OFFICER)
    MembershipFactory(organization=agency_b, role=Role.AGENCY_OFFICER)
    api_token_issue(organization=front_a, name="Hệ thống xã", scopes=[ApiTokenScope.ITEMS])
    return chase_people


@pytest.mark.django_db
def test_every_recipient_of_every_staff_notification_can_open_the_item(crowd, commune_a, agency_a):
    items = [
        item_in(Status.RECEIVED, commune=commune_a, agency=None),
        item_in(Status.RECEIVED, commune=commune_a, agency=None, handling_level=HandlingLevel.PROVINCE),
        item_in(Status.FORWARDED, commune=commune_a, agency=agency_a),
        item_in(Status.ANSWERED, commune=commune_a, agency=agency_a),
        item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, handling_level=HandlingLevel.PROVINCE),
    ]
    checked, recipients_seen = 0, set()
    for item in items:
        for template in AUDIENCES:
            if template in CITIZEN_TEMPLATES:
                continue
            rows = rows_for_item(item=item, template=template, ref=f"t:{item.pk}", event_id=None, context={})
            for row in rows:
                user = User.objects.get(pk=row.recipient_user_id)
                recipients_seen.add(user.pk)
                assert not user.is_service_account
                checked += 1
                if template.startswith("board_overdue"):
                    # The board's notice is about its overdue list (aggregates, no personal data).
                    scope = user_scope(user=user)
                    assert scope.is_board_viewer or scope.sees_whole_province, (template, user.username)
                    continue
                try:
                    item_get_for_user(user=user, item_id=item.pk)
                except Http404:
                    pytest.fail(f"{user.username} is told “{template}” about item {item.pk} but cannot open it")

    print(f"\nnotification audiences: {checked} (recipient, notification) pairs checked")
    # Everyone who should hear something did: the commune Front, the agency, its superior, the province, the board.
    assert {p.pk for p in crowd.values()} <= recipients_seen
    assert checked > 0
