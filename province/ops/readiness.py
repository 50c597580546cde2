"""Readiness: can this process serve requests now? Database, cache and job broker, timed.

Each check has a short timeout so that a load balancer polling ``/readyz`` gets an answer
instead of hanging when a dependency is down.

Only the database is *required*: without it no page can be served, so ``/readyz`` answers
503. Redis (cache and broker) is reported, and the status says ``degraded``, but the answer
stays 200: every web process shares the same Redis, so failing readiness on it would take
all of them out of the load balancer at once and turn a degraded service into no service,
while the site keeps working without it (rate limits count per process,
province/ops/ratelimit.py; sessions are in the database; notifications wait in the
outbox table for the sweeper). Alerting on ``degraded`` is the monitoring's job.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    ms: float
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        result: dict[str, object] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.detail:
            result["detail"] = self.detail
        return result


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if not row or row[0] != 1:
        raise RuntimeError("unexpected answer")
    return connection.vendor


def check_cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("a value written was not read back")
    cache.delete(key)
    backend = str(settings.CACHES["default"]["BACKEND"])
    return backend.rsplit(".", 1)[-1]


def broker_url() -> str:
    """The Celery broker this process enqueues to, or "" when jobs run inline (eager)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return ""
    return str(getattr(settings, "CELERY_BROKER_URL", "") or "")


def check_broker() -> str:
    url = broker_url()
    if not url:
        return "inline (no broker)"
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        try:
            if not client.ping():
                raise RuntimeError("no PONG")
        finally:
            client.close()
        return "redis"
    from kombu.connection import Connection

    with Connection(url, connect_timeout=TIMEOUT_SECONDS) as conn:  # type: ignore[no-untyped-call]
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return url.split(":", 1)[0]


# Checks whose failure makes the process not ready (503); the others only degrade it.
REQUIRED = frozenset({"database"})

CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("database", check_database),
    ("cache", check_cache),
    ("broker", check_broker),
)


def run_checks() -> list[CheckResult]:
    results = []
    for name, check in CHECKS:
        started = time.perf_counter()
        try:
            detail = check()
            ok = True
        except Exception as exc:  # any failure means "not ready"; the class name says which
            detail, ok = f"{type(exc).__name__}", False
        results.append(CheckResult(name, ok, (time.perf_counter() - started) * 1000, detail))
    return results
