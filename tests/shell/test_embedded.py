"""The embedded stack: PostgreSQL and Valkey from their wheels, started idempotently, data kept across restarts."""

import shutil
import tempfile
from pathlib import Path

import psycopg2
import redis

from mttq_portal import embedded


def test_the_embedded_servers_start_once_keep_their_data_and_stop():
    # Not pytest's tmp_path: every pytest run as root resets its base folder to 0700, which would lock the
    # server's own system user out of its data.
    root = Path(tempfile.mkdtemp(prefix="mttq-embedded-test-")) / "var"
    try:
        # Given a first start in an empty folder
        urls = embedded.start(root)
        pg_port = int(urls["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0])
        valkey_port = int(urls["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
        assert pg_port != 5432
        assert valkey_port != 6379
        assert embedded.read_env_file(root) == urls

        # When data is written to both, and a second start runs while they run
        with psycopg2.connect(urls["DATABASE_URL"]) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')::int")
            assert cursor.fetchone()[0] >= 180000
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("SELECT similarity(unaccent('Điện Biên'), 'Dien Bien')")
            assert cursor.fetchone()[0] > 0.5
            cursor.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('Mường Phăng')")
        redis.Redis.from_url(urls["REDIS_URL"]).set("kept", "Nà Tấu")

        # Then the second start finds them running and changes nothing
        assert embedded.start(root) == urls
        assert embedded.status(root) == {"postgres": pg_port, "valkey": valkey_port}

        # And after a stop and a start, the data is there (PostgreSQL's files, Valkey's append-only file)
        assert sorted(embedded.stop(root)) == ["postgres", "valkey"]
        assert embedded.status(root) == {"postgres": None, "valkey": None}
        assert (root / "valkey" / "appendonlydir").is_dir()
        urls = embedded.start(root)
        with psycopg2.connect(urls["DATABASE_URL"]) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT v FROM kept")
            assert cursor.fetchone()[0] == "Mường Phăng"
        assert redis.Redis.from_url(urls["REDIS_URL"]).get("kept").decode() == "Nà Tấu"
    finally:
        embedded.stop(root)
        stopped = embedded.status(root)
        shutil.rmtree(root.parent, ignore_errors=True)

    assert stopped == {"postgres": None, "valkey": None}


def _settings_from_a_copy(tmp_path, env_file: str | None, environ: dict) -> list[str]:
    """The database URL's port and REDIS_URL as the settings of a copy of the project see them."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    shutil.copytree(root / "mttq_portal", tmp_path / "mttq_portal", ignore=shutil.ignore_patterns("__pycache__"))
    if env_file is not None:
        (tmp_path / "var").mkdir()
        (tmp_path / "var" / "embedded.env").write_text(env_file)
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
    }
    env.update(environ)
    code = "from django.conf import settings as s; print(s.DATABASES['default']['PORT']); print(s.REDIS_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


EMBEDDED_ENV = "DATABASE_URL=postgres://postgres@127.0.0.1:41001/mttq\nREDIS_URL=redis://127.0.0.1:41002/0\n"


def test_another_terminal_reaches_the_embedded_servers_through_var_embedded_env(tmp_path):
    # Given the file `make run` wrote, and no URL in this terminal's environment
    assert _settings_from_a_copy(tmp_path, EMBEDDED_ENV, {}) == ["41001", "redis://127.0.0.1:41002/0"]


def test_urls_set_in_the_environment_are_used_unchanged_and_the_embedded_file_is_ignored(tmp_path):
    environ = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/mttq", "REDIS_URL": "redis://127.0.0.1:6379/4"}

    assert _settings_from_a_copy(tmp_path, EMBEDDED_ENV, environ) == ["5432", "redis://127.0.0.1:6379/4"]
