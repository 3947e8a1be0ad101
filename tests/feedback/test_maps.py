"""Maps: the tile source is a setting allowed by the CSP; pins outside the province are refused in words;
Leaflet is served from this origin."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from feedback.models import Item
from mttq_portal.errors import ApplicationError
from mttq_portal.maps import tile_origins
from organizations.geography import province_bbox

pytestmark = pytest.mark.django_db


def test_a_pin_outside_the_province_is_refused_with_a_clear_message(submit_kwargs):
    from feedback.services.intake import item_submit

    # Hà Nội's Hoàn Kiếm lake is far outside Điện Biên (province code 11)
    with pytest.raises(ApplicationError) as refused:
        item_submit(**submit_kwargs, latitude="21.028511", longitude="105.852020")

    assert refused.value.fields["latitude"]
    assert "ngoài tỉnh" in refused.value.message
    item = item_submit(**submit_kwargs, latitude="21.386000", longitude="103.023000").item  # Điện Biên Phủ
    assert float(item.latitude) == 21.386


def test_the_form_keeps_what_was_typed_and_says_why(client, submit_kwargs):
    data = {
        "type": "report",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "Ổ gà",
        "content": "Ổ gà lớn",
        "consent_processing": "on",
        "latitude": "10.776889",
        "longitude": "106.700806",
    }

    response = client.post(reverse("feedback-submit"), data)

    assert response.status_code == 400
    assert Item.objects.count() == 0
    assert "ngoài tỉnh" in response.content.decode()
    assert 'value="Ổ gà"' in response.content.decode()


def test_the_tile_source_is_a_setting_allowed_by_the_csp(client, settings):
    html = client.get(reverse("feedback-submit"))

    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html.content.decode()).group(1)
    )
    assert config["tileUrl"] == settings.MAP_TILE_URL
    assert config["bounds"] == [[20.85, 102.10], [22.60, 103.65]]
    assert "https://tile.openstreetmap.org" in html["Content-Security-Policy"]
    assert tile_origins("https://{s}.tiles.example.vn/{z}/{x}/{y}.png") == ["https://*.tiles.example.vn"]
    assert tile_origins("/static/tiles/{z}/{x}/{y}.png") == []


def test_the_box_can_be_set_for_another_province(settings):
    settings.PORTAL_PROVINCE_BBOX = "10.3,106.3,11.2,107.1"

    box = province_bbox()

    assert box.contains(10.776, 106.700)
    assert not box.contains(21.386, 103.023)


def test_leaflet_is_vendored_without_source_map_references():
    root = Path(settings.BASE_DIR) / "static" / "vendor" / "leaflet"
    for name in ("leaflet.js", "leaflet.css"):
        assert "sourceMappingURL" not in (root / name).read_text(encoding="utf-8")
    assert (root / "images" / "marker-icon.png").exists()
    assert (root / "LICENSE").exists()


def test_the_staff_and_public_pages_carry_the_map(client, officer_a, commune_a, agency_a):
    from tests.feedback.workflow_fixtures import item_in

    item = item_in("forwarded", commune=commune_a, agency=agency_a, latitude="21.386000", longitude="103.023000")
    client.force_login(officer_a)

    page = client.get(reverse("workspace-item", args=[item.id])).content.decode()

    assert "vendor/leaflet/leaflet.js" in page
    assert "js/map.js" in page
    assert "data-map-point" in page
