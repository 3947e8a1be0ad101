"""Rate limits and lookup throttles, counted in the shared cache (Redis) so they hold across web processes.

Fixed windows: ``"count/seconds"`` (e.g. ``"10/900"``). The counter is ``cache.add`` then ``cache.incr``,
both atomic in Redis. When the cache is down (``IGNORE_EXCEPTIONS``) every call answers "allowed": a cache
outage must not stop citizens from submitting; the database-side idempotency still prevents duplicates.
See docs/adr/0013-rate-limits-in-the-shared-cache.md.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches

from mttq_portal.client_address import client_address as client_ip  # the one client-address function

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    count, _slash, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def _redis_client():
    try:
        from django_redis import get_redis_connection
        from django_redis.cache import RedisCache
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(caches["default"], RedisCache):
        return None
    return get_redis_connection("default")


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
    client = _redis_client()
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


def lookup_limited(request, code: str) -> bool:
    return is_limited("lookup-ip", client_ip(request), settings.FEEDBACK_LOOKUP_FAILURE_RATE) or (
        bool(code) and is_limited("lookup-code", code, settings.FEEDBACK_LOOKUP_CODE_FAILURE_RATE)
    )


def lookup_failed(request, code: str) -> None:
    record("lookup-ip", client_ip(request), settings.FEEDBACK_LOOKUP_FAILURE_RATE)
    if code:
        record("lookup-code", code, settings.FEEDBACK_LOOKUP_CODE_FAILURE_RATE)
