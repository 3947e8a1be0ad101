"""The embedded stack: PostgreSQL and Valkey from their wheels, started idempotently, data kept across restarts;
the processes of `make run`: worker and beat started again when they fail, the web process leaving no
connection behind."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg2
import pytest
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


def _test_database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_restart_skips_the_preparation_until_a_migration_a_seed_input_or_the_database_changes(tmp_path, db):
    # Given a repository with one migration and one seed module, prepared once against the test database
    base, var = tmp_path / "repo", tmp_path / "var"
    (base / "feedback" / "migrations").mkdir(parents=True)
    (base / "feedback" / "migrations" / "0001_initial.py").write_text("# one\n")
    (base / "feedback" / "seeding.py").write_text("CATEGORIES = ['a']\n")
    env = {"DATABASE_URL": _test_database_url()}
    assert not embedded.prepare_is_current(env, var, base)  # never prepared
    embedded.prepare_stamp_write(env, var, base)
    applied = int((var / embedded.PREPARE_STAMP).read_text().split()[1])
    assert applied > 0

    # Then a restart with nothing changed skips it
    assert embedded.prepare_is_current(env, var, base)
    # and each of these prepares again: a new migration, a changed seed input, another database, another
    # province, a database that lost its migrations (dropped and created again)
    (base / "feedback" / "migrations" / "0002_more.py").write_text("# two\n")
    assert not embedded.prepare_is_current(env, var, base)
    (base / "feedback" / "migrations" / "0002_more.py").unlink()
    assert embedded.prepare_is_current(env, var, base)
    (base / "feedback" / "seeding.py").write_text("CATEGORIES = ['a', 'b']\n")
    assert not embedded.prepare_is_current(env, var, base)
    embedded.prepare_stamp_write(env, var, base)
    assert embedded.prepare_is_current(env, var, base)
    assert not embedded.prepare_is_current({**env, "PORTAL_PROVINCE_CODE": "1"}, var, base)
    missing = {"DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + "/mttq_no_such_database"}
    embedded.prepare_stamp_write(missing, var, base)
    assert (var / embedded.PREPARE_STAMP).read_text().split()[1] == "None"
    assert not embedded.prepare_is_current(missing, var, base)


def test_the_procfile_starts_the_web_process_first():
    lines = dict(
        line.split(":", 1) for line in (embedded.BASE_DIR / "Procfile").read_text().splitlines() if ":" in line
    )
    lines = {k: v.strip() for k, v in lines.items() if not k.startswith("#")}

    assert lines["web"].startswith("DATABASE_CONN_MAX_AGE=0 python manage.py runserver")
    assert lines["worker"].startswith("python -m mttq_portal.embedded after-web celery -A mttq_portal worker")
    assert lines["beat"].startswith("python -m mttq_portal.embedded after-web celery -A mttq_portal beat")


def test_every_module_a_seed_imports_is_an_input_of_the_preparation():
    """A seed module's own imports (``from .x import``) are what it reads: a change there must prepare again."""
    import ast

    inputs = {
        path.relative_to(embedded.BASE_DIR).as_posix()
        for pattern in embedded.PREPARE_INPUTS
        for path in embedded.BASE_DIR.glob(pattern)
    }
    for seeding in embedded.BASE_DIR.glob("*/seeding.py"):
        app = seeding.parent.name
        for node in ast.walk(ast.parse(seeding.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module and node.module != "models":
                assert f"{app}/{node.module}.py" in inputs, (seeding, node.module)


def _supervised(command: list[str], tmp_path: Path) -> subprocess.Popen:
    """``after_web`` in a process of its own (it installs signal handlers), without waiting for a web process,
    starting a failed command again after 0.05 s."""
    code = (
        "import sys\n"
        "from mttq_portal import embedded\n"
        f"sys.exit(embedded.after_web({command!r}, timeout=0, restart_delay=0.05))\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=embedded.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_or_beat_that_fails_is_started_again_until_it_ends_well(tmp_path):
    # Given a command that fails twice (beat losing its database, say), then ends well
    runs = tmp_path / "runs"
    command = [
        sys.executable,
        "-c",
        f"import pathlib, sys; p = pathlib.Path({str(runs)!r}); n = len(p.read_text()) if p.exists() else 0; "
        "p.write_text('x' * (n + 1)); sys.exit(1 if n < 2 else 0)",
    ]

    # When the supervisor runs it
    supervisor = _supervised(command, tmp_path)
    output, _ = supervisor.communicate(timeout=30)

    # Then it ran three times, said so each time it started it again, and ended as the command did
    assert runs.read_text() == "xxx"
    assert output.count("exited with 1; starting it again") == 2
    assert supervisor.returncode == 0


def test_a_supervised_command_stopped_by_honcho_is_not_started_again(tmp_path):
    # Given a long-running command under the supervisor
    started = tmp_path / "started"
    command = [sys.executable, "-c", f"import pathlib, time; pathlib.Path({str(started)!r}).touch(); time.sleep(60)"]
    supervisor = _supervised(command, tmp_path)
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)

    # When honcho stops the process (SIGTERM, as Ctrl-C of `make run` does)
    supervisor.send_signal(signal.SIGTERM)
    output, _ = supervisor.communicate(timeout=20)

    # Then the command was stopped with it and not started again
    assert started.exists()
    assert "starting it again" not in output
    assert supervisor.returncode != 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_make_run_stopped_by_a_signal_of_its_own_stops_what_it_started_first(tmp_path, signum):
    # Given `make run`'s foreground step running a command (honcho, in `make run`) that has started a process
    ready, stopped, returned = tmp_path / "ready", tmp_path / "stopped", tmp_path / "returned"
    command = ["sh", "-c", f"trap 'echo TERM > {stopped}; exit 0' TERM; touch {ready}; sleep 60 & wait"]
    script = (
        "import os, pathlib, sys\n"
        "from mttq_portal.embedded import foreground\n"
        f"code = foreground({command!r}, cwd=pathlib.Path('.'), env=dict(os.environ))\n"
        f"pathlib.Path({str(returned)!r}).write_text(str(code))\n"
    )
    make_run = subprocess.Popen([sys.executable, "-c", script], cwd=Path(embedded.__file__).resolve().parent.parent)
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)

    # When that process alone is sent SIGTERM (kill, a service manager) or SIGHUP (its terminal closed)
    make_run.send_signal(signum)
    make_run.wait(timeout=20)

    # Then the command got SIGTERM and ended first, and make run went on to its own end (where it stops the
    # servers it started) instead of dying at once and leaving everything running
    assert stopped.read_text() == "TERM\n"
    assert returned.read_text() == "0"
    assert make_run.returncode == 0


@pytest.mark.django_db(transaction=True)
def test_the_web_process_of_make_run_leaves_no_database_connection_behind(settings):
    """runserver serves each request in a thread of its own: with connections kept for the next request
    (DATABASE_CONN_MAX_AGE), each finished thread left its connection open, until PostgreSQL refused
    everyone ("too many clients") and beat, failing, took `make run` down."""
    from django.db import connection

    from tests.processes import free_port, wait_port

    procfile = dict(
        line.split(":", 1) for line in (embedded.BASE_DIR / "Procfile").read_text().splitlines() if ":" in line
    )
    assignments = procfile["web"].strip().partition(" python ")[0]
    name = settings.DATABASES["default"]
    port = free_port()
    app = f"leak-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        **dict(pair.split("=", 1) for pair in assignments.split()),
        "DATABASE_URL": f"postgres://{name['USER']}@{name['HOST']}:{name['PORT']}/{name['NAME']}",
        "PGAPPNAME": app,
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test",
        "PYTHONPATH": str(embedded.BASE_DIR),
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--skip-checks", "--noreload", f"127.0.0.1:{port}"],
        cwd=embedded.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, timeout=60)
        for _ in range(60):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                assert response.status == 200
        time.sleep(0.5)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app])
            left_open = cursor.fetchone()[0]
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert left_open <= 1, f"{left_open} connections left open by 60 requests"
