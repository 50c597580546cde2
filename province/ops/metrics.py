"""Prometheus metrics (prometheus-client).

Several gunicorn workers each count their own requests: with ``PROMETHEUS_MULTIPROC_DIR``
set (before the first import of prometheus_client, i.e. in the process environment),
every worker writes its values to files in that folder and ``/metrics`` adds them up
(``MultiProcessCollector``); the gunicorn config (deploy/gunicorn.conf.py) marks dead
workers. The folder must be emptied when the server starts. Without the variable (tests,
``make run``) the process's own registry is used.

Figures that live in the database (the notification outbox) are read at scrape time by a
collector, so they are right whichever process answers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, transaction
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "province_http_requests_total",
    "HTTP requests answered, by method, view name and status code.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "province_http_request_duration_seconds",
    "Time to answer a request, by view name and status code.",
    ["view", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DOSSIERS_SUBMITTED = Counter(
    "province_dossiers_submitted_total",
    "Dossiers submitted (counted when the submission commits).",
    ["channel"],
)
RATE_LIMIT_FALLBACK = Counter(
    "province_rate_limit_fallback_total",
    "Requests whose rate limit was counted in the process's memory because the cache was unreachable.",
    ["scope"],
)


class OutboxCollector(Collector):
    """Notifications waiting to be sent (pending or failed and to be retried), by channel."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from province.dossiers.models import Notification

        family = GaugeMetricFamily(
            "province_notifications_pending", "Notifications in the outbox not sent yet.", labels=["channel", "state"]
        )
        rows = (
            Notification.objects.filter(state__in=(Notification.State.PENDING, Notification.State.FAILED))
            .values("channel", "state")
            .annotate(n=Count("id"))
        )
        try:
            seen = {(row["channel"], row["state"]): row["n"] for row in rows}
        except DatabaseError:
            # the request and process metrics must still come out when the database is down
            logger.warning("metrics_outbox_unavailable")
            return
        for channel in Notification.Channel.values:
            for state in (Notification.State.PENDING, Notification.State.FAILED):
                family.add_metric([channel, str(state)], seen.get((channel, str(state)), 0))
        yield family


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def render() -> bytes:
    """The text exposition of every metric (all workers' in multiprocess mode)."""
    registry = CollectorRegistry(auto_describe=True)
    if multiprocess_dir():
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessRegistry())
    registry.register(OutboxCollector())
    return generate_latest(registry)


class _ProcessRegistry(Collector):
    """The default registry (this process's metrics, plus process/platform collectors)."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def _channel_name(value: Any) -> str:
    from province.dossiers.models import Channel

    try:
        return Channel(value).name.lower()
    except ValueError:
        return "other"


def _on_status_changed(sender: Any, *, dossier: Any, from_status: int | None, **kwargs: Any) -> None:
    if from_status is None:  # a submission
        channel = _channel_name(getattr(dossier, "channel", None))
        transaction.on_commit(lambda: DOSSIERS_SUBMITTED.labels(channel=channel).inc())


def connect_signals() -> None:
    from province.dossiers.signals import status_changed

    status_changed.connect(_on_status_changed, dispatch_uid="ops.metrics.dossier_submitted")
