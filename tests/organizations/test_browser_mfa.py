"""A Front officer in real headless Chromium: enrols an authenticator at first login, logs in with it, is
asked again before exporting personal data, and is logged out after the idle timeout."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from organizations.models import Level, OrganizationKind, Role, SecurityEvent, SecurityEventKind
from reports.models import ExportLog
from tests.factories import CommuneFactory, MembershipFactory, OrganizationFactory, ProvinceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


@pytest.fixture
def browser(chromium, tmp_path):
    return chromium(downloads=tmp_path)  # the security log's export lands in the test's own folder


@pytest.fixture
def officer(transactional_db):
    commune = CommuneFactory(parent=ProvinceFactory())
    front = OrganizationFactory(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune)
    return MembershipFactory(organization=front, role=Role.FRONT_OFFICER).user


def code_from_key(key_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in by hand (RFC 6238, 30 s, 6 digits)."""
    key = base64.b32decode(key_text.replace(" ", "") + "=" * (-len(key_text.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def log_in(browser, base, user):
    browser.get(f"{base}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(user.username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.ID, "id_password").submit()
    WebDriverWait(browser, 10).until(lambda d: "/accounts/login/" not in d.current_url)


def submit_code(browser, code):
    field = browser.find_element(By.ID, "id_token")
    field.clear()
    field.send_keys(code)
    field.submit()
    # Wait for the answer to the POST before the next navigation (which would cancel it).
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.ID, "id_token"))


def test_enrol_log_in_reauthenticate_before_export_and_idle_logout(browser, live_server, officer, settings):
    settings.MFA_ENFORCED = True
    settings.MFA_REAUTH_SECONDS = 2
    # A long idle timeout until the idle part, so that a slow machine cannot log the officer out earlier
    settings.SESSION_IDLE_TIMEOUT = 600
    base = live_server.url

    # Given a Front officer logging in for the first time with a password only
    log_in(browser, base, officer)
    # Then they are sent to enrol an authenticator, with a QR code image and the key as text (no script needed)
    assert "/accounts/mfa/totp/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "main img[src^='data:image/svg+xml']")
    key = browser.find_element(By.ID, "totp-key").text
    assert "Thiết lập ứng dụng xác thực" in browser.page_source

    # When they type the app's code, then ten one-time recovery codes are shown
    submit_code(browser, code_from_key(key))
    recovery = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    assert len(recovery) == 10

    # When they log out and in again, then the code is asked after the password, and accepted
    # (at 360 px the log-out button sits in the folded menu: the form is submitted as the button would)
    browser.execute_script("document.querySelector(\"form[action='/accounts/logout/']\").requestSubmit()")
    WebDriverWait(browser, 10).until(lambda d: "/accounts/mfa/" not in d.current_url)
    log_in(browser, base, officer)
    assert "/accounts/mfa/verify/" in browser.current_url
    submit_code(browser, code_from_key(key, steps_ahead=1))
    browser.get(f"{base}/can-bo/viec/")
    assert "/can-bo/viec/" in browser.current_url, list(SecurityEvent.objects.values_list("kind", "detail"))

    # When they export personal data later than the re-authentication window, then the factor is asked again
    time.sleep(settings.MFA_REAUTH_SECONDS + 1)
    browser.get(f"{base}/bao-cao/danh-sach/?measure=received&export=csv")
    assert "/accounts/mfa/verify/" in browser.current_url
    assert "cần xác thực lại" in browser.page_source or "second factor again" in browser.page_source
    # A recovery code answers it (once), and the export is made
    field = browser.find_element(By.ID, "id_token")
    field.send_keys(recovery[0])
    field.submit()
    # The redirect lands on the CSV download (the browser stays on the page): the export is recorded.
    WebDriverWait(browser, 10).until(lambda d: ExportLog.objects.filter(user=officer).exists())

    # When they leave the browser idle longer than the timeout, then the next page asks them to log in again
    settings.SESSION_IDLE_TIMEOUT = 2
    time.sleep(settings.SESSION_IDLE_TIMEOUT + 1)
    browser.get(f"{base}/can-bo/viec/")
    assert "/accounts/login/" in browser.current_url
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED, actor_id=officer.pk).exists()
    kinds = set(SecurityEvent.objects.filter(actor_id=officer.pk).values_list("kind", flat=True))
    assert {SecurityEventKind.MFA_ENROLLED, SecurityEventKind.MFA_VERIFIED, SecurityEventKind.LOGIN} <= kinds
    assert re.search(r"Đăng nhập", browser.page_source)
