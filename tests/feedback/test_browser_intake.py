"""A citizen on a 360 px phone, in real headless Chromium: submit with a photo, read the receipt, look up."""

from io import StringIO

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from feedback.models import Item
from tests.feedback.files import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tap(browser, element):
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    WebDriverWait(browser, 5).until(ec.element_to_be_clickable(element))
    element.click()


@pytest.fixture
def reference_data(transactional_db):
    call_command("seed_reference_data", stdout=StringIO())


@pytest.mark.parametrize(
    ("language", "received", "status_text"),
    [("vi", "Ý kiến của bạn đã được tiếp nhận", "Đã tiếp nhận"), ("en", "Your matter has been received", "Received")],
)
def test_submit_with_a_photo_then_look_it_up(
    browser, live_server, reference_data, tmp_path, language, received, status_text
):
    photo = tmp_path / "duong-sat-lo.jpg"
    photo.write_bytes(jpeg_with_gps())
    wait = WebDriverWait(browser, 10)

    # Given the citizen opens the form on a phone (in English when chosen)
    browser.get(f"{live_server.url}/gui-y-kien/")
    if language == "en":
        browser.find_element(By.CSS_SELECTOR, 'button[name="language"][value="en"]').click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="en"]')))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360

    browser.save_screenshot(str(tmp_path / f"form-top-{language}.png"))

    # When they fill it in, filtering the communes without diacritics, attach a photo and send
    _tap(browser, browser.find_element(By.CSS_SELECTOR, 'label[for="id_type_1"]'))
    Select(browser.find_element(By.ID, "id_category")).select_by_index(5)
    commune_filter = browser.find_element(By.ID, "commune-filter")
    assert commune_filter.is_displayed()  # revealed by the script
    commune_filter.send_keys("muong phang")
    wait.until(lambda d: "Mường Phăng" in Select(d.find_element(By.ID, "id_commune")).options[0].text)
    Select(browser.find_element(By.ID, "id_commune")).select_by_visible_text("Xã Mường Phăng")
    browser.find_element(By.ID, "id_title").send_keys("Đường vào bản bị sạt lở")
    browser.find_element(By.ID, "id_content").send_keys("Sau mưa lớn, đoạn đường vào bản bị sạt, xe máy không đi được.")
    browser.find_element(By.ID, "id_attachments").send_keys(str(photo))
    browser.find_element(By.ID, "id_submitter_phone").send_keys("0912 345 678")
    # With JavaScript the phone's location fills the hidden coordinates (Điện Biên Phủ here)
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": live_server.url, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd(
        "Emulation.setGeolocationOverride", {"latitude": 21.386, "longitude": 103.023, "accuracy": 10}
    )
    _tap(browser, browser.find_element(By.ID, "geolocate"))
    wait.until(lambda d: d.find_element(By.ID, "id_latitude").get_attribute("value"))
    _tap(browser, browser.find_element(By.CSS_SELECTOR, 'label[for="id_consent_processing"]'))
    assert browser.find_element(By.ID, "id_consent_processing").is_selected()
    browser.save_screenshot(str(tmp_path / f"form-{language}.png"))
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "#feedback-form button[type=submit]"))

    # Then the receipt shows the code and the secret, and the item with its photo is saved
    wait.until(ec.presence_of_element_located((By.ID, "tracking-code")))
    assert received in browser.page_source
    browser.save_screenshot(str(tmp_path / f"receipt-{language}.png"))
    code = browser.find_element(By.ID, "tracking-code").text
    secret = browser.find_element(By.ID, "tracking-secret").text
    item = Item.objects.get(tracking_code=code)
    assert item.attachments.count() == 1
    assert item.submitter_phone == "+84912345678"
    assert (float(item.latitude), float(item.longitude)) == (21.386, 103.023)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360

    # When they look it up with the code and the secret
    browser.get(f"{live_server.url}/tra-cuu/")
    browser.find_element(By.ID, "id_code").send_keys(code)
    browser.find_element(By.ID, "id_secret").send_keys(secret)
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))

    # Then they see its public status
    status = wait.until(ec.presence_of_element_located((By.ID, "public-status")))
    assert status.text == status_text
    assert code in browser.page_source
    browser.save_screenshot(str(tmp_path / f"lookup-{language}.png"))
