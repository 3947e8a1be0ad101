"""A citizen in real headless Chromium looks up their item, downloads their data and withdraws consent."""

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from feedback.models import Item
from feedback.services.intake import item_submit
from organizations.models import AdministrativeUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium, tmp_path):
    return chromium(downloads=tmp_path)


@pytest.fixture
def submitted(transactional_db):
    call_command("seed_reference_data", stdout=StringIO())
    commune = AdministrativeUnit.objects.filter(parent__isnull=False).first()
    from feedback.models import Category

    result = item_submit(
        type="recommendation",
        category_id=Category.objects.first().id,
        commune_id=commune.id,
        title="Đường vào bản bị sạt lở",
        content="Sau mưa lớn, đoạn đường vào bản bị sạt, xe máy không đi được.",
        channel="web",
        privacy_notice_version="2026-01",
        consent_method="online_form",
        consent_contact=True,
        consent_publish=True,
        submitter_name="Lò Văn Páo",
        submitter_phone="0912 345 678",
    )
    return result.item, result.secret


def tap(browser, element_id):
    element = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    WebDriverWait(browser, 5).until(ec.element_to_be_clickable(element))
    element.click()


def look_up(browser, base, item, secret):
    browser.get(f"{base}/tra-cuu/")
    browser.find_element(By.ID, "id_code").send_keys(item.tracking_code)
    browser.find_element(By.ID, "id_secret").send_keys(secret)
    browser.find_element(By.ID, "id_secret").submit()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "data-rights")))


def test_citizen_downloads_their_data_and_withdraws_consent(browser, live_server, submitted, tmp_path):
    item, secret = submitted

    # Given the citizen looked their item up with the code and the secret
    look_up(browser, live_server.url, item, secret)
    assert "Dữ liệu cá nhân của bạn" in browser.page_source

    # When they download their data, then a JSON file with what they gave arrives
    tap(browser, "data-download")
    target = tmp_path / f"du-lieu-{item.tracking_code}.json"
    deadline = time.monotonic() + 15
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["submitter"]["name"] == "Lò Văn Páo"
    assert data["consents"]["publish"] is True

    # When they withdraw consent to publish and to be contacted, then both take effect at once
    look_up(browser, live_server.url, item, secret)
    tap(browser, "withdraw-publish")
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.ID, "withdraw-publish"))
    assert "Đồng ý của bạn đã được rút" in browser.page_source
    tap(browser, "withdraw-contact")
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.ID, "withdraw-contact"))
    item = Item.objects.get(pk=item.pk)
    assert (item.consent_publish, item.consent_contact) == (False, False)
