"""The pages in a real headless Chromium at 360 px wide, with JavaScript off: an officer records an
activity and sees the programme's progress move."""

import pytest
from django.conf import settings as django_settings
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium):
    # A 360 px phone screen, scripts off; Bootstrap scrolls smoothly unless reduced motion is asked for, and a
    # click must not race the scroll.
    return chromium(width=360, height=780, phone=True, javascript=False, reduced_motion=True, implicit_wait=0)


def _login(browser, live_server, client, user):
    client.force_login(user)
    browser.get(live_server.url + "/healthz")
    browser.add_cookie({"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value})


def _fits(browser):
    assert browser.execute_script("return window.innerWidth") == 360
    return browser.execute_script("return document.documentElement.scrollWidth") <= 360


def _submit(browser):
    # Enter in a text field submits the form natively (a phone keyboard's "Go"); no page script involved.
    browser.find_element(By.ID, "id_participants").send_keys(Keys.ENTER)


def test_officer_records_a_propaganda_session_on_a_phone(browser, live_server, client, programmes, officer_a, front_a):
    _login(browser, live_server, client, officer_a)

    browser.get(live_server.url + "/chuong-trinh/?nam=2026")
    assert "Các chương trình thực hiện Nghị quyết" in browser.page_source
    assert "Tổ chức 45-90 buổi tuyên truyền: <strong>0</strong>" in browser.page_source
    assert _fits(browser)

    browser.get(live_server.url + "/chuong-trinh/9/hoat-dong/moi/")
    assert _fits(browser)
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("propaganda_session")
    # A date input is filled by keyboard in Chromium: day, month, year in the Vietnamese locale order.
    browser.execute_script("document.getElementById('id_held_on').removeAttribute('type')")
    browser.find_element(By.ID, "id_held_on").send_keys("2026-04-15")
    Select(browser.find_element(By.ID, "id_organization")).select_by_value(str(front_a.id))
    session_count = browser.find_element(By.ID, "id_session_count")
    session_count.clear()
    session_count.send_keys("7")
    browser.find_element(By.ID, "id_description").send_keys("Tuyên truyền chính sách dân tộc tại bản")
    _submit(browser)

    WebDriverWait(browser, 10).until(lambda b: "Đã ghi nhận hoạt động" in b.page_source)
    browser.get(live_server.url + "/chuong-trinh/?nam=2026")
    assert "Tổ chức 45-90 buổi tuyên truyền: <strong>7</strong>" in browser.page_source


def test_a_refused_date_is_explained_in_vietnamese(browser, live_server, client, programmes, officer_a, front_a):
    _login(browser, live_server, client, officer_a)
    browser.get(live_server.url + "/chuong-trinh/9/hoat-dong/moi/")
    browser.execute_script("document.getElementById('id_held_on').removeAttribute('type')")
    browser.find_element(By.ID, "id_held_on").send_keys("2024-04-15")
    Select(browser.find_element(By.ID, "id_organization")).select_by_value(str(front_a.id))
    browser.find_element(By.ID, "id_description").send_keys("Tuyên truyền")
    _submit(browser)

    # The native submit does not wait for the next page: wait for it before reading it.
    WebDriverWait(browser, 10).until(lambda b: "Ngày phải nằm trong thời kỳ của Nghị quyết" in b.page_source)
    assert _fits(browser)
