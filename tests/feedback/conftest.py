"""Fixtures of the feedback tests: reference data, a commune, a valid submission; uploads in a temp MEDIA_ROOT."""

from io import StringIO

import pytest

from feedback.deadlines import seed_deadline_rules
from feedback.models import Category
from tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rules(db):
    seed_deadline_rules(stdout=StringIO())


@pytest.fixture
def category(db):
    return Category.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land", order=10)


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Xã Mường Phăng", parent=ProvinceFactory())


@pytest.fixture
def submit_kwargs(rules, category, commune):
    """The minimum a citizen gives."""
    return {
        "type": "recommendation",
        "category_id": category.id,
        "commune_id": commune.id,
        "title": "Đường vào bản bị sạt lở",
        "content": "Sau mưa lớn, đoạn đường vào bản Co Luống bị sạt, xe máy không đi được.",
        "channel": "web",
        "privacy_notice_version": "2026-01",
        "consent_method": "online_form",
    }
