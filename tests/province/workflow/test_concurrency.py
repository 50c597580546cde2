"""Two officers acting on one dossier at the same moment: one succeeds, the other is
refused and nothing is written twice. Threads need real concurrent transactions, so this
runs on PostgreSQL (``make test-postgres``); SQLite serialises writers anyway."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from province.dossiers import workflow
from province.dossiers.models import Dossier, DossierEvent, Status

from .conftest import World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (make test-postgres)"),
]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("with_version", [True, False])
def test_only_one_of_two_simultaneous_actions_succeeds(world: World, with_version: bool) -> None:
    for _round in range(5):
        dossier = world.submit()
        version = dossier.version if with_version else None
        a, b = world.officers["tiep_nhan"], world.outsiders["tiep_nhan"]
        b = type(a).objects.create(
            username=f"{a.username}.2.{_round}{int(with_version)}",
            person=a.person,
            unit=a.unit,
            role=a.role,
            password=a.password,
        )
        results = _race(
            lambda: workflow.dossier_receive(dossier=dossier, officer=a, version=version),
            lambda: workflow.dossier_reject(dossier=dossier, officer=b, reason="Sai thẩm quyền", version=version),
        )
        succeeded = [r for r in results if isinstance(r, Dossier)]
        refused = [r for r in results if isinstance(r, workflow.StaleDossier | workflow.ActionNotAllowed)]
        assert len(succeeded) == 1 and len(refused) == 1, results
        final = Dossier.objects.get(pk=dossier.pk)
        assert final.status in (Status.ACCEPTED, Status.NOT_ACCEPTED)
        assert final.version == dossier.version + 1
        assert DossierEvent.objects.filter(dossier=dossier).exclude(to_status=Status.NEW).count() == 1
