"""Lock-out per account across addresses and per address across accounts; password rules; reset links."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

PASSWORD = "correct horse battery"


def login(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_password_sprayed_over_50_usernames_from_one_address_is_stopped(client, settings):
    # Given 50 accounts and one attacker address; when it tries one password on each account...
    users = [UserFactory() for _ in range(50)]
    statuses = [login(client, u.username, "Summer2026!", "198.51.100.9").status_code for u in users]

    # ...then after AXES_FAILURE_LIMIT failures (3 in the test settings) every further try is refused.
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit:] == [429] * (50 - limit)
    # Even the right password of an untouched account is refused from that address.
    assert login(client, users[-1].username, PASSWORD, "198.51.100.9").status_code == 429
    # The accounts themselves are not locked: their owners log in from elsewhere.
    assert login(client, users[-1].username, PASSWORD, "192.0.2.44").status_code == 302


@pytest.mark.django_db
def test_one_account_tried_from_20_addresses_is_stopped_and_its_owner_told(client, officer_a, settings):
    statuses = [login(client, officer_a.username, f"guess-{n}", f"203.0.113.{n + 1}").status_code for n in range(20)]

    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[limit:] == [429] * (20 - limit)
    # The right password from a fresh address is refused too while the account is locked.
    assert login(client, officer_a.username, PASSWORD, "192.0.2.200").status_code == 429
    # The owner gets one email (not one per attempt), in Vietnamese first.
    owner_mail = [m for m in mail.outbox if officer_a.email in m.to]
    assert len(owner_mail) == 1
    assert "bị khóa" in owner_mail[0].subject
    assert officer_a.username in owner_mail[0].body


@pytest.mark.django_db
def test_client_address_behind_a_trusted_proxy_is_the_one_counted(client, settings):
    # Given one trusted proxy; when 5 different clients come through the same proxy address...
    settings.TRUSTED_PROXY_COUNT = 1
    users = [UserFactory() for _ in range(5)]
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": u.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
        ).status_code
        for n, u in enumerate(users)
    ]
    # ...then each is counted on its own address and none is locked out by the others.
    assert statuses == [200] * 5


@pytest.mark.django_db
def test_administrator_lifts_a_lock_out_from_the_admin(client, officer_a, admin_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, officer_a.username, "wrong", f"203.0.113.{n + 1}")
    assert login(client, officer_a.username, PASSWORD, "192.0.2.5").status_code == 429

    admin_client = client.__class__()
    admin_client.force_login(admin_user)
    response = admin_client.post(
        "/quan-tri/organizations/user/", {"action": "lift_lockout", "_selected_action": [officer_a.pk]}
    )

    assert response.status_code == 302
    assert login(client, officer_a.username, PASSWORD, "192.0.2.5").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["matkhau2026", "MậtKhẩu@2026", "123456a@", "anhyeuem123!", "ay-ay-ay-ay-ay", "abcabcabcabc", "hahahahahaha"],
)
@pytest.mark.django_db
def test_common_vietnamese_and_repetitive_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Sông Đà chảy về xuôi 7", "bản-Che-Căn-mùa-lúa-chín"])
@pytest.mark.django_db
def test_a_long_passphrase_passes(password):
    validate_password(password)


@pytest.mark.django_db
def test_reset_link_is_refused_after_one_hour(client, officer_a, settings):
    from datetime import datetime, timedelta
    from unittest import mock

    from django.contrib.auth.tokens import default_token_generator

    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    client.post("/accounts/password/reset/", {"email": officer_a.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
    path = link[link.index("/accounts/reset/") :]
    token = path.rstrip("/").split("/")[-1]

    # The token generator counts in the server's naive local time.
    later = datetime.now() + timedelta(minutes=61)  # noqa: DTZ005 (the generator's own naive clock)
    with mock.patch.object(default_token_generator, "_now", return_value=later):
        assert not default_token_generator.check_token(officer_a, token)
    assert default_token_generator.check_token(officer_a, token)
