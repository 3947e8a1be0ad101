"""Rate limits and lookup throttles, counted in the shared cache (Redis) so they hold across web processes.

Fixed windows: ``"count/seconds"`` (e.g. ``"10/900"``), each counted in one atomic round trip by
``mttq_portal/counters.py``. When the cache is down (``IGNORE_EXCEPTIONS``) every call answers "allowed": a cache
outage must not stop citizens from submitting; the database-side idempotency still prevents duplicates.
See docs/adr/0013-rate-limits-in-the-shared-cache.md.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from mttq_portal import counters
from mttq_portal.client_address import client_address as client_ip  # the one client-address function

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    count, _slash, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def _key(scope: str, ident: str, window: int) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{int(time.time() // window)}"


def _count(scope: str, ident: str, rate: str) -> tuple[int | None, int]:
    limit, window = parse_rate(rate)
    value = cache.get(_key(scope, ident, window))
    return (int(value) if value is not None else 0), limit


def is_limited(scope: str, ident: str, rate: str) -> bool:
    """True when the window's counter has reached the limit (without counting this call)."""
    count, limit = _count(scope, ident, rate)
    return count is not None and count >= limit


def record(scope: str, ident: str, rate: str) -> None:
    """Count one event in the current window (one round trip to Redis: INCR and EXPIRE pipelined)."""
    _limit, window = parse_rate(rate)
    key = _key(scope, ident, window)
    client = counters.redis_client()
    if client is not None:
        try:
            with client.pipeline(transaction=False) as pipe:
                pipe.incr(cache.make_key(key))
                pipe.expire(cache.make_key(key), window + 5)
                pipe.execute()
        except Exception:
            logger.warning("rate-limit counter not recorded (cache unavailable)")
        return
    if cache.add(key, 1, timeout=window + 5):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)


def submit_limited(request) -> bool:
    return is_limited("submit", client_ip(request), settings.FEEDBACK_SUBMIT_RATE)


def submit_record(request) -> None:
    record("submit", client_ip(request), settings.FEEDBACK_SUBMIT_RATE)


def _incr(key: str, window: int) -> int | None:
    """Count one in the window's counter (one round trip); None when the cache is down (nothing limited)."""
    return counters.count(key, window + 5)


def lookup_code_key(code: str) -> str:
    """The throttle's identity of a code: the normalised tracking code, so that ``DB.26.NKW.RMF.VWH`` and
    ``db-26-nkw-rmf-vwh`` share one counter with ``DB-26-NKW-RMF-VWH`` (the lookup normalises the same way)."""
    from .tracking import normalize_tracking_code

    return normalize_tracking_code(code) or (code or "").strip().upper()


@dataclass(frozen=True)
class LookupAttempt:
    """One lookup, counted before the check (so concurrent guesses cannot all pass a check made before any
    of them is counted); a success gives its slots back."""

    address_key: str
    code_key: str | None
    address_blocked: bool  # this address made too many failed guesses: refuse (429)
    code_needs_secret: bool  # this code was guessed at too often: only the secret opens it now

    def succeeded(self) -> None:
        counters.uncount(self.address_key)
        if self.code_key:
            counters.uncount(self.code_key)


def lookup_attempt(request, code: str) -> LookupAttempt:
    address_limit, address_window = parse_rate(settings.FEEDBACK_LOOKUP_FAILURE_RATE)
    code_limit, code_window = parse_rate(settings.FEEDBACK_LOOKUP_CODE_FAILURE_RATE)
    address_key = _key("lookup-ip", client_ip(request), address_window)
    address_count = _incr(address_key, address_window)
    code_key = _key("lookup-code", lookup_code_key(code), code_window) if code else None
    code_count = _incr(code_key, code_window) if code_key else None
    return LookupAttempt(
        address_key=address_key,
        code_key=code_key,
        address_blocked=address_count is not None and address_count > address_limit,
        code_needs_secret=code_count is not None and code_count > code_limit,
    )


@dataclass(frozen=True)
class SubmitClaim:
    """One submission counted in its client's window before it is made (one round trip: INCR, and EXPIRE on
    the window's first count), so the usual case costs one round trip instead of a check and a later count,
    and concurrent requests cannot all pass a check made before any of them is counted. A submission that is
    then not stored (refused, or the replay of an idempotency key) gives its slot back with ``release()``."""

    key: str | None  # None when the cache is down: nothing is limited, nothing to give back
    refused: bool

    def release(self) -> None:
        if self.key and not self.refused:
            counters.uncount(self.key)


def submit_claim(request) -> SubmitClaim:
    limit, window = parse_rate(settings.FEEDBACK_SUBMIT_RATE)
    key = _key("submit", client_ip(request), window)
    count = _incr(key, window)
    if count is None:
        return SubmitClaim(key=None, refused=False)
    if count > limit:
        counters.uncount(key)  # a refused request does not use the window up
        return SubmitClaim(key=key, refused=True)
    return SubmitClaim(key=key, refused=False)
