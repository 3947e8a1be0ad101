"""The benches' own databases: on the PostgreSQL server of DATABASE_URL, beside the developer's database.

bench_database_url("_bench_submit")          # <DATABASE_URL's name>_bench_submit, created if missing
bench_database_url(name="mttq_bench_programs", fresh=True)   # dropped and created again
"""

import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mttq_portal"


def ensure_database(url: str, *, fresh: bool = False) -> str:
    """Create the database of ``url`` when it is missing (drop it first when ``fresh``); returns ``url``."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            if fresh:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()
    return url


def bench_database_url(suffix: str = "", *, name: str = "", fresh: bool = False, create: bool = True) -> str:
    """The URL of a bench database on DATABASE_URL's server: ``name``, or DATABASE_URL's own name followed by
    ``suffix``; created when missing (``create``), dropped and created again when ``fresh``."""
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    name = name or (parts.path.lstrip("/") or "mttq_portal") + suffix
    url = urlunsplit(parts._replace(path=f"/{name}"))
    return ensure_database(url, fresh=fresh) if create else url
