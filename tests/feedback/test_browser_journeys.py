"""The six journeys in real headless Chromium, in Vietnamese at 360 px and in English at 1280 px, with axe-core
run on every page visited (no serious or critical violation):

citizen with a pin and a photo → officer records a call and forwards the citizen's item to the proposed
agency → agency answers with a file → Front publishes the file and closes → citizen follows the link in the
message, sees the timeline and the file, disputes → Front keeps the result with an explanation → board
drills down from a dashboard number to that item and exports the list.

Map tiles are served by the test server (``MAP_TILE_URL`` points to a static image): no outside request.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from feedback.models import Attachment, CategoryRoute, Item, Status
from tests.factories import CategoryFactory
from tests.feedback.files import jpeg_with_gps, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(settings.BASE_DIR) / "tests" / "vendor" / "axe" / "axe.min.js").read_text(encoding="utf-8")
PASSWORD = "correct horse battery"


@pytest.fixture
def browser(request, chromium):
    return chromium(width=request.node.callspec.params["width"], height=900)


def _tap(browser, element):
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    WebDriverWait(browser, 5).until(ec.element_to_be_clickable(element))
    element.click()


class Axe:
    """Runs axe-core on the current page; remembers every serious or critical violation with its page."""

    def __init__(self, browser):
        self.browser = browser
        self.problems: list = []
        self.pages = 0

    def check(self):
        self.browser.execute_script("if (!window.axe) {" + AXE + "}")
        violations = self.browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));"
        )
        self.pages += 1
        path = self.browser.current_url.split("/", 3)[-1]
        self.problems += [(path, v) for v in violations if v["impact"] in ("serious", "critical")]


def _login(browser, live_server, user):
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(user.username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit], main form input[type=submit]"))


def _logout(browser):
    browser.delete_all_cookies()


def _move_form(browser, move):
    return browser.find_element(By.CSS_SELECTOR, f'form[action$="/buoc/{move}/"]')


def _open(browser, details_form):
    details = details_form.find_element(By.XPATH, "./ancestor::details[1]")
    if details.get_attribute("open") is None:
        _tap(browser, details.find_element(By.TAG_NAME, "summary"))


@pytest.fixture
def world(transactional_db, settings, commune_a, agency_a, officer_a, agency_officer_a, board_viewer):
    from feedback.deadlines import seed_deadline_rules

    seed_deadline_rules(stdout=StringIO())
    settings.MAP_TILE_URL = "/static/vendor/leaflet/images/layers-2x.png"  # every tile from the test server
    roads = CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    CategoryRoute.objects.create(category=roads, commune=None, agency=agency_a)
    return roads


@pytest.mark.parametrize(("language", "width"), [("vi", 360), ("en", 1280)])
def test_the_six_journeys(
    browser,
    live_server,
    world,
    tmp_path,
    language,
    width,
    commune_a,
    agency_a,
    officer_a,
    agency_officer_a,
    board_viewer,
):
    wait = WebDriverWait(browser, 15)
    axe = Axe(browser)
    photo = tmp_path / "o-ga.jpg"
    photo.write_bytes(jpeg_with_gps())
    answer_file = tmp_path / "bien-ban-nghiem-thu.png"
    answer_file.write_bytes(png_bytes())

    # 1. The citizen submits with a pin tapped on the map and a photo
    browser.get(f"{live_server.url}/gui-y-kien/")
    if language == "en":
        _tap(browser, browser.find_element(By.CSS_SELECTOR, 'button[name="language"][value="en"]'))
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="en"]')))
    axe.check()
    report = browser.find_element(By.CSS_SELECTOR, 'input[name="type"][value="report"]')
    _tap(browser, browser.find_element(By.CSS_SELECTOR, f'label[for="{report.get_attribute("id")}"]'))
    Select(browser.find_element(By.ID, "id_category")).select_by_value(str(world.id))
    Select(browser.find_element(By.ID, "id_commune")).select_by_value(str(commune_a.id))
    browser.find_element(By.ID, "id_title").send_keys("Ổ gà lớn trước cổng trường tiểu học")
    browser.find_element(By.ID, "id_content").send_keys("Ổ gà sâu, học sinh đi xe đạp bị ngã.")
    pick = browser.find_element(By.ID, "pick-map")
    wait.until(lambda d: pick.is_displayed() and d.find_elements(By.CSS_SELECTOR, "#pick-map .leaflet-tile"))
    _tap(browser, pick)
    wait.until(lambda d: d.find_element(By.ID, "id_latitude").get_attribute("value"))
    browser.find_element(By.ID, "id_attachments").send_keys(str(photo))
    browser.find_element(By.ID, "id_submitter_email").send_keys("mai@example.vn")
    for name in ("consent_processing", "consent_contact", "consent_publish"):
        _tap(browser, browser.find_element(By.CSS_SELECTOR, f'label[for="id_{name}"]'))
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "#feedback-form button[type=submit]"))
    wait.until(ec.presence_of_element_located((By.ID, "tracking-code")))
    axe.check()
    code = browser.find_element(By.ID, "tracking-code").text
    secret = browser.find_element(By.ID, "tracking-secret").text
    item = Item.objects.get(tracking_code=code)
    assert item.latitude is not None
    assert item.attachments.count() == 1
    assert item.submitter_language == language
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width

    # 2. The officer lands on the queue, records a phone call, and forwards the citizen's item to the
    #    agency proposed for roads
    _logout(browser)
    _login(browser, live_server, officer_a)
    wait.until(ec.url_contains("/can-bo/viec/"))
    axe.check()
    browser.get(f"{live_server.url}/can-bo/ghi-nhan/")
    axe.check()
    Select(browser.find_element(By.ID, "id_channel")).select_by_value("phone")
    Select(browser.find_element(By.ID, "id_type")).select_by_value("report")
    Select(browser.find_element(By.ID, "id_category")).select_by_value(str(world.id))
    browser.find_element(By.ID, "id_title").send_keys("Đèn đường hỏng")
    browser.find_element(By.ID, "id_content").send_keys("Người dân gọi điện báo đèn đường hỏng.")
    Select(browser.find_element(By.ID, "id_consent_method")).select_by_value("verbal")
    _tap(browser, browser.find_element(By.ID, "id_consent_processing"))
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    wait.until(ec.url_matches(r"/can-bo/viec/\d+/$"))
    assert Item.objects.filter(channel="phone", commune=commune_a, created_by=officer_a).exists()
    browser.get(f"{live_server.url}/can-bo/viec/{item.id}/")
    axe.check()
    forward = _move_form(browser, "forward")
    assert Select(forward.find_element(By.NAME, "agency")).first_selected_option.text == agency_a.name
    _tap(browser, forward.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: Item.objects.get(pk=item.id).status == Status.FORWARDED)

    # 3. The agency lands on its inbox and answers with a file
    _logout(browser)
    _login(browser, live_server, agency_officer_a)
    wait.until(ec.url_contains("/can-bo/hop-thu/"))
    axe.check()
    browser.get(f"{live_server.url}/can-bo/viec/{item.id}/")
    axe.check()
    answer = _move_form(browser, "answer")
    answer.find_element(By.NAME, "answer").send_keys("Đã vá ổ gà ngày 10/4.")
    answer.find_element(By.NAME, "attachments").send_keys(str(answer_file))
    _tap(browser, answer.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: Item.objects.get(pk=item.id).status == Status.ANSWERED)

    # 4. The Front makes the file public and closes with the public answer
    _logout(browser)
    _login(browser, live_server, officer_a)
    wait.until(ec.url_contains("/can-bo/viec/"))
    browser.get(f"{live_server.url}/can-bo/viec/{item.id}/")
    published = Attachment.objects.get(original_name="bien-ban-nghiem-thu.png")
    _tap(browser, browser.find_element(By.ID, f"pub-{published.id}"))
    _tap(browser, browser.find_element(By.CSS_SELECTOR, 'form[action$="/tep-cong-khai/"] button[type=submit]'))
    wait.until(lambda d: Attachment.objects.get(pk=published.id).is_public)
    resolve = _move_form(browser, "resolve")
    _tap(browser, resolve.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: Item.objects.get(pk=item.id).status == Status.RESOLVED)
    axe.check()

    # 5. The citizen follows the link in the last message, sees the timeline and the file, then disputes
    _logout(browser)
    bodies = [m.body for m in mail.outbox if m.to == ["mai@example.vn"]]
    assert len(bodies) == 4  # received, forwarded, answered, closed
    link = re.search(r"https?://\S+/y-kien/\S+/", bodies[-1]).group(0)
    browser.get(live_server.url + "/" + link.split("/", 3)[3])
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.timeline")))
    axe.check()
    page = browser.page_source
    assert agency_a.name in page
    assert "bien-ban-nghiem-thu.png" in page
    assert "/y-kien/ma/" in browser.current_url
    browser.get(f"{live_server.url}/tra-cuu/?code={code}")
    browser.find_element(By.ID, "id_secret").send_keys(secret)
    _tap(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    wait.until(ec.presence_of_element_located((By.ID, "id_dispute-reason")))
    axe.check()
    browser.find_element(By.ID, "id_dispute-reason").send_keys("Ổ gà vẫn còn một nửa.")
    _tap(browser, browser.find_element(By.CSS_SELECTOR, 'form[action$="/khong-dong-y/"] button[type=submit]'))
    wait.until(lambda d: Item.objects.get(pk=item.id).status == Status.REOPENED)
    axe.check()

    # 6. The Front keeps the result with an explanation the citizen reads
    _login(browser, live_server, officer_a)
    wait.until(ec.url_contains("/can-bo/viec/"))
    browser.get(f"{live_server.url}/can-bo/viec/{item.id}/")
    axe.check()
    uphold = _move_form(browser, "uphold")
    _open(browser, uphold)
    uphold.find_element(By.NAME, "explanation").send_keys("Phần còn lại thuộc đường tỉnh, đã có kế hoạch sửa.")
    _tap(browser, uphold.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: Item.objects.get(pk=item.id).status == Status.RESOLVED)

    # 7. The board lands on the dashboard, follows a number down to the item and exports the list
    from reports.services import summary_refresh

    summary_refresh(full=True)
    _logout(browser)
    _login(browser, live_server, board_viewer)
    wait.until(ec.url_contains("/bao-cao/"))
    axe.check()
    number = browser.find_element(By.CSS_SELECTOR, 'a[href*="/bao-cao/danh-sach/"][href*="measure=received"]')
    _tap(browser, number)
    wait.until(ec.url_contains("/bao-cao/danh-sach/"))
    axe.check()
    _tap(browser, browser.find_element(By.LINK_TEXT, code))
    wait.until(ec.url_contains(f"/bao-cao/y-kien/{item.id}/"))
    axe.check()
    assert "mai@example.vn" not in browser.page_source
    browser.back()
    export = browser.find_element(By.CSS_SELECTOR, 'a[href*="export=csv"]').get_attribute("href")
    client = Client()
    client.force_login(board_viewer)
    csv = client.get(export).content.decode("utf-8-sig")
    assert code in csv
    assert "mai@example.vn" not in csv

    # axe-core found no serious or critical violation on any page visited
    assert axe.pages >= 15
    assert axe.problems == [], "\n".join(f"{page}: {v}" for page, v in axe.problems)
