"""Counters in the shared cache (Redis), one round trip each, for every rate limit and throttle of the portal
(the submission and lookup limits of ``feedback/ratelimit.py``, ADR 0013; the API and Open311 throttles of
``mttq_portal/throttles.py``, ADR 0178).

Each count is one atomic Lua script: concurrent requests cannot all pass a check made before any of them is
counted. When the cache is down every function answers "not counted" (None) and callers let the request
through: a cache outage must not stop the portal.
"""

import functools
import logging
from typing import Any

from django.core.cache import cache, caches

logger = logging.getLogger(__name__)

# INCR, and EXPIRE on the window's first count: one command, atomic (a Lua script runs alone in Redis).
_COUNT_LUA = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"

# The same for the current window, and the previous window's count read in the same step (a sliding
# window estimated from two fixed ones).
_COUNT_TWO_WINDOWS_LUA = (
    "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
    "return {n, tonumber(redis.call('GET', KEYS[2]) or '0')}"
)


def redis_client() -> Any:
    """The Redis client of the default cache, or None when the cache is not Redis (a setup without
    REDIS_URL)."""
    try:
        from django_redis import get_redis_connection
        from django_redis.cache import RedisCache
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(caches["default"], RedisCache):
        return None
    return get_redis_connection("default")


@functools.cache
def _script(client: Any, source: str) -> Any:
    """A script of the cache's client, registered once (EVALSHA; redis-py loads it again if Redis lost it)."""
    return client.register_script(source)


def count(key: str, expires: int) -> int | None:
    """Atomically count one under ``key`` (kept ``expires`` seconds from its first count) and return the new
    value; None when the cache is down."""
    client = redis_client()
    try:
        if client is not None:
            return int(_script(client, _COUNT_LUA)(keys=[cache.make_key(key)], args=[expires], client=client))
        if cache.add(key, 1, timeout=expires):
            return 1
        return int(cache.incr(key))
    except Exception:
        logger.warning("rate-limit counter not recorded (cache unavailable)")
        return None


def count_two_windows(key: str, previous_key: str, expires: int) -> tuple[int, int] | None:
    """Count one under ``key`` and read ``previous_key``, in one round trip: (this window's count, the
    previous window's); None when the cache is down."""
    client = redis_client()
    try:
        if client is not None:
            current, previous = _script(client, _COUNT_TWO_WINDOWS_LUA)(
                keys=[cache.make_key(key), cache.make_key(previous_key)], args=[expires], client=client
            )
            return int(current), int(previous)
        current = 1 if cache.add(key, 1, timeout=expires) else int(cache.incr(key))
        return current, int(cache.get(previous_key) or 0)
    except Exception:
        logger.warning("rate-limit counter not recorded (cache unavailable)")
        return None


def uncount(key: str) -> None:
    """Give one back (a request that was counted and then not let through, or not stored)."""
    try:
        client = redis_client()
        if client is not None:
            client.decr(cache.make_key(key))
        else:
            cache.decr(key)
    except Exception:  # noqa: S110 (a counter left one high only shortens the window's allowance)
        pass
