"""DRF's rate throttles, counted the way the portal counts its other limits: one atomic round trip to the shared
cache per request (ADR 0178).

DRF's ``SimpleRateThrottle`` reads the caller's list of request times from the cache, drops the old ones
and writes the list back: two round trips, and a race (concurrent requests read the same list, and all
pass). Here the rate ``"N/period"`` is a sliding window estimated from two fixed ones: this window's
count, plus the previous window's weighted by how much of it still lies within one period of now. It is
counted and read in one Lua script (``mttq_portal/counters.py``). A refused request is given back, so a
caller that keeps retrying is not locked out longer than the rate says. When the cache is down, every
request passes, as with the portal's other limits (ADR 0013).
"""

import hashlib
import math
import time

from . import counters


class SharedCounterRateMixin:
    """Put before a ``SimpleRateThrottle`` subclass: replaces its ``allow_request`` and ``wait``."""

    rate: str | None
    num_requests: int
    duration: int

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if ident is None:
            return True
        now = time.time()
        window = int(self.duration)
        index = int(now // window)
        # The caller's windows share a hash tag, so that one script may touch both on a Redis Cluster too.
        base = f"rl:throttle:{{{hashlib.sha256(ident.encode()).hexdigest()[:24]}}}"
        counted = counters.count_two_windows(f"{base}:{index}", f"{base}:{index - 1}", 2 * window + 5)
        if counted is None:
            return True
        current, previous = counted
        elapsed = (now % window) / window
        if previous * (1 - elapsed) + current <= self.num_requests:
            return True
        counters.uncount(f"{base}:{index}")
        self._wait = self._seconds_until_allowed(current - 1, previous, elapsed, window)
        return False

    def _seconds_until_allowed(self, current: int, previous: int, elapsed: float, window: int) -> float:
        """When one more request would fit: once enough of the previous window has slid out, or else at the
        next window."""
        room = self.num_requests - current - 1
        if room >= 0 and previous:
            return max(0.0, (1 - room / previous - elapsed) * window)
        return (1 - elapsed) * window

    def wait(self) -> float | None:
        wait = getattr(self, "_wait", None)
        return None if wait is None else float(math.ceil(wait))
