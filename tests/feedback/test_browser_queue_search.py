"""An officer finds an item in the queue by the code a citizen reads out over the phone (lower case, spaces
for dashes) and by words typed without accents, through the filter form as the browser sends it (every
field, "All" as an empty value), in real headless Chromium: Vietnamese at 360 px, English at 1280 px. The
search is served by indexes (ADR 0177; the plan is checked in test_item_indexes.py). Forwarding the found
item from the list brings the officer back to the same search."""

from urllib.parse import quote_plus

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from feedback.models import Status
from feedback.services.intake import item_submit
from tests.feedback.test_browser_journeys import _login, _tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(request, chromium):
    return chromium(width=request.node.callspec.params["width"], height=900)


def _search(browser, wait, text: str) -> str:
    """Types ``text`` in the search box and presses Filter: the whole form is sent, "All" as empty values."""
    box = browser.find_element(By.ID, "f-q")
    box.clear()
    box.send_keys(text)
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "main form[method=get] button[type=submit]"))
    # the new page's address carries the search; then wait for that page to have loaded
    wait.until(lambda d: f"q={quote_plus(text)}&" in d.current_url)
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert browser.find_element(By.ID, "f-q").get_attribute("value") == text
    return browser.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize(("language", "width"), [("vi", 360), ("en", 1280)])
def test_an_officer_finds_an_item_by_the_code_read_out_and_by_words_without_accents(
    browser, live_server, rules, category, commune_a, agency_a, officer_a, language, width
):
    wait = WebDriverWait(browser, 15)
    common = {
        "type": "recommendation",
        "category_id": category.id,
        "commune_id": commune_a.id,
        "channel": "web",
        "privacy_notice_version": "2026-01",
        "consent_method": "online_form",
    }
    landslide = item_submit(**common, title="Sạt lở đường vào bản", content="Đường vào bản Co Luống bị sạt.").item
    lamp = item_submit(**common, title="Đèn đường hỏng", content="Đèn ở tổ 3 không sáng.").item

    _login(browser, live_server, officer_a)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "main")))
    if language == "en":
        _tap(browser, browser.find_element(By.CSS_SELECTOR, 'button[name="language"][value="en"]'))
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="en"]')))
    browser.get(f"{live_server.url}/can-bo/viec/")
    assert landslide.tracking_code in browser.find_element(By.TAG_NAME, "main").text

    read_out = landslide.tracking_code.lower().replace("-", " ")  # "db 26 abc def ghk"
    shown = _search(browser, wait, read_out)
    assert landslide.tracking_code in shown
    assert lamp.tracking_code not in shown

    shown = _search(browser, wait, "den duong hong")
    assert lamp.tracking_code in shown
    assert landslide.tracking_code not in shown

    # the officer forwards the found item from the list and comes back to the same search
    _tap(browser, browser.find_element(By.CSS_SELECTOR, f'input[name="items"][value="{lamp.id}"]'))
    Select(browser.find_element(By.ID, "b-agency")).select_by_value(str(agency_a.id))
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "#bulk-forward button[type=submit]"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".alert-success"))
    assert browser.find_element(By.ID, "f-q").get_attribute("value") == "den duong hong"
    lamp.refresh_from_db()
    assert (lamp.status, lamp.current_agency_id) == (Status.FORWARDED, agency_a.id)

    # nothing wider than the screen on a phone
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
