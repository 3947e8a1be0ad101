"""The OpenAPI schema is the contract: it validates, and its documentation page loads nothing from outside."""

import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/reports/compliance/" in schema


@pytest.mark.django_db
def test_the_documentation_page_serves_its_assets_locally(client, admin_user):
    client.force_login(admin_user)

    html = client.get("/api/docs/").content.decode()

    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert urls, "the page should reference its assets"
    for url in urls:
        assert not url.startswith(("http://", "https://", "//")), url
    assert "cdn.jsdelivr" not in html
    assert "unpkg" not in html
