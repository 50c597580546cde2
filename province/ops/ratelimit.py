"""Rate limits: one fixed-window counter for the whole province, failing soft.

Every limit (public lookup, anonymous feedback, the API's clients, addresses and token
requests) counts through :func:`hit`. Windows are aligned on the clock (``time // window``)
and the window's number is part of the cache key, so a counter never outlives its window
even if an expiry is lost, and the caller knows how long to ask people to wait
(``Retry-After``).

The counters live in the default cache: Redis in production, shared by every process
(``incr`` is atomic there; ``add`` creates a window's counter once). When the cache cannot
be reached (Redis restarting, network cut) a limit must neither raise (a 500 on every
lookup) nor open the gate: the count falls back to a per-process in-memory counter, so
each process keeps the limit on its own (with N processes, up to N times the limit gets
through for the length of the outage: "roughly"). One warning is logged when a process
loses the cache and one line when it has it back, not one per request; while it is lost,
the cache is tried again at most every ``RETRY_SECONDS`` so that a dead Redis costs the
requests nothing. Keys are logged never: they hold client addresses.

django-ratelimit and ninja's throttles were not used: the first raises or blocks when the
cache is down (no per-process fallback), the second reads and rewrites a list of
timestamps (two processes can both take the last slot).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient

from . import metrics

logger = logging.getLogger(__name__)

# After a failure, the shared cache is left alone this long before it is tried again.
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Hit:
    """One request counted: this window's count (this request included) against ``limit``."""

    count: int
    limit: int
    retry_after: int  # seconds until the window ends
    shared: bool  # counted in the shared cache (False: this process's fallback)

    @property
    def limited(self) -> bool:
        return self.count > self.limit


class _LocalCounters:
    """The fallback: fixed-window counters in this process, behind a lock (gunicorn threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._expires: dict[str, float] = {}

    def incr(self, key: str, expires_at: float) -> int:
        now = time.time()
        with self._lock:
            if len(self._counts) > 10_000:  # an outage under load: drop what has expired
                for old in [k for k, at in self._expires.items() if at <= now]:
                    del self._counts[old], self._expires[old]
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
            self._expires[key] = expires_at
            return count

    def get(self, key: str) -> int:
        with self._lock:
            if self._expires.get(key, 0.0) <= time.time():
                return 0
            return self._counts.get(key, 0)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._expires.clear()


class _Health:
    """Whether this process is counting in the shared cache, and since when it is not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.next_try = 0.0

    def should_try(self) -> bool:
        return self.down_since is None or time.monotonic() >= self.next_try

    def failed(self, exc: Exception) -> None:
        with self._lock:
            self.next_try = time.monotonic() + RETRY_SECONDS
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        logger.warning(
            "rate_limit_cache_down error=%s: counting in this process until the cache answers",
            type(exc).__name__,
        )

    def recovered(self) -> None:
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
        logger.info("rate_limit_cache_back after=%.1fs", seconds)


_local = _LocalCounters()
_health = _Health()


# Redis: create the window's counter or count in it, and give a new counter its expiry, in
# one command (one round trip, atomic).
_REDIS_INCR = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"


def _redis_client(backend: object) -> Any | None:
    """The redis-py client behind Django's Redis cache, built once per cache object (Django
    builds one per call, which costs more than the command), or None for other caches."""
    inner = getattr(backend, "_cache", None)
    if not isinstance(inner, RedisCacheClient):
        return None
    client = getattr(inner, "_ratelimit_client", None)
    if client is None:
        client = inner.get_client(write=True)
        inner._ratelimit_client = client  # type: ignore[attr-defined]
    return client


def _shared_incr(key: str, timeout: int) -> int:
    client = _redis_client(cache)
    if client is not None:
        return int(client.eval(_REDIS_INCR, 1, cache.make_key(key), timeout))
    # Other caches: one call once the window's counter exists (incr), two for the first
    # request of a window; add() is atomic, so of two first requests one creates and one increments.
    try:
        return int(cache.incr(key))
    except ValueError:  # no counter yet for this window
        if cache.add(key, 1, timeout):
            return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # created by another request and expired since: a new window
        cache.set(key, 1, timeout)
        return 1


def _shared_get(key: str) -> int:
    client = _redis_client(cache)
    if client is not None:
        value = client.get(cache.make_key(key))  # the raw integer that INCR keeps
        return int(value) if value is not None else 0
    return int(cache.get(key, 0))


def _window_key(scope: str, key: str, window: int, now: float) -> str:
    return f"rl:{scope}:{key}:{int(now) // window}"


def peek(scope: str, key: str, *, limit: int, window: int) -> Hit:
    """What :func:`hit` would have counted so far in this window, without counting a
    request: for limits on failures, where a request is refused while the failures already
    made are over the limit but only a failure counts. Never raises for a cache failure."""
    now = time.time()
    full_key = _window_key(scope, key, window, now)
    retry_after = seconds_left(window, now)
    if _health.should_try():
        try:
            count = _shared_get(full_key)
        except Exception as exc:  # as in hit(): the store is down, read this process's count
            _health.failed(exc)
        else:
            _health.recovered()
            return Hit(count, limit, retry_after, shared=True)
    return Hit(_local.get(full_key), limit, retry_after, shared=False)


def hit(scope: str, key: str, *, limit: int, window: int) -> Hit:
    """Count one request of ``key`` (an address, a client id) in ``scope``'s current
    window of ``window`` seconds; ``.limited`` once more than ``limit`` were counted.

    Never raises for a cache failure: see the module docstring.
    """
    now = time.time()
    index = int(now) // window
    window_end = (index + 1) * window
    retry_after = seconds_left(window, now)
    full_key = _window_key(scope, key, window, now)
    if _health.should_try():
        try:
            count = _shared_incr(full_key, window + 60)
        except Exception as exc:  # any failure of the store (redis.ConnectionError, TimeoutError, OSError…)
            _health.failed(exc)
        else:
            _health.recovered()
            return Hit(count, limit, retry_after, shared=True)
    metrics.RATE_LIMIT_FALLBACK.labels(scope=scope).inc()
    return Hit(_local.incr(full_key, window_end), limit, retry_after, shared=False)


def seconds_left(window: int, now: float | None = None) -> int:
    """Whole seconds until the current window of ``window`` seconds ends (at least 1)."""
    now = time.time() if now is None else now
    return max(1, window - int(now) % window)


def shared_store_down() -> bool:
    """True while this process counts in its own memory (for readiness and tests)."""
    return _health.down_since is not None


def reset() -> None:
    """Forget this process's fallback counts and cache state (tests)."""
    _local.clear()
    with _health._lock:
        _health.down_since = None
        _health.next_try = 0.0
