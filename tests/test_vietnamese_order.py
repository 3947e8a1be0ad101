"""Lists of places and organisations in Vietnamese alphabetical order on any PostgreSQL (ADR 0182), whatever
the cluster's collation (the embedded server and CI sort by code point, where "Đ" follows "Z")."""

import re

import pytest
from rest_framework.test import APIClient

from mttq_portal.ordering import vietnamese_sort_key
from organizations.models import AdministrativeUnit
from tests.factories import CommuneFactory

# Written by hand in the order of a Vietnamese list (CLDR "vi", as PostgreSQL's ICU collation "vi-x-icu" sorts
# it): letters first (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, tones ignored), then the tones
# (none, huyền, hỏi, ngã, sắc, nặng).
IN_ORDER = [
    "Phường Điện Biên Phủ",
    "Phường Mường Lay",
    "Xã Ẳng Nưa",
    "Xã Chà Tở",
    "Xã Chiềng Sinh",
    "Xã Đứa Mòn",
    "Xã Mường Ảng",
    "Xã Mường Chà",
    "Xã Mường Lạn",
    "Xã Mường Luân",
    "Xã Nà Bủng",
    "Xã Na Sang",
    "Xã Na Son",
    "Xã Nậm Kè",
    "Xã Núa Ngam",
    "Xã Ơ Lai",
    "Xã Tủa Chùa",
    "Xã Tủa Thàng",
    "Xã Tuần Giáo",
    "Xã Ưa Pa",
]
TONES_IN_ORDER = ["Xã Ma", "Xã Mà", "Xã Mả", "Xã Mã", "Xã Má", "Xã Mạ", "Xã Mă"]


@pytest.fixture
def communes(province):
    for name in reversed(IN_ORDER + TONES_IN_ORDER):
        CommuneFactory(name=name, parent=province)


def test_the_python_key_sorts_like_the_hand_written_list():
    shuffled = sorted(IN_ORDER, key=lambda name: name[::-1])
    tones_shuffled = list(reversed(TONES_IN_ORDER))

    assert sorted(shuffled, key=vietnamese_sort_key) == IN_ORDER
    assert sorted(tones_shuffled, key=vietnamese_sort_key) == TONES_IN_ORDER


@pytest.mark.django_db
def test_the_database_sorts_places_in_vietnamese_order(communes):
    names = list(AdministrativeUnit.objects.filter(name__in=IN_ORDER).values_list("name", flat=True))
    tones = list(AdministrativeUnit.objects.filter(name__in=TONES_IN_ORDER).values_list("name", flat=True))

    assert names == IN_ORDER
    assert tones == TONES_IN_ORDER


@pytest.mark.django_db
def test_the_commune_list_of_the_api_and_of_the_citizens_form_are_in_vietnamese_order(client, communes):
    api = [row["name"] for row in APIClient().get("/api/v1/communes/", {"page_size": 100}).json()["results"]]
    form = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', client.get("/gui-y-kien/").content.decode())

    assert [name for name in api if name in IN_ORDER] == IN_ORDER
    assert [name for name in form if name in IN_ORDER] == IN_ORDER
