import re

import pytest


@pytest.mark.django_db
def test_home_page_is_vietnamese_by_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Cổng tiếp nhận ý kiến" in html
    assert 'href="#main"' in html  # skip link


@pytest.mark.django_db
def test_language_switch_works_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Citizen feedback portal" in html


@pytest.mark.django_db
def test_pages_load_no_asset_from_another_origin(client):
    html = client.get("/").content.decode()

    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http://", "https://", "//")), url


@pytest.mark.django_db
def test_content_security_policy_is_sent(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Trang này không tồn tại" in response.content.decode()


@pytest.mark.django_db
def test_navigation_shows_staff_links_by_role(client, officer_a, admin_user):
    assert "Quản trị" not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert "Quản trị" in client.get("/").content.decode()


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    for url in re.findall(r'(?:src|href)="([^"]+)"', docs):
        assert not url.startswith(("http://", "https://", "//")), url


@pytest.mark.django_db
def test_malformed_json_gets_the_error_shape(client, officer_a):
    client.force_login(officer_a)
    response = client.generic("POST", "/api/v1/me/", "{not json", content_type="application/json")

    assert response.status_code in (400, 405)
    assert "error" in response.json()
