"""Ids and years read from query strings, forms and URLs: a value that is not one is "no such thing" or a
clear message, never a 500 (PostgreSQL's bigint ends at 2**63 - 1; ``int`` refuses "²", which ``isdigit``
accepts)."""

import pytest
from django.urls import reverse

from mttq_portal.filters import id_or_none, year_or_none

BIGINT_MAX = 9223372036854775807  # PostgreSQL's documented bigint range, written out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (7, 7),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("+3", None),
        ("1_000", None),
        ("1e3", None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() reads them, no id is written so
        ("", None),
        (None, None),
        ("abc", None),
    ],
)
def test_an_id_is_ascii_digits_within_bigint(value, expected):
    assert id_or_none(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026", 2026), ("1900", 1900), ("2100", 2100), ("1899", None), ("2101", None), ("99999", None), ("²⁰²⁶", None)],
)
def test_a_year_is_four_ascii_digits_between_1900_and_2100(value, expected):
    assert year_or_none(value) == expected


HOSTILE = ["99999999999999999999", "²", "-1", "1e30"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("param", ["category", "commune", "agency", "organization"])
def test_the_dashboard_says_a_bad_filter_instead_of_failing(client, province_officer, commune_a, param, value):
    client.force_login(province_officer)
    client.raise_request_exception = False

    province = client.get(reverse("reports-dashboard"), {param: value})
    commune = client.get(reverse("reports-commune-dashboard", args=[commune_a.pk]), {param: value})

    # (on a commune's dashboard the commune is the one of its address, whatever the query says)
    for response in (province, commune) if param != "commune" else (province,):
        assert response.status_code == 200
        assert "không phải là mã hợp lệ" in response.content.decode()
    assert commune.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_the_public_record_ignores_a_filter_that_is_not_an_id(client, value):
    client.raise_request_exception = False

    assert client.get(reverse("feedback-public-record"), {"commune": value, "category": value}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999", "²⁰²⁶", "0"])
def test_the_skilful_model_register_ignores_a_year_that_is_not_one(client, province_officer, value):
    client.force_login(province_officer)
    client.raise_request_exception = False

    assert client.get(reverse("programs:skilful_model_list"), {"nam": value}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "²"])
def test_marking_notifications_read_with_a_bad_id_changes_nothing(client, officer_a, value):
    client.force_login(officer_a)
    client.raise_request_exception = False

    response = client.post(reverse("notifications-mark-read"), {"id": value})

    assert response.status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["feedback/item", "feedback/notification"])
def test_the_admin_answers_an_id_past_bigint_as_not_found(client, admin_user, path):
    client.force_login(admin_user)
    client.raise_request_exception = False

    response = client.get(f"/quan-tri/{path}/99999999999999999999/change/")

    # the admin's own "does not exist" message, on its index
    assert (response.status_code, response["Location"]) == (302, "/quan-tri/")


@pytest.mark.django_db
def test_every_admin_date_hierarchy_answers_a_year_out_of_range_with_its_own_error_page(client, admin_user):
    from django.contrib import admin

    client.force_login(admin_user)
    client.raise_request_exception = False
    hierarchies = [
        (model, model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]

    assert len(hierarchies) >= 5
    for model, field in hierarchies:
        url = f"/quan-tri/{model._meta.app_label}/{model._meta.model_name}/"
        for year in ("99999999999999999999", "9999", "0", "²"):
            response = client.get(url, {f"{field}__year": year})
            # the admin's own answer to a filter it cannot apply: back to the list with ?e=1
            assert (response.status_code, response.get("Location")) == (302, f"{url}?e=1"), (url, year)
