"""The deadline chase across Tết 2027 (days off Thu 4 - Wed 10 February 2027): each level once, on the right
working day, to the right people; twice or concurrently, nothing is sent twice; the digest; retention."""

import datetime as dt
import subprocess
import sys
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from feedback.models import DeadlineChase, EventKind, Item, ItemEvent, Notification
from feedback.services.deadlines import daily_digest_send, deadlines_chase
from feedback.services.intake import item_submit
from feedback.services.retention import closed_items_anonymise
from feedback.services.transitions import MoveData, item_move

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = dt.date(2027, 2, 3)  # Wednesday, the last working day before Tết
EXPECTED = {  # level -> the working day it is sent
    "reminder": dt.date(2027, 2, 1),  # 2 working days before: Mon 1 (Tue 2, Wed 3 remain)
    "overdue": dt.date(2027, 2, 11),  # the first working day after the due date: Thu 11, after Tết
    "escalation": dt.date(2027, 2, 15),  # 3 working days late: Thu 11, Fri 12, Mon 15
    "board": dt.date(2027, 2, 24),  # 10 working days late
}


def _at(day: dt.date, hour=8):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _forwarded_item(citizen_submission, agency_a, due=DUE):
    with _at(dt.date(2027, 1, 18)):
        item = item_submit(**{**citizen_submission, "consent_contact": False}).item
        item_move(item_id=item.id, move="accept", actor="front")
        item_move(item_id=item.id, move="forward", actor="front", data=MoveData(agency_id=agency_a.id, due_date=due))
    return Item.objects.get(pk=item.id)


def _run_every_day(first, last, runs_per_day=2):
    sent_on: dict[str, list[dt.date]] = {}
    for day in _days(first, last):
        for hour in range(8, 8 + runs_per_day):
            with _at(day, hour):
                result = deadlines_chase()
            for level, count in result.chases.items():
                if count:
                    sent_on.setdefault(level, []).extend([day] * count)
    return sent_on


def _recipients(item, template):
    return set(Notification.objects.filter(item=item, template=template).values_list("recipient_user_id", flat=True))


@pytest.mark.django_db
def test_answer_deadline_chased_across_tet_2027_once_each_on_the_right_working_days(
    citizen_submission, agency_a, chase_people, django_capture_on_commit_callbacks
):
    # given an item forwarded to the agency, due Wednesday 3 February 2027
    item = _forwarded_item(citizen_submission, agency_a)

    # when the chase runs twice a day, every day from 25 January to 1 March
    sent_on = _run_every_day(dt.date(2027, 1, 25), dt.date(2027, 3, 1))

    # then each level was sent once, on its working day
    assert sent_on == {level: [day] for level, day in EXPECTED.items()}
    p = chase_people
    assert _recipients(item, "due_soon") == {p["agency"].id}
    assert _recipients(item, "overdue") == {p["agency"].id, p["front"].id}
    assert _recipients(item, "escalated") == {p["superior"].id, p["province"].id}
    assert _recipients(item, "board_overdue") == {p["board"].id}
    # each chase is an event in the item's history
    levels = ItemEvent.objects.filter(item=item, kind=EventKind.REMINDER).values_list("data__level", flat=True)
    assert sorted(levels) == sorted(EXPECTED)
    # and the emails went out (one per officer with an address, per level)
    emails = Notification.objects.filter(item=item, channel="email")
    assert emails.count() == 6
    assert not emails.exclude(status="sent").exists()


def _outbox_rows_pointing_at_nothing() -> int:
    """The outbox's item and event have no database constraint (docs/adr/0173): the writers keep them true."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM feedback_notification n"
            " WHERE (n.item_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM feedback_item i WHERE i.id = n.item_id))"
            " OR (n.event_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM feedback_itemevent e WHERE e.id = n.event_id))"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_triage_deadline_chased_for_the_commune_front(citizen_submission, chase_people):
    # given an item received on Wednesday 20 January 2027: 10 working days to triage (Law on Citizen Reception
    # Art. 28): Thu 21 (1), Fri 22 (2), Mon 25 (3), Tue 26 (4), Wed 27 (5), Thu 28 (6), Fri 29 (7), Mon 1 Feb (8),
    # Tue 2 (9), Wed 3 (10) -> due Wednesday 3 February
    with _at(dt.date(2027, 1, 20)):
        item = item_submit(**{**citizen_submission, "consent_contact": False}).item
    assert Item.objects.get(pk=item.id).due_date == DUE

    sent_on = _run_every_day(dt.date(2027, 1, 27), dt.date(2027, 2, 26), runs_per_day=1)

    assert sent_on == {level: [day] for level, day in EXPECTED.items()}
    assert _recipients(item, "due_soon") == {chase_people["front"].id}
    assert _recipients(item, "escalated") == {chase_people["province"].id}
    assert _outbox_rows_pointing_at_nothing() == 0


@pytest.mark.django_db
def test_a_new_due_date_is_chased_again(citizen_submission, agency_a, chase_people):
    item = _forwarded_item(citizen_submission, agency_a)
    _run_every_day(dt.date(2027, 2, 1), dt.date(2027, 2, 1))
    with _at(dt.date(2027, 2, 2)):
        item_move(item_id=item.id, move="extend", actor="front", data=MoveData(due_date=dt.date(2027, 2, 26)))

    sent_on = _run_every_day(dt.date(2027, 2, 2), dt.date(2027, 3, 3), runs_per_day=1)

    # the old due date is no longer chased; the new one (Friday 26 February) is reminded on Wednesday 24,
    # is overdue on Monday 1 March and escalated on Wednesday 3 March
    assert sent_on == {
        "reminder": [dt.date(2027, 2, 24)],
        "overdue": [dt.date(2027, 3, 1)],
        "escalation": [dt.date(2027, 3, 3)],
    }
    assert DeadlineChase.objects.filter(item=item).count() == 4


@pytest.mark.django_db
def test_closed_and_answered_items_are_not_chased(citizen_submission, agency_a, chase_people):
    item = _forwarded_item(citizen_submission, agency_a)
    with _at(dt.date(2027, 1, 20)):
        item_move(item_id=item.id, move="answer", actor="agency")

    assert _run_every_day(dt.date(2027, 1, 25), dt.date(2027, 2, 26), runs_per_day=1) == {}
    assert not DeadlineChase.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_nothing_twice(citizen_submission, agency_a, chase_people):
    # given 30 overdue items
    for _ in range(30):
        _forwarded_item(citizen_submission, agency_a)
    results = []

    def run():
        try:
            with _at(dt.date(2027, 2, 24)):
                results.append(deadlines_chase())
        finally:
            connection.close()

    # when two runs start at the same time (each on its own database connection)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then each item was chased once per level, and each officer told once per item and level
    assert DeadlineChase.objects.count() == 30 * 3  # overdue, escalation, board (the reminder day has passed)
    assert sum(r.total_chases for r in results) == 90
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    assert Notification.objects.filter(template="overdue", channel="email").count() == 30 * 2


@pytest.mark.django_db(transaction=True)
def test_chase_deadlines_command_in_two_processes_at_once(citizen_submission, agency_a, chase_people):
    from tests.feedback.workers import worker_env

    for _ in range(20):
        _forwarded_item(citizen_submission, agency_a)
    command = [sys.executable, "manage.py", "chase_deadlines", "--date", "2027-02-24"]
    env = worker_env()
    env["CELERY_TASK_ALWAYS_EAGER"] = "true"
    processes = [subprocess.Popen(command, env=env, cwd=worker_env.root, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in processes]

    assert all(p.returncode == 0 for p in processes), outputs
    assert DeadlineChase.objects.count() == 20 * 3
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("chase_deadlines", "--date", "03/02/2027")


@pytest.mark.django_db
def test_daily_digest_lists_each_officers_items_once_a_day(citizen_submission, agency_a, chase_people, mailoutbox):
    for _ in range(3):
        _forwarded_item(citizen_submission, agency_a)

    with _at(dt.date(2027, 2, 12)):
        assert daily_digest_send() == 2  # the agency officer and the commune Front officer
        assert daily_digest_send() == 0  # once a day

    to_agency = [m for m in mailoutbox if m.to == [chase_people["agency"].email]]
    assert len(to_agency) == 1
    assert "3 ý kiến, kiến nghị" in to_agency[0].subject
    assert "quá hạn" in to_agency[0].body
    with _at(dt.date(2027, 2, 6)):
        assert daily_digest_send() == 0  # Tết: no digest on a day off


@pytest.mark.django_db
def test_retention_anonymises_long_closed_items_and_keeps_statistics(citizen_submission, agency_a, settings):
    settings.RETENTION_ANONYMISE_AFTER_DAYS = 365
    old = _forwarded_item(citizen_submission, agency_a)
    recent = _forwarded_item(citizen_submission, agency_a)
    for item, day in ((old, dt.date(2027, 2, 1)), (recent, dt.date(2028, 1, 10))):
        with _at(day):
            item_move(item_id=item.id, move="answer", actor="agency", data=MoveData(public_answer="Đã sửa đường."))
            item_move(item_id=item.id, move="resolve", actor="front")

    with _at(dt.date(2028, 3, 1)):
        assert closed_items_anonymise() == 1
        assert closed_items_anonymise() == 0

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.submitter_name, old.submitter_email, old.submitter_phone) == ("", "", "")
    assert old.anonymized_at is not None
    assert old.public_answer == "Đã sửa đường."
    assert old.status == "resolved"
    assert old.answer_on_time is True
    assert recent.submitter_name == "Lò Văn Páo"
    assert recent.anonymized_at is None
    assert ItemEvent.objects.filter(item=old, kind=EventKind.ANONYMIZED).count() == 1
    assert not Notification.objects.filter(item=old, recipient_address="pao@example.org").exists()


# ---- the provincial board's overdue list --------------------------------------------------------------


def _on_board_list(citizen_submission, agency_a, n):
    items = [_forwarded_item(citizen_submission, agency_a) for _ in range(n)]
    with _at(EXPECTED["board"]):
        deadlines_chase()
    return items


@pytest.mark.django_db
def test_the_board_sees_the_overdue_list_without_personal_data(client, citizen_submission, agency_a, chase_people):
    (item,) = _on_board_list(citizen_submission, agency_a, 1)

    with _at(EXPECTED["board"]):
        client.force_login(chase_people["board"])
        html = client.get("/qua-han/").content.decode()

    assert item.tracking_code in html
    assert agency_a.name in html
    assert '<td class="text-end">10</td>' in html  # working days overdue, Tết not counted
    assert "Lò Văn Páo" not in html
    assert "pao@example.org" not in html


@pytest.mark.django_db
def test_the_overdue_list_is_refused_to_commune_and_agency_officers(client, chase_people):
    for who in ("front", "agency"):
        client.force_login(chase_people[who])
        assert client.get("/qua-han/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 50])
def test_overdue_list_query_count(
    client, citizen_submission, agency_a, chase_people, rows, django_assert_max_num_queries
):
    _on_board_list(citizen_submission, agency_a, rows)

    with _at(EXPECTED["board"]):
        client.force_login(chase_people["province"])
        with django_assert_max_num_queries(12):
            response = client.get("/qua-han/")

    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == rows + 1


def test_the_chase_reads_no_chase_row_before_it_inserts(citizen_submission, chase_people):
    # Given a new installation: an empty chase table, and six items received on 20 January 2027 whose triage is
    # due on Wednesday 3 February (the reminder window opens on the 27th, see the test above)
    from feedback.services.deadlines import chase_plans

    with _at(dt.date(2027, 1, 20)):
        for n in range(6):
            item_submit(**{**citizen_submission, "consent_contact": False, "title": f"Cống tắc số {n}"})
    assert not DeadlineChase.objects.exists()

    # When each level's statement is explained as it runs on the 4th, in a transaction rolled back
    with _at(dt.date(2027, 2, 4)):
        plans = chase_plans(today=dt.date(2027, 2, 4))
    scans = []
    for _level, sql, params in plans:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            (plan,) = cursor.fetchone()
            transaction.set_rollback(True)
        scans.extend(_scans_of("feedback_deadlinechase", plan[0]["Plan"]))

    # Then no plan node scans the chase table: its unique constraint alone decides "once" (ADR 0031). A NOT
    # EXISTS there became, at 1M items, a nested loop rescanning the pages the same INSERT was filling (ADR 0184)
    assert scans == []


def _scans_of(table, node):
    if node.get("Relation Name") == table and "Scan" in node["Node Type"]:
        yield node["Actual Loops"]
    for child in node.get("Plans", []):
        yield from _scans_of(table, child)
