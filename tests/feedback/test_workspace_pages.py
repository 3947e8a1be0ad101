"""The officers' workspace pages: the queue, the item page and its moves, the inbox, recording and import."""

import io
from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from feedback.models import Item, ItemType, Status
from feedback.services.recording import COLUMNS
from tests.factories import CategoryFactory, ItemFactory
from tests.feedback.workflow_fixtures import item_in

pytestmark = pytest.mark.django_db


def test_an_officer_takes_an_item_from_received_to_resolved(
    client, officer_a, agency_officer_a, commune_a, agency_a, rules
):
    # given a received item of commune A
    item = ItemFactory(commune=commune_a, title="Đường liên bản bị sạt lở")
    client.force_login(officer_a)

    # the queue shows it under "to triage"
    queue = client.get(reverse("workspace-queue"))
    assert "Đường liên bản bị sạt lở" in queue.content.decode()
    page = client.get(reverse("workspace-item", args=[item.id])).content.decode()
    assert "forward" in page

    # forwarding shows the due date, then sets it
    client.post(reverse("workspace-item-move", args=[item.id, "forward"]), {"agency": agency_a.id})
    item.refresh_from_db()
    assert item.status == Status.FORWARDED
    assert item.due_date is not None

    # the agency answers from its inbox
    client.force_login(agency_officer_a)
    assert item.tracking_code in client.get(reverse("workspace-inbox")).content.decode()
    client.post(reverse("workspace-item-move", args=[item.id, "answer"]), {"answer": "Đã khắc phục xong."})

    # the Front closes with a public answer
    client.force_login(officer_a)
    client.post(reverse("workspace-item-move", args=[item.id, "resolve"]), {"public_answer": "Đã khắc phục xong."})
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert item.public_answer == "Đã khắc phục xong."
    assert item.events.filter(kind="transition").count() == 4  # accept, forward, answer, resolve


def test_a_refused_move_is_a_message_not_an_error(client, officer_a, commune_a):
    item = ItemFactory(commune=commune_a)
    client.force_login(officer_a)

    response = client.post(
        reverse("workspace-item-move", args=[item.id, "resolve"]), {"public_answer": "x"}, follow=True
    )
    empty_reason = client.post(reverse("workspace-item-move", args=[item.id, "reject"]), {"reason": ""}, follow=True)

    assert response.status_code == 200
    assert "không thể" in response.content.decode().lower()
    assert "lý do" in empty_reason.content.decode()
    assert client.post(reverse("workspace-item-move", args=[item.id, "nonsense"])).status_code == 404


def test_queue_search_ignores_accents_and_tabs_count(client, officer_a, commune_a, agency_a):
    ItemFactory(commune=commune_a, title="Mất điện kéo dài", search_text="mat dien keo dai")
    item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    client.force_login(officer_a)

    found = client.get(reverse("workspace-queue"), {"q": "mat dien", "tab": "to_triage"})
    waiting = client.get(reverse("workspace-queue"), {"tab": "waiting"})

    assert "Mất điện kéo dài" in found.content.decode()
    assert waiting.context["page"].paginator.count == 1
    assert {k: c for k, _l, c in waiting.context["tabs"]}["waiting"] == 1


# What the queue's filter form sends when the officer types a search and presses "Filter": every field, the
# selects left at "All" and the boxes left blank as empty values.
FORM_AS_SENT = {
    "tab": "to_triage",
    "status": "",
    "type": "",
    "category": "",
    "channel": "",
    "commune": "",
    "agency": "",
    "received_from": "",
    "received_to": "",
}


def test_the_filter_form_as_a_browser_sends_it_filters_by_what_was_filled_in(client, officer_a, commune_a):
    # given two items in the officer's commune
    lamp = ItemFactory(commune=commune_a, title="Đèn đường hỏng", search_text="den duong hong")
    road = ItemFactory(commune=commune_a, title="Đường sạt lở", search_text="duong sat lo")
    client.force_login(officer_a)

    # when the form is sent with nothing but the search filled in, and then with nothing at all
    searched = client.get(reverse("workspace-queue"), FORM_AS_SENT | {"q": "den duong"})
    everything = client.get(reverse("workspace-queue"), FORM_AS_SENT)

    # then the search applies and the empty fields filter nothing, with no warning
    assert [i.pk for i in searched.context["page"]] == [lamp.pk]
    assert {i.pk for i in everything.context["page"]} == {lamp.pk, road.pk}
    assert "Some filters are not valid" not in everything.content.decode()
    assert "không hợp lệ" not in everything.content.decode()


def test_a_filter_that_is_not_valid_is_ignored_and_the_others_still_apply(client, officer_a, commune_a):
    lamp = ItemFactory(commune=commune_a, title="Đèn đường hỏng", search_text="den duong hong")
    ItemFactory(commune=commune_a, title="Đường sạt lở", search_text="duong sat lo")
    client.force_login(officer_a)

    response = client.get(reverse("workspace-queue"), FORM_AS_SENT | {"q": "den duong", "received_from": "hôm qua"})

    assert [i.pk for i in response.context["page"]] == [lamp.pk]
    assert response.context["filterset"].errors.keys() == {"received_from"}
    assert response.context["tabs"][0][2] == 1


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_page_query_count_does_not_grow(
    rows, client, officer_a, commune_a, agency_a, django_assert_max_num_queries
):
    for _ in range(rows):
        item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    client.force_login(officer_a)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("workspace-queue"), {"tab": "waiting"})

    assert len(response.context["page"]) == rows


def test_bulk_forward_from_the_queue(client, officer_a, commune_a, agency_a, rules):
    items = [ItemFactory(commune=commune_a) for _ in range(3)]
    client.force_login(officer_a)

    response = client.post(
        reverse("workspace-bulk-forward"),
        {"items": [i.id for i in items], "agency": agency_a.id, "back": "tab=to_triage&q=đèn đường&page=2"},
    )

    assert Item.objects.filter(status=Status.FORWARDED, current_agency=agency_a).count() == 3
    # the officer comes back to the queue as they left it: the same tab, search and page
    assert response.status_code == 302
    back = response["Location"]
    assert back.startswith("/can-bo/viec/?")
    assert QueryDict(back.split("?", 1)[1]) == QueryDict("tab=to_triage&q=đèn đường&page=2")


def test_bulk_forward_goes_back_only_to_the_queue(client, officer_a, commune_a, agency_a, rules):
    item = ItemFactory(commune=commune_a)
    client.force_login(officer_a)

    for back in ("https://evil.example/x", "//evil.example", "\r\nSet-Cookie: x=1", ""):
        response = client.post(reverse("workspace-bulk-forward"), {"items": [item.id], "agency": "", "back": back})
        assert response.status_code == 302
        assert response["Location"].startswith("/can-bo/viec/")


def test_agency_page_hides_the_denouncer(client, agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, type=ItemType.DENUNCIATION)
    client.force_login(agency_officer_a)

    page = client.get(reverse("workspace-item", args=[item.id])).content.decode()

    assert "Lò Văn Páo" not in page
    assert "0912345678" not in page


def _workbook(rows, header=None):
    wb = Workbook()
    ws = wb.active
    ws.append(header or [label for _k, label, _r in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "danh-sach.xlsx"
    return out


def test_import_all_or_nothing_with_a_report_per_row(client, officer_a, commune_a, rules):
    CategoryFactory(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    client.force_login(officer_a)
    good = ["15/03/2026", "xa muong phang", "Kiến nghị", "Giao thông", "Đường sạt lở", "Nội dung", "", "", "", ""]
    rows = [good, [None] * 10, ["31/02/2026", "Xã Không Có", "Khác", "Giao thông", "x", "y", "", "", "", ""]]

    bad = client.post(
        reverse("workspace-import"),
        {"file": _workbook(rows), "channel": "voter_meeting", "consent_method": "meeting_record"},
    )
    report = bad.context["report"]
    assert Item.objects.count() == 0
    assert [r.status for r in report.rows] == ["ok", "skipped", "error"]
    assert len(report.rows[2].messages) == 3  # date, commune, type

    ok = client.post(
        reverse("workspace-import"),
        {"file": _workbook([good, [None] * 10]), "channel": "voter_meeting", "consent_method": "meeting_record"},
    )
    assert ok.context["report"].imported == 1
    item = Item.objects.get()
    assert item.channel == "voter_meeting"
    assert item.consent_method == "meeting_record"
    assert item.received_at.date() == date(2026, 3, 15)
    assert item.created_by == officer_a


def test_import_refuses_wrong_columns_and_non_excel(client, officer_a):
    client.force_login(officer_a)
    wrong = client.post(
        reverse("workspace-import"),
        {"file": _workbook([], header=["A", "B"]), "channel": "voter_meeting", "consent_method": "meeting_record"},
    )
    text = io.BytesIO(b"not excel")
    text.name = "x.xlsx"
    junk = client.post(
        reverse("workspace-import"), {"file": text, "channel": "voter_meeting", "consent_method": "meeting_record"}
    )
    assert "Ngày tiếp nhận" in wrong.context["report"].file_error
    assert junk.context["report"].file_error
    assert junk.status_code == 200


def test_template_download_has_the_columns(client, officer_a):
    client.force_login(officer_a)
    response = client.get(reverse("workspace-import-template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [label for _k, label, _r in COLUMNS]


def test_recording_for_a_citizen(client, officer_a, commune_a, commune_b, rules):
    category = CategoryFactory()
    client.force_login(officer_a)
    data = {
        "type": "voter_petition",
        "category": category.id,
        "commune": commune_a.id,
        "title": "Kiến nghị cử tri",
        "content": "Cử tri đề nghị làm đường",
        "channel": "voter_meeting",
        "consent_method": "meeting_record",
        "consent_processing": "on",
        "submitter_name": "Cà Văn Dế",
    }

    client.post(reverse("workspace-record"), data)
    other = client.post(reverse("workspace-record"), {**data, "commune": commune_b.id, "title": "Khác"})

    item = Item.objects.get()
    assert item.created_by == officer_a
    assert item.consent_method == "meeting_record"
    assert other.status_code == 200
    assert Item.objects.count() == 1


def _urls(item, request_id):
    return [
        ("get", reverse("workspace-item", args=[item.id]), {}),
        *[
            (
                "post",
                reverse("workspace-item-move", args=[item.id, m]),
                {"reason": "x", "answer": "x", "note": "x", "public_answer": "x"},
            )
            for m in [
                "accept",
                "reject",
                "merge",
                "withdraw",
                "forward",
                "reforward",
                "return",
                "answer",
                "send_back",
                "resolve",
                "roadmap",
                "cannot_resolve",
            ]
        ],
        ("post", reverse("workspace-item-escalate", args=[item.id]), {"reason": "x"}),
        ("post", reverse("workspace-extension-request", args=[item.id]), {"reason": "x", "requested_days": "3"}),
        ("post", reverse("workspace-extension-decide", args=[item.id, request_id]), {"decision": "grant"}),
    ]


@pytest.mark.parametrize("outsider", ["officer_b", "agency_officer_b"])
def test_every_workspace_url_refuses_an_officer_of_another_commune_or_agency(
    outsider, request, client, commune_a, agency_a
):
    from tests.feedback.workflow_fixtures import pending_extension

    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    pending = pending_extension(item, agency_a)
    client.force_login(request.getfixturevalue(outsider))

    for method, url, data in _urls(item, pending.id):
        assert getattr(client, method)(url, data).status_code == 404, url
    queue = client.get(reverse("workspace-queue"))
    assert queue.status_code == 403 or item.tracking_code not in queue.content.decode()
    item.refresh_from_db()
    assert item.status == Status.FORWARDED
    assert item.events.count() == 0


def test_board_viewer_and_anonymous_are_refused(client, board_viewer):
    for name in ["workspace-queue", "workspace-inbox", "workspace-record", "workspace-import"]:
        assert client.get(reverse(name)).status_code == 302  # to the login page
    client.force_login(board_viewer)
    for name in ["workspace-queue", "workspace-inbox", "workspace-record", "workspace-import"]:
        assert client.get(reverse(name)).status_code == 403


def test_the_page_offers_an_extension_only_while_the_rule_allows_one(client, agency_officer_a, commune_a, agency_a):
    # given two forwarded items under a rule allowing one extension, one of which already had it
    fresh = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    extended = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a, extension_count=1)
    client.force_login(agency_officer_a)

    offered = client.get(reverse("workspace-item", args=[fresh.id])).content.decode()
    used_up = client.get(reverse("workspace-item", args=[extended.id])).content.decode()

    ask = reverse("workspace-extension-request", args=[fresh.id])
    assert ask in offered
    assert reverse("workspace-extension-request", args=[extended.id]) not in used_up


def test_the_page_offers_escalation_only_for_a_commune_item_still_open(client, officer_a, commune_a):
    open_item = ItemFactory(commune=commune_a)
    closed = ItemFactory(commune=commune_a, status=Status.REJECTED)
    escalated = ItemFactory(commune=commune_a, handling_level="province")
    client.force_login(officer_a)

    pages = {
        item.id: client.get(reverse("workspace-item", args=[item.id])).content.decode() for item in (open_item, closed)
    }

    assert reverse("workspace-item-escalate", args=[open_item.id]) in pages[open_item.id]
    assert reverse("workspace-item-escalate", args=[closed.id]) not in pages[closed.id]
    # once escalated, the commune officer still sees it but can no longer escalate it
    page = client.get(reverse("workspace-item", args=[escalated.id]))
    assert page.status_code == 200
    assert reverse("workspace-item-escalate", args=[escalated.id]) not in page.content.decode()
