"""In-process cost of one public submission (run by bench/submit.py in the bench's database): the SQL
statements and Redis round trips one POST makes once the reference data is cached, and the median wall time of
a series through the whole middleware stack, tasks published to a queue no worker reads.

    python bench/support/submit_profile.py <category id> <commune id> <count>
"""

import json
import statistics
import sys
import time
import uuid

import django

django.setup()

import redis.connection  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.support.submission import submission_payload  # noqa: E402

PATH = "/api/v1/public/items/"
round_trips = [0]
_send = redis.connection.AbstractConnection.send_packed_command


def _counted_send(self, *args, **kwargs):
    round_trips[0] += 1
    return _send(self, *args, **kwargs)


redis.connection.AbstractConnection.send_packed_command = _counted_send


def main() -> None:
    category, commune, count = (int(arg) for arg in sys.argv[1:4])
    settings.ALLOWED_HOSTS = ["*"]
    payload = submission_payload(category, commune)
    client = Client()

    def submit() -> float:
        body = json.dumps({**payload, "title": f"{payload['title']} {uuid.uuid4().hex[:6]}"})
        started = time.perf_counter()
        response = client.post(PATH, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise SystemExit(f"submission refused: {response.status_code} {response.content[:200]!r}")
        return elapsed

    for _ in range(3):  # fills the per-process reference cache
        submit()
    with CaptureQueriesContext(connection) as queries:
        submit()
    statements = [query["sql"][:24] for query in queries.captured_queries]
    round_trips[0] = 0  # over the series: a connection (re)opened now and then is counted in the mean
    times = [submit() for _ in range(count)]
    print(
        f"  in-process, one submission: {len(statements)} SQL statement(s) {statements}, "
        f"{round_trips[0] / count:.1f} Redis round trips on average; median {1000 * statistics.median(times):.1f} ms"
        f" over {count}"
    )


if __name__ == "__main__":
    main()
