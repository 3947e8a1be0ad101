"""A passkey as the second factor, in real headless Chromium with a virtual authenticator (Chrome DevTools'
WebAuthn domain): registered from the security page, then used after the password at the next login."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from organizations.models import Level, OrganizationKind, Role, SecurityEvent, SecurityEventKind
from tests.factories import CommuneFactory, MembershipFactory, OrganizationFactory, ProvinceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


@pytest.fixture
def browser(chromium):
    """A desktop-sized window with a virtual authenticator that says yes (user present and verified)."""
    driver = chromium(width=800, height=900)
    driver.execute_cdp_cmd("WebAuthn.enable", {})
    driver.execute_cdp_cmd(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return driver


@pytest.fixture
def officer(transactional_db):
    commune = CommuneFactory(parent=ProvinceFactory())
    front = OrganizationFactory(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune)
    return MembershipFactory(organization=front, role=Role.FRONT_OFFICER).user


def tap(browser, wait, element_id):
    element = wait.until(ec.presence_of_element_located((By.ID, element_id)))
    wait.until(ec.visibility_of(element))
    # A script click: the page's footer can cover the button in a headless window; the browser still
    # treats the focused page's call to the WebAuthn API as allowed.
    browser.execute_script("arguments[0].click()", element)


def log_in(browser, base, user):
    browser.get(f"{base}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(user.username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.ID, "id_password").submit()
    WebDriverWait(browser, 10).until(lambda d: "/accounts/login/" not in d.current_url)


def test_register_a_passkey_then_use_it_after_the_password(browser, live_server, officer, settings):
    settings.MFA_ENFORCED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    base = live_server.url
    wait = WebDriverWait(browser, 15)

    # Given an officer who must enrol a second factor, on the security page
    log_in(browser, base, officer)
    browser.get(f"{base}/accounts/mfa/")
    # When they add a passkey (the virtual authenticator answers the browser's prompt)
    tap(browser, wait, "passkey-register-button")
    wait.until(
        lambda d: SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_ENROLLED, object_type="passkey").exists()
    )

    # Then at the next login the passkey answers the second-factor question
    browser.execute_script("document.querySelector(\"form[action='/accounts/logout/']\").submit()")
    wait.until(lambda d: "/accounts/mfa/" not in d.current_url)
    log_in(browser, base, officer)
    assert "/accounts/mfa/verify/" in browser.current_url
    tap(browser, wait, "passkey-verification-button")
    wait.until(
        lambda d: SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_VERIFIED, object_type="passkey").exists()
    )
    browser.get(f"{base}/can-bo/viec/")
    assert "/can-bo/viec/" in browser.current_url
