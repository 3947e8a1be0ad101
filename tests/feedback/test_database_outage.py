"""Honest failure with PostgreSQL stopped: a real gunicorn on a PostgreSQL cluster of the test's own.

The cluster is a copy of the test database (pg_dump), served by the machine's PostgreSQL binaries on a free
port, so stopping it touches nobody else's database.
"""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from tests.processes import PG_BIN, PostgresCluster, free_port, wait_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TITLE = "Cầu treo bản Huổi Só bị hỏng"
CONTENT = "Cầu treo qua suối bị đứt một dây cáp, học sinh phải lội suối đến trường."


@pytest.fixture
def own_cluster():
    cluster = PostgresCluster()
    cluster.init()
    cluster.start()
    yield cluster
    cluster.stop("immediate")
    cluster.remove()


def copy_test_database(cluster: PostgresCluster) -> None:
    s = connection.settings_dict
    cluster.psql("CREATE DATABASE portal")
    dump = subprocess.run(
        [str(PG_BIN / "pg_dump"), "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
         "-U", s["USER"] or "postgres", "--no-owner", s["NAME"]],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-d", "portal",
         "-v", "ON_ERROR_STOP=1"],
        input=dump, check=True, capture_output=True,
    )  # fmt: skip


class Browser:
    """A cookie-keeping HTTP client that returns (status, headers, body) without raising on 4xx/5xx."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, *, data=None, json_body=None, headers=None):
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (http only)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


@pytest.fixture
def portal_on_own_cluster(own_cluster, submit_kwargs):
    copy_test_database(own_cluster)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test",
        "DATABASE_URL": own_cluster.url("portal"),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    log = open(f"/tmp/gunicorn-outage-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mttq_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_port(port, timeout=60)
        yield own_cluster, Browser(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_with_postgresql_stopped_the_citizen_keeps_their_text_and_the_api_answers_503_json(
    portal_on_own_cluster, submit_kwargs
):
    cluster, browser = portal_on_own_cluster
    # given a citizen who opened the form while the database was up
    status, _headers, html = browser.request("/gui-y-kien/")
    assert status == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {
        "csrfmiddlewaretoken": csrf,
        "type": "recommendation",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": TITLE,
        "content": CONTENT,
        "consent_processing": "on",
        "idempotency_key": key,
    }

    # (and an API client submitted before the outage: the submission's statement is prepared in the web
    # process's database session, ADR 0175)
    payload = {**{k: form[k] for k in ("type", "category", "commune", "title", "content")}, "consent_processing": True}
    for title in ("Trước", "Trước nữa"):  # the second prepares it
        status, _headers, body = browser.request("/api/v1/public/items/", json_body={**payload, "title": title})
        assert status == 201, body

    # when PostgreSQL stops and they send the form
    cluster.stop()
    status, headers, html = browser.request("/gui-y-kien/", data=form, headers={"Referer": browser.base + "/"})

    # then the page says plainly it is not saved, gives their text back in a form that sends it again
    assert status == 503, html[:3000]
    assert headers["Retry-After"] == "60"
    assert "Chưa lưu được" in html
    assert "vui lòng thử lại sau một phút" in html
    assert "an toàn" not in html
    assert TITLE in html
    assert CONTENT in html
    assert f'name="idempotency_key" value="{key}"' in html
    assert headers["Cache-Control"] == "no-store"
    kept = html

    # and opening the form, or looking an item up, say the same, never a 500
    status, headers, html = browser.request("/gui-y-kien/")
    assert (status, headers["Retry-After"]) == (503, "60")
    assert "an toàn" not in html
    lookup = {"csrfmiddlewaretoken": csrf, "code": "DB-26-3KH-CKP-D2W", "secret": "ABCD-EFGH-JKLM"}
    status, headers, html = browser.request("/tra-cuu/", data=lookup, headers={"Referer": browser.base + "/"})
    assert (status, headers["Retry-After"]) == (503, "60")
    assert "an toàn" not in html
    assert "ABCD-EFGH-JKLM" not in html

    # and the public API answers 503 in its JSON error body, Open311 in its own error shape
    status, headers, body = browser.request("/api/v1/public/items/", json_body=payload)
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "unavailable"
    assert headers["Retry-After"] == "60"
    status, headers, body = browser.request("/open311/v2/requests.json")
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)[0]["code"] == 503
    status, headers, body = browser.request("/open311/v2/services.xml")
    assert status == 503
    assert "<errors>" in body

    # when the database is back and the citizen presses "send again" (the page's own form)
    cluster.start()
    resend = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', kept))
    resend.update(re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>([^<]*)</textarea>', kept))
    resend.update(re.findall(r'<input class="form-control"[^>]* name="([^"]+)" value="([^"]*)"', kept))
    assert resend["title"] == TITLE
    assert resend["content"] == CONTENT
    assert resend["idempotency_key"] == key
    status, _headers, html = browser.request("/gui-y-kien/", data=resend, headers={"Referer": browser.base + "/"})

    # then the item is stored once, and the receipt shows its code
    assert status == 200
    rows = cluster.psql("SELECT tracking_code FROM feedback_item WHERE title LIKE 'Cầu treo%'", database="portal")
    assert len(rows.splitlines()) == 1
    assert rows in html
    # and the API client's next submission is stored too: the new database session prepares the statement again
    for title in ("Sau", "Sau nữa"):
        status, _headers, body = browser.request("/api/v1/public/items/", json_body={**payload, "title": title})
        assert status == 201, body
    counted = "SELECT count(*) FROM feedback_item WHERE title LIKE 'Trước%' OR title LIKE 'Sau%'"
    stored = cluster.psql(counted, database="portal")
    assert stored == "4"
