"""Hot statements prepared once per database session (``PREPARE`` / ``EXECUTE``), docs/adr/0175.

PostgreSQL parses and plans a statement each time it is sent; for a wide INSERT that is about a quarter of
its cost. A statement prepared in the session is planned once and then only executed. It is prepared the
second time the session sends it (as psycopg 3's ``prepare_threshold`` does): a session that lives for one
request (``CONN_MAX_AGE=0``) sends it as it is, and pays no extra round trip.

The session must be ours from one transaction to the next, which PgBouncer's transaction pooling does not
give: there (``DISABLE_SERVER_SIDE_CURSORS``, set by ``DATABASE_POOL_MODE=transaction``) the statement is
always sent as it is. Only statements run outside a transaction use this (autocommit: a failed ``EXECUTE``
aborts nothing, so "the session lost its statement" is repaired by preparing it again and running it once
more).
"""

import re
import weakref
from functools import cache
from typing import Any

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from psycopg2 import errorcodes

_PLACEHOLDER = re.compile(r"%s")
# Sent as it is this many times in a session; the next time prepares it there, and the later ones only execute.
PREPARE_AFTER = 1

# For each thread's connection wrapper: the driver connection it counts for, and per statement name how many
# times it was sent there. A new driver connection (after a close, a failed health check, CONN_MAX_AGE) starts
# again from nothing.
_sessions: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[Any, dict[str, int]]]" = weakref.WeakKeyDictionary()


@cache
def _numbered(sql: str) -> str:
    """The statement with PostgreSQL's numbered parameters ($1, $2, ...) for the cursor's ``%s``."""
    if "%%" in sql or "%(" in sql:
        raise ValueError("only plain %s placeholders can be prepared")
    count = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _match: f"${next(count)}", sql)


def session_kept(db: BaseDatabaseWrapper) -> bool:
    """Whether the server session stays ours between transactions (not under transaction pooling)."""
    return not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")


def _session(db: BaseDatabaseWrapper) -> dict[str, int]:
    raw = db.connection
    held = _sessions.get(db)
    if held is None or held[0] is not raw:
        held = (raw, {})
        _sessions[db] = held
    return held[1]


def execute(cursor: CursorWrapper, name: str, sql: str, params: list[Any]) -> None:
    """Run ``sql`` (``%s`` placeholders) with ``params``: as the session's prepared statement ``name`` from its
    second time in a kept session, outside a transaction; as a plain statement otherwise. ``name`` stands for
    one statement: every call with it passes the same ``sql``."""
    db = cursor.db
    if not session_kept(db) or db.in_atomic_block:
        cursor.execute(sql, params)
        return
    sent = _session(db)
    times = sent[name] = sent.get(name, 0) + 1
    if times <= PREPARE_AFTER:
        cursor.execute(sql, params)
        return
    if times == PREPARE_AFTER + 1:
        _prepare(cursor, name, sql)
    run = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})"
    try:
        cursor.execute(run, params)
    except DatabaseError as exc:
        if _pgcode(exc) != errorcodes.INVALID_SQL_STATEMENT_NAME:
            raise
        # The session lost it (a pooler's DISCARD ALL, a reconnection the wrapper did not see, a PREPARE that
        # failed the time before): prepare again.
        _prepare(cursor, name, sql)
        cursor.execute(run, params)


def _pgcode(exc: DatabaseError) -> str | None:
    """PostgreSQL's SQLSTATE of an error Django re-raised (the driver's error is its cause)."""
    return getattr(exc.__cause__, "pgcode", None)


def _prepare(cursor: CursorWrapper, name: str, sql: str) -> None:
    try:
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
    except DatabaseError as exc:
        if _pgcode(exc) != errorcodes.DUPLICATE_PREPARED_STATEMENT:
            raise
        cursor.execute(f"DEALLOCATE {name}")
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
