"""The API's reference pages in a real headless Chromium, under the portal's Content Security Policy: an
integrator's first stop. Swagger UI's inline script and both pages' inline styles were refused by the CSP, and
both pages stayed blank."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "operations"),
    [("/api/docs/", ".opblock"), ("/api/redoc/", "[data-section-id^='operation/']")],
)
def test_the_api_reference_pages_show_the_operations_under_the_csp(chromium, live_server, path, operations):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium(width=1280, height=900, implicit_wait=0)

    browser.get(live_server.url + path)
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, operations)))

    shown = browser.find_elements(By.CSS_SELECTOR, operations)
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
        and ("script" in entry["message"] or "style" in entry["message"])
    ]
    assert len(shown) > 20  # the public, staff, reports, programmes and targets operations
    assert refused == []
