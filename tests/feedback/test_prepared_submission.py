"""The submission's one statement, prepared once per database session where the session is ours (ADR 0175),
the second time the session sends it: executed, not planned again; prepared again when the session lost it;
never under transaction pooling or inside a transaction. The oracle is PostgreSQL's own list of the
session's prepared statements and the rows stored."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from feedback.models import Item
from mttq_portal import prepared

URL = "/api/v1/public/items/"
NAME = "submit_item_and_event"


def session_prepared() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements ORDER BY name")
        return cursor.fetchall()


def submit(client, payload, title: str):
    response = client.post(URL, {**payload, "title": title}, content_type="application/json")
    assert response.status_code == 201, response.content
    return Item.objects.get(tracking_code=response.json()["tracking_code"])


@pytest.mark.django_db(transaction=True)
def test_the_statement_is_prepared_the_second_time_a_session_sends_it_then_executed(client, payload):
    # Given a fresh database session
    connection.close()
    # When three citizens submit, one after the other, in autocommit as in production
    with CaptureQueriesContext(connection) as captured:
        items = [submit(client, payload, f"Đèn đường số {n}") for n in range(3)]
    # Then the first was sent as it is, the second prepared it, and the second and third only executed it
    sent = [q["sql"].split(" ", 2)[:2] for q in captured.captured_queries]
    assert sum(1 for words in sent if words[0] == "WITH") == 1
    assert sent.count(["PREPARE", NAME]) == 1
    assert sent.count(["EXECUTE", NAME]) == 2
    ((name, text),) = session_prepared()
    assert name == NAME
    assert text.startswith(f"PREPARE {NAME} AS WITH new_item AS (INSERT INTO feedback_item (")
    # And each item is stored with its own title and its SUBMITTED event
    assert [Item.objects.get(pk=i.pk).title for i in items] == [f"Đèn đường số {n}" for n in range(3)]
    assert [list(i.events.values_list("kind", flat=True)) for i in items] == [["submitted"]] * 3


@pytest.mark.django_db(transaction=True)
def test_a_session_that_sends_it_once_does_not_prepare_it(client, payload):
    # Given a session that lives for one submission (CONN_MAX_AGE=0 closes it after each request)
    connection.close()
    with CaptureQueriesContext(connection) as captured:
        submit(client, payload, "Một lần")
    # Then the statement was sent as it is, with no extra round trip, and the session holds nothing
    assert not any(q["sql"].startswith(("PREPARE", "EXECUTE")) for q in captured.captured_queries)
    assert session_prepared() == []


@pytest.mark.django_db(transaction=True)
def test_a_session_that_lost_the_statement_prepares_it_again(client, payload):
    # Given a session whose statement is prepared, then dropped behind the portal's back (a pooler's DISCARD ALL)
    connection.close()
    submit(client, payload, "Lần thứ nhất")
    submit(client, payload, "Lần thứ hai")
    assert [name for name, _text in session_prepared()] == [NAME]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert session_prepared() == []
    # When the next citizen submits
    item = submit(client, payload, "Lần thứ ba")
    # Then it is stored, and the session holds the statement again
    assert Item.objects.filter(pk=item.pk, title="Lần thứ ba").exists()
    assert [name for name, _text in session_prepared()] == [NAME]


@pytest.mark.django_db(transaction=True)
def test_a_name_taken_in_a_new_session_is_replaced(client, payload):
    # Given a new session in which something else already holds the name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE {NAME} AS SELECT 1")
    # When two citizens submit (the second prepares the statement)
    submit(client, payload, "Tên đã có người dùng")
    item = submit(client, payload, "Tên đã có người dùng, lần hai")
    # Then the submission is stored and the name now holds the submission's statement
    assert Item.objects.filter(pk=item.pk).exists()
    ((_name, text),) = session_prepared()
    assert "INSERT INTO feedback_item" in text


@pytest.mark.django_db(transaction=True)
def test_under_transaction_pooling_nothing_is_prepared(client, payload):
    # Given the settings of DATABASE_POOL_MODE=transaction (the session is not ours between transactions)
    connection.close()
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as captured:
            submit(client, payload, "Qua PgBouncer")
            item = submit(client, payload, "Qua PgBouncer, lần hai")
        prepared_now = session_prepared()
    finally:
        connection.close()
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    # Then the statement was sent as it is and the session holds nothing
    sent = [q["sql"].split(" ", 1)[0] for q in captured.captured_queries]
    assert sent.count("WITH") == 2
    assert "PREPARE" not in sent
    assert "EXECUTE" not in sent
    assert prepared_now == []
    assert Item.objects.filter(pk=item.pk).exists()


@pytest.mark.django_db
def test_inside_a_transaction_the_statement_is_sent_as_it_is(client, payload):
    # Given a caller's transaction (a failed EXECUTE there could not be repaired by preparing again)
    assert connection.in_atomic_block
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        submit(client, payload, "Trong giao dịch")
    # Then nothing is prepared
    assert not any(q["sql"].startswith(("PREPARE", "EXECUTE")) for q in captured.captured_queries)
    assert session_prepared() == []


def test_only_plain_placeholders_are_numbered():
    assert prepared._numbered("INSERT INTO t (a, b) VALUES (%s, %s)") == "INSERT INTO t (a, b) VALUES ($1, $2)"
    for sql in ("SELECT %s LIKE 'a%%'", "SELECT %(name)s"):
        with pytest.raises(ValueError, match="plain %s"):
            prepared._numbered(sql)


# identity and time; acknowledged_at is when the (inline) planner told the citizen
VARYING = {"id", "tracking_code", "secret_hash", "received_at", "updated_at", "acknowledged_at"}


@pytest.mark.django_db(transaction=True)
def test_the_prepared_statement_writes_the_same_rows_as_the_plain_one(client, payload):
    # Given the same submission written once as a plain statement (transaction pooling) and once prepared
    connection.close()
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        plain = submit(client, {**payload, "submitter_phone": "0912 345 678", "consent_contact": True}, "Giống nhau")
    finally:
        connection.close()
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    submit(client, payload, "Lượt chuẩn bị")  # the session's first: the next one prepares the statement
    again = submit(client, {**payload, "submitter_phone": "0912 345 678", "consent_contact": True}, "Giống nhau")
    assert [name for name, _text in session_prepared()] == [NAME]
    # Then every column of the item and of its event is the same, but for identity and time
    first, second = (
        {k: v for k, v in row.items() if k not in VARYING}
        for row in Item.objects.filter(pk__in=[plain.pk, again.pk]).order_by("pk").values()
    )
    assert first == second
    events = [
        list(i.events.values("kind", "to_status", "due_date", "is_public", "data", "actor_id")) for i in (plain, again)
    ]
    assert events[0] == events[1]
