"""Concurrent status changes on PostgreSQL (``make test-postgres``): the upserts neither lose
nor duplicate counts, including the race to create a day's first row."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from province.stats import counters
from province.stats.models import DailyStat, MonthlyStat
from tests.province.dossiers.factories import submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL"),
]

THREADS = 8
EACH = 25


def test_it_counts_every_concurrent_change_once(private_files: object) -> None:
    dossier = submit()
    day = dt.date(2031, 5, 17)  # a day with no row yet: every thread races to insert it
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(EACH):
                with transaction.atomic():
                    counters.bump(day=day, dossier=dossier, deltas={"withdrawn": 1, "open_now": -1})
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    row = DailyStat.objects.get(day=day, agency=dossier.agency, procedure=dossier.procedure, channel=dossier.channel)
    assert (row.withdrawn, row.open_now) == (THREADS * EACH, -THREADS * EACH)
    month = MonthlyStat.objects.get(day=day.replace(day=1), agency=dossier.agency, procedure=dossier.procedure)
    assert month.withdrawn == THREADS * EACH
