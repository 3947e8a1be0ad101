"""The second factor: enrolment at first login, verification after the password, recovery codes, re-asking
before sensitive actions, and session timeouts. Codes are computed as an authenticator app would (RFC 6238)."""

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import SecurityEvent, SecurityEventKind

PASSWORD = "correct horse battery"


def totp_now(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.MFA_ENFORCED = True


def login(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


def enrol(client, user):
    client.get("/accounts/mfa/totp/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/mfa/totp/", {"token": totp_now(device), "next": "/can-bo/viec/"})
    device.refresh_from_db()
    return device, response


def enrolled_then_back_at_the_code(client, user) -> TOTPDevice:
    """The user enrols, logs out and logs in again with the password: the code is now asked."""
    login(client, user)
    device, _response = enrol(client, user)
    client.post("/accounts/logout/")
    login(client, user)
    return device


@pytest.mark.django_db
def test_a_front_officer_is_sent_to_enrol_at_first_login_and_can_then_work(client, officer_a):
    # Given a commune Front officer (may export personal data, so MFA is required) logging in with a password
    login(client, officer_a)

    # When they open the workspace, then they are sent to enrol first
    response = client.get("/can-bo/viec/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/totp/")

    page = client.get("/accounts/mfa/totp/")
    content = page.content.decode()
    assert "data:image/svg+xml;base64," in content  # the QR code, no script needed
    assert "<script" not in content.split("<main", 1)[-1].split("</main>", 1)[0]

    # When they type a code from the app, then it is confirmed, ten recovery codes are shown once
    device, response = enrol(client, officer_a)
    assert device.confirmed
    codes = re.findall(r"<li>([0-9a-f]{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/can-bo/viec/").status_code == 200
    assert SecurityEventKind.MFA_ENROLLED in set(SecurityEvent.objects.values_list("kind", flat=True))


@pytest.mark.django_db
def test_an_agency_officer_may_work_without_a_second_factor(client, agency_officer_a):
    login(client, agency_officer_a)
    assert client.get("/can-bo/viec/").status_code in (200, 302)
    response = client.get("/can-bo/viec/")
    assert not response.get("Location", "").startswith("/accounts/mfa/")


@pytest.mark.django_db
def test_next_login_asks_the_code_and_refuses_a_wrong_one(client, officer_a):
    device = enrolled_then_back_at_the_code(client, officer_a)
    response = client.get("/can-bo/viec/")
    assert response["Location"].startswith("/accounts/mfa/verify/")

    wrong = client.post("/accounts/mfa/verify/", {"token": "000000", "next": "/can-bo/viec/"})
    assert wrong.status_code == 200
    assert client.get("/can-bo/viec/").status_code == 302

    # django-otp throttles after a failure; a later right code is accepted once the delay has passed.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    session_before = client.session.session_key
    ok = client.post("/accounts/mfa/verify/", {"token": totp_now(device, offset_steps=1), "next": "/can-bo/viec/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/can-bo/viec/"
    assert client.get("/can-bo/viec/").status_code == 200
    # The session key rotates when the second factor is verified (a privilege change).
    assert client.session.session_key != session_before
    kinds = list(SecurityEvent.objects.filter(actor_id=officer_a.pk).values_list("kind", flat=True))
    assert SecurityEventKind.MFA_FAILED in kinds
    assert SecurityEventKind.MFA_VERIFIED in kinds


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, officer_a):
    login(client, officer_a)
    enrol(client, officer_a)
    from django_otp.plugins.otp_static.models import StaticToken

    code = StaticToken.objects.filter(device__user=officer_a).first().token
    client.post("/accounts/logout/")

    login(client, officer_a)
    assert client.post("/accounts/mfa/verify/", {"token": code, "next": "/can-bo/viec/"}).status_code == 302
    client.post("/accounts/logout/")
    login(client, officer_a)
    assert client.post("/accounts/mfa/verify/", {"token": code, "next": "/can-bo/viec/"}).status_code == 200


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones_and_the_change_is_in_the_security_log(client, officer_a):
    from django_otp.plugins.otp_static.models import StaticToken

    # given an officer who enrolled (ten codes) and has just verified
    login(client, officer_a)
    enrol(client, officer_a)
    old = set(StaticToken.objects.filter(device__user=officer_a).values_list("token", flat=True))
    assert len(old) == 10

    # when they ask for new recovery codes
    response = client.post("/accounts/mfa/", {"action": "recovery"})

    # then ten new codes are shown once, the old ones are gone, and the security log says so
    shown = set(re.findall(r"<li>([0-9a-f]{8})</li>", response.content.decode()))
    assert len(shown) == 10
    assert shown == set(StaticToken.objects.filter(device__user=officer_a).values_list("token", flat=True))
    assert not shown & old
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_ENROLLED, object_type="recovery_codes").get()
    assert event.actor_id == officer_a.pk
    assert event.detail == {"regenerated": True, "count": 10}
    assert not set(event.detail.values()) & shown  # never the codes themselves


@pytest.mark.django_db
def test_export_of_personal_data_asks_the_second_factor_again_after_the_reauth_window(client, officer_a, settings):
    login(client, officer_a)
    device, _ = enrol(client, officer_a)
    url = "/bao-cao/danh-sach/?measure=received&export=csv"

    # Just verified: the export goes through.
    assert client.get(url).status_code == 200
    # Later than MFA_REAUTH_SECONDS: asked again, then the export goes through.
    session = client.session
    session["mfa_verified_at"] = int(time.time()) - settings.MFA_REAUTH_SECONDS - 1
    session.save()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/verify/")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    back = client.post("/accounts/mfa/verify/", {"token": totp_now(device, offset_steps=1), "next": url})
    assert back["Location"] == url
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_issuing_an_api_token_and_changing_memberships_ask_again(client, admin_user, settings):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    login(client, admin_user)
    enrol(client, admin_user)
    session = client.session
    session["mfa_verified_at"] = int(time.time()) - settings.MFA_REAUTH_SECONDS - 1
    session.save()

    for url in ("/quan-tri/organizations/apitoken/add/", "/quan-tri/organizations/membership/add/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/mfa/verify/"), url


@pytest.mark.django_db
def test_idle_timeout_and_absolute_lifetime_log_the_user_out(client, agency_officer_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    login(client, agency_officer_a)
    assert client.get("/can-bo/viec/").status_code == 200

    session = client.session
    session["session_seen_at"] = int(time.time()) - 61
    session.save()
    response = client.get("/can-bo/viec/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED, detail__reason="idle").exists()

    login(client, agency_officer_a)
    session = client.session
    session["session_login_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()
    assert client.get("/can-bo/viec/")["Location"].startswith("/accounts/login/")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED, detail__reason="lifetime").exists()


@pytest.mark.django_db
def test_a_page_piece_loaded_by_htmx_is_never_answered_with_a_whole_page(client, officer_a, agency_officer_a, settings):
    # Given an officer who must still enrol: the badge their page loads is refused, not redirected (a redirect
    # would swap the whole enrolment page into the badge, which loads its own badges, again and again)
    login(client, officer_a)
    response = client.get("/thong-bao/chua-doc/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "Location" not in response
    assert response.content == b""

    # Given an idle session: the piece sends the whole page to the login page
    settings.SESSION_IDLE_TIMEOUT = 60
    client.logout()
    login(client, agency_officer_a)
    session = client.session
    session["session_seen_at"] = int(time.time()) - 61
    session.save()
    response = client.get("/thong-bao/chua-doc/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_second_step_pages_show_nothing_of_the_role_until_it_is_passed(client, officer_a):
    # Given a commune Front officer with an authenticator, past the password but not the code
    device = enrolled_then_back_at_the_code(client, officer_a)
    badges = ('hx-get="/thong-bao/chua-doc/"', 'hx-get="/thong-bao/den-han/"')

    # When the code page is drawn, then it loads no badge (the middleware would refuse each: 403 in the
    # console of every page of the step) and links no page of the role, only logging out and the step itself
    page = client.get("/accounts/mfa/verify/?next=/can-bo/viec/").content.decode()
    assert not any(badge in page for badge in badges)
    assert 'href="/can-bo/viec/"' not in page
    assert 'action="/accounts/logout/"' in page

    # When the code is given, then the same pages carry the officer's menu and badges
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    client.post("/accounts/mfa/verify/", {"token": totp_now(device, offset_steps=1), "next": "/can-bo/viec/"})
    page = client.get("/accounts/mfa/").content.decode()
    assert all(badge in page for badge in badges)
    assert 'href="/can-bo/viec/"' in page


@pytest.mark.django_db
def test_whether_a_step_is_pending_is_asked_once_per_page(client, agency_officer_a):
    # Given a commune agency officer who has no second factor and needs none: every page asks whether one is due
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, agency_officer_a)
    client.get("/can-bo/hop-thu/")

    # When a page is drawn, then the authenticator table is read once: by the middleware, whose answer the
    # page's menu reuses
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/can-bo/hop-thu/").status_code == 200
    assert sum('"otp_totp_totpdevice"' in q["sql"] for q in queries.captured_queries) == 1


def test_production_cookies_are_host_prefixed():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
        "ALLOWED_HOSTS": "example.org",
        "TRACKING_SECRET_KEYS": "k2,k1",
        "PORTAL_BASE_URL": "https://example.org",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_AGE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", str(12 * 3600)], out.stderr
