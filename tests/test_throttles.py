"""The API and Open311 throttles (mttq_portal/throttles.py, ADR 0178): one round trip to the shared cache per
request, atomic under concurrency, a sliding window across the fixed windows' edge, refusals given back,
Retry-After when the next request would fit, and every request let through when the cache is down.

Oracles: redis-py's own command count, hand-counted threads, and windows computed by hand at clock times
the test sets."""

import threading
from types import SimpleNamespace

import pytest
import redis
import redis.connection
from redis.backoff import NoBackoff
from redis.retry import Retry

from mttq_portal import counters, throttles
from mttq_portal.client_address import AnonAddressRateThrottle
from organizations.tokens import ApiTokenRateThrottle, api_token_issue

ANON = SimpleNamespace(user=SimpleNamespace(is_authenticated=False), META={"REMOTE_ADDR": "203.0.113.9"}, headers={})


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, set by the test: seconds since the epoch, 60-second windows start at multiples."""
    now = [600_000.0]
    monkeypatch.setattr(throttles.time, "time", lambda: now[0])
    return now


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonAddressRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


def _allowed(count: int) -> list[bool]:
    return [AnonAddressRateThrottle().allow_request(ANON, None) for _ in range(count)]


def test_an_open311_page_costs_the_throttle_one_round_trip(client, monkeypatch, three_a_minute, db):
    client.get("/open311/v2/services.json")  # connections opened, scripts loaded
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(self, *args, **kwargs):
        sent.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    assert client.get("/open311/v2/services.json").status_code == 200
    assert len(sent) == 1
    packed = sent[0] if isinstance(sent[0], bytes) else b"".join(sent[0])
    assert b"EVALSHA" in packed


def test_concurrent_requests_cannot_all_pass(monkeypatch):
    # given a rate of 5 a minute and 24 requests from one address at the same moment
    monkeypatch.setattr(AnonAddressRateThrottle, "THROTTLE_RATES", {"anon": "5/minute"})
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(24)

    def one():
        throttle = AnonAddressRateThrottle()
        start.wait()
        allowed = throttle.allow_request(ANON, None)
        with lock:
            results.append(allowed)

    threads = [threading.Thread(target=one) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly 5 pass
    assert sorted(results) == [False] * 19 + [True] * 5


def test_the_window_slides_across_the_edge_of_the_fixed_windows(clock, three_a_minute):
    # 3 requests 1 s before a window ends: all pass, a 4th is refused
    clock[0] = 600_000.0 + 59
    assert _allowed(4) == [True, True, True, False]
    # 2 s later, in the next window: 3 x 59/60 of the previous window still counts, plus this one: 3.95 > 3
    clock[0] = 600_000.0 + 61
    assert _allowed(1) == [False]
    # 40 s into it: 3 x 20/60 + 1 = 2 ≤ 3 passes; the next makes 3 x 20/60 + 2 = 3 ≤ 3; then 4 > 3
    clock[0] = 600_000.0 + 100
    assert _allowed(3) == [True, True, False]


def test_a_refused_request_is_given_back(clock, three_a_minute):
    clock[0] = 600_000.0 + 10
    assert _allowed(10) == [True] * 3 + [False] * 7
    # in the next window the previous one counts 3 (not 10): at 30 s in, 3 x 30/60 + 1 = 2.5 ≤ 3
    clock[0] = 600_000.0 + 90
    assert _allowed(1) == [True]


def test_retry_after_says_when_the_next_request_fits(client, clock, monkeypatch, db, province_front):
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"api_token": "2/minute"})
    _token, key = api_token_issue(organization=province_front, name="Cổng dữ liệu")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    # 10 s into a window, two requests pass and the third is refused until the window ends: 50 s
    clock[0] = 600_000.0 + 10
    codes = [client.get("/api/v1/reports/compliance/", **auth) for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[2]["Retry-After"] == "50"
    # 15 s into the next window the previous one weighs 2 x 45/60 = 1.5: one more fits once it weighs
    # under 1, i.e. 30 s into the window: 15 s from now
    clock[0] = 600_000.0 + 75
    refused = client.get("/api/v1/reports/compliance/", **auth)
    assert (refused.status_code, refused["Retry-After"]) == (429, "15")
    clock[0] = 600_000.0 + 90.5
    assert client.get("/api/v1/reports/compliance/", **auth).status_code == 200


def test_every_request_passes_when_the_cache_is_down(monkeypatch, three_a_minute):
    # a client to a port nobody listens on, failing at once like the cache's own (no retries)
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    monkeypatch.setattr(counters, "redis_client", lambda: dead)
    assert _allowed(6) == [True] * 6


def test_open311_says_when_to_come_back_in_both_formats(client, clock, three_a_minute, db):
    # 45 s into a window, an address has used its 3: the 4th waits until the window ends, 15 s
    clock[0] = 600_000.0 + 45
    for _ in range(3):
        assert client.get("/open311/v2/services.json").status_code == 200
    for fmt in ("json", "xml"):
        refused = client.get(f"/open311/v2/services.{fmt}")
        assert (refused.status_code, refused["Retry-After"]) == (429, "15")
        assert b"429" in refused.content
