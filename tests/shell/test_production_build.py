"""The production build is run, not only read: what the Dockerfile runs at build and at start, in a clean copy.

The copy holds the files the Docker build context holds (the repository's files, without what .dockerignore
and .gitignore leave out: no compiled catalogues, no collected static files). In it: ``collectstatic`` with
the production settings (manifest storage), ``compilemessages``, ``check --deploy``, then the Dockerfile's
own gunicorn command on a free port of 127.0.0.1, against the test database. The pages and a hashed static
file must answer 200, in Vietnamese.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.shell.clone import copy_repository

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.production_build


def _dockerfile_cmd() -> list[str]:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD "):
            return json.loads(line.removeprefix("CMD "))
    raise AssertionError("the Dockerfile has no CMD")


def _dockerfile_build_env(runtime: dict) -> dict:
    """The environment of the Dockerfile's build steps: its ENV lines and the variables its RUN line sets before
    ``collectstatic`` (build-time values only), so that a setting production starts to require fails here when
    the Dockerfile does not give it, as ``docker build`` would."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env = {k: runtime[k] for k in ("PATH", "HOME", "LANG", "LC_ALL") if k in runtime}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(word.split("=", 1) for word in line.removeprefix("ENV ").split())
    run = next(line for line in text.splitlines() if line.startswith("RUN ") and "collectstatic" in line)
    assignments = run.removeprefix("RUN ").split("python manage.py collectstatic")[0]
    env.update(word.split("=", 1) for word in assignments.split())
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes, dict]:
    # Behind the TLS-terminating proxy the production settings trust X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Accept-Language": "vi"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def production_env(transactional_db):
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production",
            "DJANGO_SECRET_KEY": "production-build-test-" + "k" * 50,
            "TRACKING_SECRET_KEYS": "production-build-tracking-" + "t" * 50,
            "DATABASE_URL": url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PORTAL_BASE_URL": "https://127.0.0.1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _run(args: list[str], *, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_the_docker_build_and_start_commands_serve_the_portal(tmp_path, production_env):
    # Given the reference data in the database the image's web process will read
    call_command("seed_reference_data", stdout=StringIO())
    app = tmp_path / "app"
    app.mkdir()
    copy_repository(app)
    assert not list((app / "locale").rglob("*.mo")), "compiled catalogues are build products, not sources"
    python = sys.executable

    # When the Dockerfile's build steps run in the copy, with the Dockerfile's own build-time environment
    build_env = _dockerfile_build_env(production_env)
    assert build_env["DJANGO_SETTINGS_MODULE"] == "mttq_portal.settings.production"
    _run([python, "manage.py", "collectstatic", "--noinput"], cwd=app, env=build_env)
    _run([python, "manage.py", "compilemessages", "--ignore=.venv"], cwd=app, env=build_env)
    deploy = _run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=app, env=production_env)
    assert "no issues" in deploy.stdout

    manifest = json.loads((app / "staticfiles" / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["vendor/bootstrap/bootstrap.min.css"]
    assert hashed_css != "vendor/bootstrap/bootstrap.min.css"

    # and the image's start command (gunicorn from the Dockerfile's CMD) listens on a free port
    port = _free_port()
    command = _dockerfile_cmd()
    assert command[0] == "gunicorn"
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "2"
    gunicorn = str(Path(python).parent / "gunicorn")
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([gunicorn, *command[1:]], cwd=app, env=production_env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = _get(base + "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not answer in 60 s"
            time.sleep(0.3)

        # Then the home page and the submission form answer 200, in Vietnamese, with hashed static URLs
        for path in ("/", "/gui-y-kien/"):
            status, body, _ = _get(base + path)
            page = body.decode()
            assert status == 200, (path, status, page[:2000])
            assert '<html lang="vi"' in page
            assert f"/static/{hashed_css}" in page
        status, body, _ = _get(base + "/gui-y-kien/")
        assert "Gửi ý kiến" in body.decode()

        # and the hashed static file is served (by WhiteNoise) with a far-future cache
        status, body, headers = _get(f"{base}/static/{hashed_css}")
        assert status == 200
        assert body.startswith(b"@charset") or b"--bs-" in body[:2000]
        assert "max-age=315360000" in headers.get("Cache-Control", "")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
