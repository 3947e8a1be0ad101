"""The citizen's pages: form, receipt, lookup and its actions, privacy notice, navigation."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from feedback import tracking
from feedback.models import EventKind, Item, ItemEvent, Status
from tests.feedback.files import SVG, jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_data(submit_kwargs):
    return {
        "type": "recommendation",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "Đường vào bản bị sạt lở",
        "content": "Sau mưa lớn, đoạn đường vào bản bị sạt.",
        "consent_processing": "on",
        "idempotency_key": "form-key-0123456789abcdef",
    }


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_form_lists_the_45_communes_without_javascript_and_ticks_nothing(client, seeded):
    html = client.get("/gui-y-kien/").content.decode()
    select = re.search(r'<select name="commune".*?</select>', html, re.S).group(0)
    assert select.count("<option") == 46  # the empty choice and the 45 communes of Điện Biên
    assert "Mường Phăng" in select
    assert len(_key(html)) >= 16
    assert not re.search(r'name="consent_\w+"[^>]*checked', html)
    assert "tố cáo ẩn danh" in html.lower() or "tố cáo ẩn danh" in html
    assert 'href="/thong-bao-du-lieu-ca-nhan/"' in html
    assert 'hx-get="/accounts/communes/"' in html


def test_commune_filter_finds_without_diacritics(client, seeded):
    html = client.get("/accounts/communes/?q=muong phang", HTTP_HX_REQUEST="true").content.decode()
    assert "Mường Phăng" in html


def test_submit_shows_the_receipt_after_commit(client, form_data):
    response = client.post("/gui-y-kien/", form_data)
    html = response.content.decode()
    assert response.status_code == 200
    item = Item.objects.get()
    assert item.tracking_code in html
    assert item.channel == "web"
    assert item.consent_method == "online_form"
    secret = re.search(r'id="tracking-secret">([^<]+)<', html).group(1)
    assert tracking.secret_matches(tracking_code=item.tracking_code, secret=secret, secret_hash=item.secret_hash)
    assert item.triage_due_date.strftime("%d/%m/%Y") in html
    assert "Cache-Control" in response.headers
    assert "no-cache" in response["Cache-Control"]


def test_double_tap_creates_one_item_and_the_same_receipt(client, form_data):
    first = client.post("/gui-y-kien/", form_data).content.decode()
    second = client.post("/gui-y-kien/", form_data).content.decode()
    assert Item.objects.count() == 1
    code = Item.objects.get().tracking_code
    pattern = r'id="tracking-secret">([^<]+)<'
    assert code in second
    assert re.search(pattern, first).group(1) == re.search(pattern, second).group(1)


def test_errors_are_shown_next_to_fields_in_vietnamese_and_values_are_kept(client, form_data):
    data = {**form_data, "title": "", "submitter_phone": "12345", "consent_processing": ""}
    data["content"] = "Nội dung <b>giữ lại</b>"
    response = client.post("/gui-y-kien/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập tiêu đề" in html or "Vui lòng cho biết tiêu đề" in html
    assert "Nhập số điện thoại Việt Nam" in html
    assert "Mặt trận chỉ có thể xử lý" in html
    assert "Nội dung &lt;b&gt;giữ lại&lt;/b&gt;" in html  # kept, and shown as text
    assert 'value="12345"' in html
    assert _key(html) == form_data["idempotency_key"]
    assert not Item.objects.exists()


def test_bad_attachment_is_refused_next_to_the_field(client, form_data):
    data = {**form_data, "attachments": [SimpleUploadedFile("anh.jpg", SVG, "image/jpeg")]}
    html = client.post("/gui-y-kien/", data).content.decode()
    assert "không được chấp nhận" in html
    assert not Item.objects.exists()


def test_photo_attachment_is_accepted(client, form_data):
    data = {**form_data, "attachments": [SimpleUploadedFile("anh.jpg", jpeg_with_gps(), "image/jpeg")]}
    assert client.post("/gui-y-kien/", data).status_code == 200
    assert Item.objects.get().attachments.count() == 1


def test_honeypot_refuses_without_creating(client, form_data):
    response = client.post("/gui-y-kien/", {**form_data, "fax_number": "bot"})
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_rate_limit_on_the_form(client, form_data, settings):
    settings.FEEDBACK_SUBMIT_RATE = "1/3600"
    assert client.post("/gui-y-kien/", form_data).status_code == 200
    response = client.post("/gui-y-kien/", {**form_data, "idempotency_key": "another-key-0123456789"})
    assert response.status_code == 429
    assert Item.objects.count() == 1


def test_html_in_text_is_shown_as_text(client, form_data):
    data = {**form_data, "title": "<script>alert(1)</script>"}
    html = client.post("/gui-y-kien/", data).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---- lookup -------------------------------------------------------------------------------------------


def test_lookup_with_secret_or_phone_digits(client, submitted):
    item, secret = submitted
    by_secret = client.post("/tra-cuu/", {"code": item.tracking_code.lower().replace("-", " "), "secret": secret})
    by_phone = client.post("/tra-cuu/", {"code": item.tracking_code, "phone_digits": "5678"})
    for response in (by_secret, by_phone):
        html = response.content.decode()
        assert response.status_code == 200
        assert item.tracking_code in html
        assert "Đã tiếp nhận" in html
        assert "Pánh" not in html
        assert "0912" not in html
        assert "+84" not in html
    # only the secret may act: the phone's last digits show the status, and no form that would be refused
    assert 'action="/tra-cuu/rut-y-kien/"' in by_secret.content.decode()
    assert 'action="/tra-cuu/rut-y-kien/"' not in by_phone.content.decode()


def test_wrong_secret_and_unknown_code_look_the_same(client, submitted):
    item, _secret = submitted
    wrong = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": "ZZZZZZ"})
    unknown = client.post("/tra-cuu/", {"code": "DB-26-AAA-AAA-AAA", "secret": "ZZZZZZ"})
    digits = client.post("/tra-cuu/", {"code": item.tracking_code, "phone_digits": "0000"})
    assert wrong.status_code == unknown.status_code == digits.status_code == 404
    assert item.title not in wrong.content.decode()
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"', "", r.content.decode())  # noqa: E731
    assert strip(wrong) == strip(unknown)


def test_wrong_lookups_are_throttled_per_address(client, submitted, settings):
    item, secret = submitted
    settings.FEEDBACK_LOOKUP_FAILURE_RATE = "2/900"
    for _ in range(2):
        client.post("/tra-cuu/", {"code": item.tracking_code, "secret": "WRONG1"})
    response = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret})
    assert response.status_code == 429
    assert "15 phút" in response.content.decode()


def test_a_guessing_storm_on_one_code_makes_it_need_the_secret_without_locking_its_owner_out(
    client, submitted, settings
):
    # Given a code guessed at with the phone's 4 digits from many addresses, written in variants the lookup
    # reads as the same code
    item, secret = submitted
    settings.FEEDBACK_LOOKUP_CODE_FAILURE_RATE = "3/900"
    variants = [item.tracking_code, item.tracking_code.replace("-", "."), item.tracking_code.lower()]
    for n, variant in enumerate(variants):
        client.post("/tra-cuu/", {"code": variant, "phone_digits": f"000{n}"}, REMOTE_ADDR=f"10.9.0.{n}")

    # Then the right digits no longer open it, from any address or spelling; the owner's secret still does
    by_digits = client.post(
        "/tra-cuu/", {"code": item.tracking_code.replace("-", "."), "phone_digits": "5678"}, REMOTE_ADDR="10.9.1.1"
    )
    by_secret = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}, REMOTE_ADDR="10.9.1.2")
    assert by_digits.status_code == 404
    assert item.title not in by_digits.content.decode()
    assert by_secret.status_code == 200
    assert item.tracking_code in by_secret.content.decode()


def test_the_phone_digits_only_show_the_status(client, submitted, make_answered):
    item, _secret = submitted
    make_answered(item)
    page = client.post("/tra-cuu/", {"code": item.tracking_code, "phone_digits": "5678"})
    withdraw = client.post(
        "/tra-cuu/rut-y-kien/", {"code": item.tracking_code, "phone_digits": "5678", "withdraw-reason": "x"}
    )
    rate = client.post("/tra-cuu/danh-gia/", {"code": item.tracking_code, "phone_digits": "5678", "satisfied": "0"})

    assert page.status_code == 200
    assert "Đã sửa xong đoạn đường." not in page.content.decode()
    assert withdraw.status_code == 403
    assert rate.status_code == 403
    item.refresh_from_db()
    assert item.status == "answered"
    assert item.rated_at is None


def test_the_phone_digits_open_nothing_for_a_denunciation(client, submitted):
    item, secret = submitted
    Item.objects.filter(pk=item.pk).update(type="denunciation")

    assert client.post("/tra-cuu/", {"code": item.tracking_code, "phone_digits": "5678"}).status_code == 404
    assert client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).status_code == 200


def test_lookup_counters_are_atomic_under_concurrent_guesses(settings, rf):
    """20 guesses at once from one address with a limit of 5: exactly 5 are looked at (counted before the
    check, in one Redis INCR each), whatever the interleaving."""
    from concurrent.futures import ThreadPoolExecutor

    from feedback import ratelimit

    settings.FEEDBACK_LOOKUP_FAILURE_RATE = "5/900"
    request = rf.post("/tra-cuu/", REMOTE_ADDR="10.7.7.7")
    with ThreadPoolExecutor(max_workers=10) as pool:
        attempts = list(pool.map(lambda n: ratelimit.lookup_attempt(request, f"DB-26-AAA-AAA-AA{n % 10}"), range(20)))

    assert sum(not a.address_blocked for a in attempts) == 5


def test_rate_after_answer(client, submitted, make_answered):
    item, secret = submitted
    make_answered(item)
    page = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()
    assert "Đã sửa xong đoạn đường." in page
    assert "UBND xã Mường Phăng" in page
    response = client.post(
        "/tra-cuu/danh-gia/",
        {"code": item.tracking_code, "secret": secret, "satisfied": "0", "comment": "Chưa sửa hết"},
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.citizen_satisfied is False
    assert item.rating_comment == "Chưa sửa hết"
    assert ItemEvent.objects.filter(item=item, kind=EventKind.RATED).count() == 1
    again = client.post("/tra-cuu/danh-gia/", {"code": item.tracking_code, "secret": secret, "satisfied": "1"})
    assert again.status_code == 409


def test_dispute_within_the_window_reopens(client, submitted, make_answered):
    item, secret = submitted
    make_answered(item, close=True)
    response = client.post(
        "/tra-cuu/khong-dong-y/", {"code": item.tracking_code, "secret": secret, "dispute-reason": "Đường vẫn sạt"}
    )
    assert response.status_code == 200, response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.REOPENED
    event = ItemEvent.objects.filter(item=item).latest("id")
    assert event.to_status == Status.REOPENED
    assert event.actor_label == "citizen"
    assert event.note == "Đường vẫn sạt"


def test_dispute_after_the_window_is_refused(client, submitted, make_answered, settings):
    item, secret = submitted
    make_answered(item, close=True)
    Item.objects.filter(pk=item.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=settings.FEEDBACK_DISPUTE_DAYS + 2)
    )
    response = client.post(
        "/tra-cuu/khong-dong-y/", {"code": item.tracking_code, "secret": secret, "dispute-reason": "Muộn"}
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_withdraw(client, submitted):
    item, secret = submitted
    response = client.post(
        "/tra-cuu/rut-y-kien/", {"code": item.tracking_code, "secret": secret, "withdraw-reason": ""}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN


def test_actions_need_the_secret(client, submitted):
    item, _secret = submitted
    response = client.post("/tra-cuu/rut-y-kien/", {"code": item.tracking_code, "secret": "WRONG1"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == Status.RECEIVED


# ---- navigation, privacy notice ------------------------------------------------------------------------


def test_citizen_links_on_the_home_page(client):
    html = client.get("/").content.decode()
    for label in ("Gửi ý kiến, kiến nghị", "Tra cứu", "Công khai kết quả"):
        assert label in html


def test_privacy_notice_in_both_languages(client, settings):
    vi = client.get("/thong-bao-du-lieu-ca-nhan/").content.decode()
    assert "Thông báo xử lý dữ liệu cá nhân" in vi
    assert settings.PRIVACY_NOTICE_VERSION in vi
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/thong-bao-du-lieu-ca-nhan/").content.decode()
    assert "Privacy notice" in en
    assert settings.PRIVACY_NOTICE_VERSION in en


def test_form_submission_succeeds_when_redis_is_down(client, form_data, django_capture_on_commit_callbacks):
    from django.test import override_settings

    down = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }
    with override_settings(CACHES=down), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/gui-y-kien/", form_data)
    assert response.status_code == 200
    assert Item.objects.get().tracking_code in response.content.decode()


def test_client_address_behind_a_trusted_proxy(client, form_data, settings):
    settings.FEEDBACK_SUBMIT_RATE = "1/3600"
    settings.TRUSTED_PROXY_COUNT = 1
    first = client.post("/gui-y-kien/", form_data, HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = client.post(
        "/gui-y-kien/", {**form_data, "idempotency_key": "other-key-0123456789ab"}, HTTP_X_FORWARDED_FOR="203.0.113.2"
    )
    again = client.post(
        "/gui-y-kien/", {**form_data, "idempotency_key": "third-key-0123456789ab"}, HTTP_X_FORWARDED_FOR="203.0.113.1"
    )
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


@pytest.mark.django_db
def test_the_portal_and_its_administration_name_their_icon(client, seeded):
    # Given a browser opening a page (one without a named icon makes it ask for /favicon.ico, a 404 in the
    # console of every page)
    from django.contrib.staticfiles import finders

    for url in ("/", "/accounts/login/", "/quan-tri/login/"):
        html = client.get(url).content.decode()
        # Then the page names the portal's icon, and the icon is a static file that is an SVG image
        icon = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html)
        assert icon, url
        with open(finders.find(icon.group(1)), encoding="utf-8") as svg:
            assert svg.read().startswith("<svg ")
