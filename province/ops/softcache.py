"""Calls to the shared cache (Redis in production) for data that can do without it for a
while: a cache outage must not turn sign-ins or logouts into errors.

- ``get`` answers ``default`` and ``set``/``delete`` do nothing when the cache cannot be
  reached: the caller fetches or computes the value itself (the provider's discovery
  document and keys, the officers' queue counts).
- ``add`` ("first to claim this key", as for a logout token's ``jti``) falls back to a
  per-process record, so a claim is still refused twice in the same process during the
  outage (across processes it is not: the callers are idempotent or accept that).

A warning is logged when the cache is first found unreachable and then at most once a
minute while it stays so, not once per call; keys are never logged. Rate limits have their
own fallback (``ratelimit``), which also counts.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0
_LOCAL_MAX = 10_000

_lock = threading.Lock()
_claims: dict[str, float] = {}  # key -> expiry (time.time())
_last_warning = 0.0


def _unreachable(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    with _lock:
        if now - _last_warning < WARN_EVERY_SECONDS:
            return
        _last_warning = now
    logger.warning("shared_cache_unreachable operation=%s error=%s", operation, type(exc).__name__)


def get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except Exception as exc:
        _unreachable("get", exc)
        return default


def set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        _unreachable("set", exc)


def delete(key: str) -> None:
    """Forget ``key``; with the cache unreachable, the entry expires by itself."""
    try:
        cache.delete(key)
    except Exception as exc:
        _unreachable("delete", exc)


def add(key: str, value: Any, timeout: int) -> bool:
    """True if this call claimed ``key`` (it was not there), as ``cache.add``."""
    try:
        return bool(cache.add(key, value, timeout))
    except Exception as exc:
        _unreachable("add", exc)
    now = time.time()
    with _lock:
        if len(_claims) > _LOCAL_MAX:
            for old in [k for k, expires in _claims.items() if expires <= now]:
                del _claims[old]
        expires = _claims.get(key)
        if expires is not None and expires > now:
            return False
        _claims[key] = now + timeout
        return True


def reset() -> None:
    """Forget the per-process claims and the warning clock (tests)."""
    global _last_warning
    with _lock:
        _claims.clear()
        _last_warning = 0.0
