"""Open311 GeoReport v2: both formats, checked against JSON Schemas from the spec; XML parsed back."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import validate

from feedback.models import Channel, ConsentMethod, Item, Status
from feedback.selectors.open311 import open311_requests
from feedback.services.intake import item_submit
from organizations.models import ApiTokenScope, Level, Organization, OrganizationKind
from organizations.selectors import commune_list
from organizations.tokens import api_token_issue, api_token_revoke
from tests.feedback import open311_schemas as schemas

BASE = "/open311/v2"


@pytest.fixture
def world(seeded):
    commune = commune_list().order_by("code").first()
    other = commune_list().order_by("code").last()
    province_front = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE)
    commune_front = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, unit=commune)
    agency = Organization.objects.get(kind=OrganizationKind.PEOPLES_COMMITTEE, unit=commune)
    _t, submit_key = api_token_issue(
        organization=province_front,
        name="Ứng dụng phản ánh",
        scopes=[ApiTokenScope.FIGURES, ApiTokenScope.OPEN311_SUBMIT],
    )
    return {
        "commune": commune,
        "other": other,
        "province_front": province_front,
        "commune_front": commune_front,
        "agency": agency,
        "submit_key": submit_key,
    }


def submit(commune, *, publish=False, title="Đường vào bản bị sạt lở", received_at=None, **extra):
    return item_submit(
        type="report",
        category_id=extra.pop("category_id", None) or _category_id("giao-thong"),
        commune_id=commune.id,
        title=title,
        content="Sau mưa lớn, đoạn đường vào bản bị sạt lở, xe máy không đi được.",
        channel=Channel.WEB,
        privacy_notice_version="2026-01",
        consent_method=ConsentMethod.ONLINE_FORM,
        consent_publish=publish,
        submitter_name="Lò Thị Mai",
        submitter_phone="0912345678",
        received_at=received_at,
        **extra,
    ).item


def _category_id(code):
    from feedback.models import Category

    return Category.objects.get(code=code).id


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def post(client, key, fmt="json", **fields):
    data = {
        "api_key": key,
        "service_code": "giao-thong",
        "lat": "21.3856",
        "long": "103.0169",
        "address_string": "Bản Phăng, gần trường tiểu học",
        "description": "Cầu tràn qua suối bị cuốn trôi.\nNgười dân phải lội qua suối.",
        "first_name": "Lò Văn",
        "last_name": "Bình",
        "phone": "0912 345 678",
        **fields,
    }
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items() if v is not None})


def test_discovery_in_both_formats(client, world):
    response = client.get(f"{BASE}/discovery.json")
    validate(response.json(), schemas.DISCOVERY)
    assert response.json()["endpoints"][0]["url"].endswith("/open311/v2")

    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_categories_in_both_formats(client, world):
    body = client.get(f"{BASE}/services.json").json()
    validate(body, schemas.SERVICES)
    assert {"dat-dai", "giao-thong"} <= {s["service_code"] for s in body}

    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert len(root.findall("service")) == len(body)
    assert root.find("service/metadata").text == "true"


def test_service_definition_names_the_consent_attribute(client, world):
    body = client.get(f"{BASE}/services/giao-thong.json").json()
    validate(body, schemas.SERVICE_DEFINITION)
    attributes = {a["code"]: a for a in body["attributes"]}
    assert attributes["consent_processing"]["required"] is True
    assert attributes["commune"]["required"] is True
    assert {"key": str(world["commune"].code), "name": world["commune"].name} in attributes["commune"]["values"]

    root = xml(client.get(f"{BASE}/services/giao-thong.xml"))
    assert root.tag == "service_definition"
    codes = [a.find("code").text for a in root.findall("attributes/attribute")]
    assert "consent_processing" in codes
    assert root.find("attributes/attribute/values/value/key") is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_in_the_spec_error_shape(client, world, fmt):
    response = client.get(f"{BASE}/services/khong-co.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        validate(response.json(), schemas.ERRORS)
        assert response.json()[0]["code"] == 404
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.find("error/code").text == "404"


def test_post_creates_an_item_through_the_intake_service(client, world, django_capture_on_commit_callbacks):
    consent = {"attribute[consent_processing]": "yes", "attribute[commune]": str(world["commune"].code)}

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world["submit_key"], **consent, **{"attribute[consent_publish]": "yes"})

    assert response.status_code == 201
    validate(response.json(), schemas.POST_RESPONSE)
    item = Item.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert item.channel == Channel.OPEN311
    assert item.consent_method == ConsentMethod.API
    assert (item.consent_processing, item.consent_publish, item.consent_contact) == (True, True, False)
    assert item.commune == world["commune"]
    assert item.title == "Cầu tràn qua suối bị cuốn trôi."
    assert item.submitter_name == "Lò Văn Bình"
    assert item.submitter_phone == "+84912345678"
    assert item.events.get().kind == "submitted"
    assert str(item.latitude) == "21.385600"


def test_post_in_xml(client, world):
    response = post(
        client,
        world["submit_key"],
        "xml",
        **{"attribute[consent_processing]": "yes", "attribute[commune]": str(world["commune"].code)},
    )

    root = xml(response)
    assert response.status_code == 201
    assert root.tag == "service_requests"
    code = root.find("request/service_request_id").text
    assert Item.objects.filter(tracking_code=code, channel=Channel.OPEN311).exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_without_consent_is_refused(client, world, fmt):
    response = post(client, world["submit_key"], fmt, **{"attribute[commune]": str(world["commune"].code)})

    assert response.status_code == 400
    if fmt == "json":
        validate(response.json(), schemas.ERRORS)
        assert "consent_processing" in response.json()[0]["description"]
    else:
        assert "consent_processing" in xml(response).find("error/description").text
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"attribute[commune]": "99999"}, "attribute[commune]"),
        ({"attribute[commune]": "²"}, "attribute[commune]"),
        ({"attribute[commune]": "99999999999999999999"}, "attribute[commune]"),
        ({"service_code": "khong-co"}, "khong-co"),
        ({"description": ""}, "description"),
        ({"lat": "abc"}, "lat"),
    ],
)
def test_invalid_fields_are_400_with_the_parameter_named(client, world, fields, expected):
    base = {"attribute[consent_processing]": "yes", "attribute[commune]": str(world["commune"].code)}

    response = post(client, world["submit_key"], **{**base, **fields})

    assert response.status_code == 400
    validate(response.json(), schemas.ERRORS)
    assert expected in response.json()[0]["description"]


def test_keys_that_may_not_submit_are_refused_with_403(client, world):
    consent = {"attribute[consent_processing]": "yes", "attribute[commune]": str(world["commune"].code)}
    _token, key = api_token_issue(organization=world["province_front"], name="Chỉ đọc")
    revoked, revoked_key = api_token_issue(
        organization=world["province_front"], name="Cũ", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.OPEN311_SUBMIT]
    )
    api_token_revoke(token=revoked)

    responses = [post(client, k, **consent) for k in (None, key, revoked_key, "mttq_0000_sai")]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    for r in responses:
        validate(r.json(), schemas.ERRORS)
    assert not Item.objects.exists()


def answered(item, **fields):
    agency = Organization.objects.get(kind=OrganizationKind.PEOPLES_COMMITTEE, unit_id=item.commune_id)
    Item.objects.filter(pk=item.pk).update(status=Status.ANSWERED, current_agency=agency, **fields)
    return item


def test_public_list_shows_only_published_items_and_no_personal_data(client, world):
    # Given: one answered consenting item (the only one the public record shows), and items the public record
    # hides: not consenting, received and unreviewed, rejected, and a consenting answered denunciation.
    published = answered(
        submit(
            world["commune"],
            publish=True,
            title="Lò Thị Mai 0912345678 báo đường sạt lở",
            latitude="21.38567",
            longitude="103.01649",
        )
    )
    answered(submit(world["commune"], publish=False, title="Không công khai"))
    submit(world["commune"], publish=True, title="Chưa xem xét")
    rejected = submit(world["commune"], publish=True, title="Bị từ chối")
    Item.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    denunciation = answered(submit(world["commune"], publish=True, title="Tôi tố cáo cán bộ xã"))
    Item.objects.filter(pk=denunciation.pk).update(type="denunciation")

    body = client.get(f"{BASE}/requests.json").json()
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": denunciation.tracking_code}).json()

    validate(body, schemas.REQUESTS)
    assert [r["service_request_id"] for r in body] == [published.tracking_code]
    assert by_id == []
    assert client.get(f"{BASE}/requests/{rejected.tracking_code}.json").status_code == 404
    # The cleaned public summary, not the raw content; no name, no phone; the commune as the address.
    assert "Lò Thị Mai" not in str(body)
    assert "912345678" not in str(body)
    assert "Sau mưa lớn" not in str(body)
    assert body[0]["description"] == "[…] […] báo đường sạt lở"
    assert body[0]["address"] == world["commune"].name
    assert (body[0]["lat"], body[0]["long"]) == (21.386, 103.016)


def test_status_notes_agency_and_expected_datetime_come_from_the_one_agency_and_due_date(client, world):
    item = submit(world["commune"], publish=True)
    Item.objects.filter(pk=item.pk).update(
        status=Status.FORWARDED, current_agency=world["agency"], due_date="2026-12-15", answer_due_date="2026-12-15"
    )
    _t, key = api_token_issue(
        organization=world["commune_front"], name="Xã", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS]
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    json_row = client.get(f"{BASE}/requests/{item.tracking_code}.json", **bearer).json()[0]
    xml_row = xml(client.get(f"{BASE}/requests/{item.tracking_code}.xml", **bearer)).find("request")

    assert json_row["agency_responsible"] == world["agency"].name
    assert json_row["expected_datetime"] == "2026-12-15T23:59:59+07:00"
    assert json_row["status_notes"]
    assert xml_row.find("agency_responsible").text == world["agency"].name
    assert xml_row.find("expected_datetime").text == "2026-12-15T23:59:59+07:00"
    assert xml_row.find("status").text == "open"


def test_a_closed_item_is_closed_with_its_public_answer(client, world):
    item = submit(world["commune"], publish=True)
    Item.objects.filter(pk=item.pk).update(status=Status.RESOLVED, public_answer="Đã sửa xong cầu tràn.")

    row = client.get(f"{BASE}/requests/{item.tracking_code}.json").json()[0]

    assert (row["status"], row["status_notes"], row["expected_datetime"]) == ("closed", "Đã sửa xong cầu tràn.", None)


def test_filters_and_the_default_window(client, world):
    recent = answered(submit(world["commune"], publish=True))
    old = answered(submit(world["commune"], publish=True, received_at=timezone.now() - timedelta(days=120)))
    land = submit(world["commune"], publish=True, category_id=_category_id("dat-dai"))
    Item.objects.filter(pk=land.pk).update(status=Status.RESOLVED)

    default = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    by_code = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json?service_code=dat-dai").json()]
    closed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=closed").json()]
    start = (timezone.now() - timedelta(days=130)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    window = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": f"{old.tracking_code},{recent.tracking_code}"})

    assert default == {recent.tracking_code, land.tracking_code}
    assert by_code == [land.tracking_code]
    assert closed == [land.tracking_code]
    assert [r["service_request_id"] for r in window] == [old.tracking_code]
    assert {r["service_request_id"] for r in by_id.json()} == {old.tracking_code, recent.tracking_code}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "hôm qua"},
        {"status": "pending"},
        {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-01T00:00:00+07:00"},
        {"end_date": "2026-13-45T00:00:00Z"},  # the shape of a date, but no such day
        {"start_date": "9999-12-31T23:59:59-12:00"},  # past the calendar's end in UTC
        {"start_date": "0001-01-01T00:00:00+14:00"},  # before its start
        {"service_code": "giao-thong\x00"},
        {"service_request_id": "DB-26\x00"},
    ],
)
def test_bad_filters_are_400(client, world, params):
    response = client.get(f"{BASE}/requests.xml", params)

    assert response.status_code == 400
    assert xml(response).find("error/code").text == "400"


def test_a_token_that_reads_items_sees_its_scope_whether_published_or_not(client, world):
    mine = submit(world["commune"], publish=False)
    submit(world["other"], publish=False)
    _t, key = api_token_issue(
        organization=world["commune_front"], name="Xã", scopes=[ApiTokenScope.FIGURES, ApiTokenScope.ITEMS]
    )

    body = client.get(f"{BASE}/requests.json", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    in_url = client.get(f"{BASE}/requests.json", {"api_key": key})

    validate(body, schemas.REQUESTS)
    assert [r["service_request_id"] for r in body] == [mine.tracking_code]
    assert body[0]["description"]
    # A key in a URL lands in every log on the way: refused, with the errors body.
    assert in_url.status_code == 400
    validate(in_url.json(), schemas.ERRORS)


def test_a_token_without_items_reads_the_public_feed_only(client, world):
    submit(world["commune"], publish=False)
    _t, key = api_token_issue(organization=world["commune_front"], name="Xã", scopes=[ApiTokenScope.FIGURES])

    body = client.get(f"{BASE}/requests.json", HTTP_AUTHORIZATION=f"Bearer {key}").json()

    assert body == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_method_not_allowed_is_405_with_the_errors_body(client, world, fmt):
    response = client.delete(f"{BASE}/requests.{fmt}")
    put = client.put(f"{BASE}/services.{fmt}")

    assert (response.status_code, put.status_code) == (405, 405)
    if fmt == "json":
        validate(response.json(), schemas.ERRORS)
        assert response.json()[0]["code"] == 405
    else:
        assert xml(response).find("error/code").text == "405"


def test_a_request_without_a_location_is_400(client, world):
    consent = {"attribute[consent_processing]": "yes", "attribute[commune]": str(world["commune"].code)}

    response = post(client, world["submit_key"], lat="", long="", address_string="", **consent)
    with_address = post(client, world["submit_key"], lat="", long="", **consent)

    assert response.status_code == 400
    validate(response.json(), schemas.ERRORS)
    assert with_address.status_code == 201


def test_unknown_request_is_404(client, world):
    response = client.get(f"{BASE}/requests/DB-26-000-000-000.json")

    assert response.status_code == 404
    validate(response.json(), schemas.ERRORS)


def test_wrong_jurisdiction_is_404(client, world):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "vn-01"}).status_code == 404
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "vn-11"}).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_request_list_query_count_does_not_grow(client, world, rows, django_assert_max_num_queries):
    for n in range(rows):
        answered(submit(world["commune"], publish=True, title=f"Phản ánh {n}"))

    with django_assert_max_num_queries(3):
        body = client.get(f"{BASE}/requests.json").json()

    assert len(body) == rows


def test_the_default_request_list_answers_a_page_and_links_the_next_one(client, world, settings):
    # given 7 published requests (consenting and answered: what the public feed shows) and pages of 3
    settings.OPEN311_PAGE_SIZE = 3
    for n in range(7):
        item = submit(world["commune"], publish=True, title=f"Phản ánh {n}")
        Item.objects.filter(pk=item.pk).update(status=Status.RESOLVED, public_answer="Đã xử lý xong.")

    first = client.get(f"{BASE}/requests.json")
    second = client.get(f"{BASE}/requests.json", {"page": 2})
    third = client.get(f"{BASE}/requests.json", {"page": 3})
    big = client.get(f"{BASE}/requests.json", {"page_size": 10})

    # then pages of 3, 3 and 1, newest first, with a "next" link while more follow
    assert [len(r.json()) for r in (first, second, third, big)] == [3, 3, 1, 7]
    assert 'page=2>; rel="next"' in first["Link"]
    assert 'page=3>; rel="next"' in second["Link"]
    assert "Link" not in third
    assert "Link" not in big
    codes = [row["service_request_id"] for r in (first, second, third) for row in r.json()]
    assert codes == [row["service_request_id"] for row in big.json()]
    assert client.get(f"{BASE}/requests.json", {"page_size": 1001}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"page": "x"}).status_code == 400


def test_one_request_is_read_in_one_query(client, world, django_assert_num_queries):
    # given one published request
    item = answered(submit(world["commune"], publish=True, title="Cầu tràn hỏng"))

    # when anyone reads it by its id
    with django_assert_num_queries(1):
        response = client.get(f"{BASE}/requests/{item.tracking_code}.json")

    # then one query answers it, with the public summary and the commune as the address
    assert response.status_code == 200
    row = response.json()[0]
    assert (row["service_request_id"], row["description"], row["address"]) == (
        item.tracking_code,
        "Cầu tràn hỏng",
        world["commune"].name,
    )


def test_the_page_is_two_queries_and_names_the_service_in_the_page_language(client, world, django_assert_num_queries):
    # given a published request in the "dat-dai" category (Vietnamese name "Đất đai")
    land = answered(submit(world["commune"], publish=True, category_id=_category_id("dat-dai")))

    # when the default page is read: the province's commune ids, then the page
    with django_assert_num_queries(2):
        body = client.get(f"{BASE}/requests.json").json()

    # then the row carries the category's code and its Vietnamese name
    assert [(r["service_request_id"], r["service_code"]) for r in body] == [(land.tracking_code, "dat-dai")]
    assert body[0]["service_name"] == "Đất đai"


def test_the_default_page_steps_over_the_unpublished_bulk_through_its_own_index(client, world):
    # given 120 published requests received 1 to 120 hours ago, and 400 newer ones not published (received and
    # not yet answered: the bulk of a province's recent items, which the page must not walk through)
    now = timezone.now()
    published = []
    for n in range(120):
        item = submit(world["commune"], publish=True, title=f"Đã trả lời {n}", received_at=now - timedelta(hours=n + 1))
        published.append(item)
    Item.objects.filter(pk__in=[i.pk for i in published]).update(status=Status.RESOLVED, public_answer="Đã sửa.")
    template = Item.objects.values().get(pk=submit(world["commune"], title="Mới nhận").pk)
    Item.objects.bulk_create(
        Item(**{**template, "id": None, "tracking_code": f"DB-26-NEW-{n:05d}", "idempotency_key": None,
                "received_at": now - timedelta(minutes=n + 1)})
        for n in range(400)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_item")

    # when anyone asks for the default page
    response = client.get(f"{BASE}/requests.json")

    # then it is the 100 newest published requests, newest first
    assert [row["service_request_id"] for row in response.json()] == [i.tracking_code for i in published[:100]]
    # and the database reads them through an index of published items, never touching an unpublished row
    # (on so few rows the planner may walk item_published_idx in order, or gather the 120 through a published
    # index and sort them; either way no row of the 400 is read and dropped by a filter)
    with CaptureQueriesContext(connection) as captured:
        open311_requests(start=now - timedelta(days=90), end=now, limit=101)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + captured.captured_queries[-1]["sql"])
        nodes = _plan_nodes(cursor.fetchone()[0][0]["Plan"])
    indexes = {node.get("Index Name") for node in nodes}
    assert indexes & {"item_published_idx", "item_published_answered_idx"}
    item_reads = [node for node in nodes if node.get("Relation Name") == "feedback_item"]
    assert item_reads
    assert all(node["Actual Rows"] <= len(published) for node in item_reads)
    assert all(node.get("Rows Removed by Filter", 0) == 0 for node in item_reads)


def _plan_nodes(node: dict) -> list[dict]:
    return [node, *(child for plan in node.get("Plans", []) for child in _plan_nodes(plan))]
