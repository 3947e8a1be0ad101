"""The targets pages in a real headless Chromium (JavaScript off): the provincial Front reads the overview,
opens a target, and approves a reported value from the queue."""

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from targets.models import Indicator, ReportStatus
from targets.services.rollup import rollup_compliance

from .test_reports import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium):
    return chromium(width=1280, height=1600, javascript=False, implicit_wait=0)


def _login(browser, live_server, client, user):
    client.force_login(user)
    browser.get(live_server.url + "/healthz")
    browser.add_cookie({"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value})


def test_provincial_front_reads_the_targets_and_approves_a_report(
    browser, live_server, client, targets_seeded, province, commune_a, officer_a, front_a, province_officer
):
    year = timezone.localdate().year
    report = submit(officer_a, front_a, Indicator.objects.get(code="A3.1"), period=str(year))
    rollup_compliance(year=year)
    _login(browser, live_server, client, province_officer)

    browser.get(f"{live_server.url}/chi-tieu/?nam={year}")
    assert "Các mục tiêu của Nghị quyết" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "span.badge")  # status shown as text, not colour alone
    browser.save_screenshot("/tmp/targets-overview.png")

    browser.find_element(By.PARTIAL_LINK_TEXT, "A1 ·").click()
    WebDriverWait(browser, 10).until(lambda d: "Kiến nghị hợp pháp, chính đáng" in d.page_source)
    assert commune_a.name in browser.page_source

    browser.get(f"{live_server.url}/chi-tieu/phe-duyet/")
    assert front_a.name in browser.page_source
    button = browser.find_element(By.CSS_SELECTOR, "button[value=approve]")
    button.click()
    # (the click returns as the form is posted; the queue page comes back after the redirect)
    WebDriverWait(browser, 10).until(ec.staleness_of(button))
    WebDriverWait(browser, 10).until(lambda d: "Đã duyệt báo cáo chỉ số A3.1" in d.page_source)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_the_report_form_fits_a_phone(chromium, live_server, client, targets_seeded, officer_a, front_a):
    # Given a commune Front officer on a 360 px phone (the indicators' names are sentences of the resolution)
    phone = chromium(width=360, height=800, phone=True, javascript=False, implicit_wait=0)
    _login(phone, live_server, client, officer_a)

    # When they open the form to report a target's figures
    phone.get(f"{live_server.url}/chi-tieu/bao-cao/")

    # Then every field fits the screen: none runs off its right edge
    overflowing = phone.execute_script(
        "return Array.from(document.querySelectorAll('main form select, main form input, main form textarea'))"
        ".filter(e => e.type !== 'hidden' && e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.name + ':' + Math.round(e.getBoundingClientRect().right));"
    )
    assert phone.execute_script("return window.innerWidth") == 360
    assert overflowing == []
