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


def test_an_officers_action_does_not_lock_the_agency_procedure_or_applicant(world: World) -> None:
    """A submission to the same agency checks its foreign keys (KEY SHARE on the agency,
    procedure and applicant rows) while an officer's transaction holds its dossier: it must
    not wait for it (it did, and the two then deadlocked on a statistics row)."""
    from django.db import transaction

    dossier = world.submit()
    holding, release = threading.Event(), threading.Event()

    def officer() -> None:
        try:
            with transaction.atomic():
                workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"], version=dossier.version)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=officer)
    thread.start()
    try:
        assert holding.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            for table, pk in (
                ("catalogue_agency", dossier.agency_id),
                ("catalogue_procedure", dossier.procedure_id),
                ("accounts_person", dossier.applicant_id),
            ):
                cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE", [pk])  # noqa: S608
    finally:
        release.set()
        thread.join(10)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.ACCEPTED
