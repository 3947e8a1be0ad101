"""Per-organisation API tokens: issued and revoked by administrators, scoped to the organisation."""

import pytest
from django.urls import reverse

from organizations.models import ApiToken, ApiTokenScope
from organizations.tokens import ApiTokenRateThrottle, api_token_issue, api_token_revoke

URL = "/api/v1/reports/compliance/"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
def test_an_issued_key_is_stored_only_as_a_hash(province_front):
    token, key = api_token_issue(organization=province_front, name="Hệ thống báo cáo tỉnh")

    stored = ApiToken.objects.get(pk=token.pk)
    assert key.startswith(f"mttq_{stored.prefix}_")
    assert key not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64


def test_a_valid_key_is_accepted_and_an_unknown_one_refused(client, figures_world, province_front):
    _token, key = api_token_issue(organization=province_front, name="Báo cáo")

    assert client.get(URL, **bearer(key)).status_code == 200
    response = client.get(URL, **bearer(key[:-2] + "zz"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_a_revoked_key_is_refused_with_401(client, figures_world, province_front, admin_user):
    token, key = api_token_issue(organization=province_front, name="Báo cáo")
    assert client.get(URL, **bearer(key)).status_code == 200

    api_token_revoke(token=token, revoked_by=admin_user)
    response = client.get(URL, **bearer(key))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "revoked_token"
    token.refresh_from_db()
    assert token.revoked_by == admin_user


def test_no_credentials_is_refused(client, figures_world):
    assert client.get(URL).status_code in (401, 403)


def test_a_commune_token_sees_only_its_commune(client, figures_world, front_a, commune_a):
    _token, key = api_token_issue(organization=front_a, name="Xã")

    rows = client.get(URL, {"group_by": "commune", "period": "2026-H1"}, **bearer(key)).json()["results"]

    assert [r["key"] for r in rows] == [str(commune_a.id)]


def test_an_agency_token_sees_only_its_forwarded_items(client, figures_world, agency_b):
    _token, key = api_token_issue(organization=agency_b, name="UBND xã Nà Tấu")

    rows = client.get(URL, {"group_by": "agency", "period": "2026-H1"}, **bearer(key)).json()["results"]

    assert [(r["name"], r["answered"]) for r in rows] == [(agency_b.name, 1)]


def test_throttling_counts_per_token(client, figures_world, province_front, monkeypatch):
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"api_token": "2/minute"})
    _t1, key1 = api_token_issue(organization=province_front, name="Một")
    _t2, key2 = api_token_issue(organization=province_front, name="Hai")

    codes = [client.get(URL, **bearer(key1)).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert client.get(URL, **bearer(key2)).status_code == 200


def test_administrator_issues_a_key_in_the_admin_and_sees_it_once(client, admin_user, province_front):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:organizations_apitoken_add"),
        {
            "name": "Cổng dữ liệu tỉnh",
            "organization": province_front.pk,
            "scopes": [ApiTokenScope.FIGURES, ApiTokenScope.ITEMS],
        },
        follow=True,
    )

    token = ApiToken.objects.get()
    assert token.scopes == [ApiTokenScope.FIGURES, ApiTokenScope.ITEMS]
    html = response.content.decode()
    assert f"mttq_{token.prefix}_" in html
    assert token.created_by == admin_user
    # The change page never shows the key again.
    page = client.get(reverse("admin:organizations_apitoken_change", args=[token.pk])).content.decode()
    assert f"mttq_{token.prefix}_" not in page


def test_administrator_revokes_keys_with_the_admin_action(client, admin_user, province_front):
    token, _key = api_token_issue(organization=province_front, name="Cũ")
    client.force_login(admin_user)

    client.post(
        reverse("admin:organizations_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == admin_user


@pytest.mark.django_db
def test_a_token_acts_as_its_organisations_service_account(client, front_a, commune_a, agency_a):
    """Given a commune Front token that may move items; when it forwards an item, the event records the
    organisation's service account (a user), and the token reads the item without its submitter."""
    from io import StringIO

    from feedback.deadlines import seed_deadline_rules
    from feedback.models import ItemEvent
    from organizations.models import User
    from tests.factories import ItemFactory

    seed_deadline_rules(stdout=StringIO())
    item = ItemFactory(commune=commune_a)
    _t, key = api_token_issue(
        organization=front_a, name="Hệ thống xã", scopes=[ApiTokenScope.ITEMS, ApiTokenScope.ITEMS_WRITE]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    forwarded = client.post(
        f"/api/v1/items/{item.id}/forward/", {"agency": agency_a.id}, content_type="application/json", **auth
    )
    detail = client.get(f"/api/v1/items/{item.id}/", **auth)

    account = User.objects.get(service_organization=front_a)
    assert forwarded.status_code == 200
    assert detail.status_code == 200
    assert account.is_service_account
    assert not account.has_usable_password()
    assert ItemEvent.objects.filter(item=item, to_status="forwarded").get().actor == account
    assert detail.json()["submitter_name"] == ""
    assert detail.json()["identity_hidden"] is True
