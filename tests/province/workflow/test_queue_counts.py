"""The queue counts: one SQL statement that must agree with the queues' own ORM filters,
kept per unit for a few seconds and forgotten when a dossier of the unit changes status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from province.dossiers import queues, workflow
from province.dossiers.models import Dossier, Status

from .conftest import World


def _spread(world: World) -> list[Dossier]:
    """Dossiers of the unit in every queue: new, running (late, due soon, later, undated,
    awaiting approval), waiting for supplements, processed (result to hand over), returned
    (dated and not)."""
    now = timezone.now()
    made = [world.submit() for _ in range(12)]
    plan: list[dict[str, Any]] = [
        {"status": Status.NEW},
        {"status": Status.ACCEPTED, "due_at": now - dt.timedelta(days=2)},
        {"status": Status.PROCESSING, "due_at": now + dt.timedelta(hours=2)},
        {"status": Status.PROCESSING, "due_at": now + dt.timedelta(days=20)},
        {"status": Status.PAYMENT_REQUESTED, "due_at": None},
        {"status": Status.PROCESSING, "due_at": now + dt.timedelta(days=3), "awaiting_approval": True},
        {"status": Status.SUPPLEMENT_REQUESTED},
        {"status": Status.RETURNED, "finished_at": now},
        {"status": Status.RETURNED, "finished_at": None},
        {"status": Status.NOT_ACCEPTED},
        {"status": Status.PROCESSING, "due_at": now - dt.timedelta(minutes=5)},
        {"status": Status.DONE, "due_at": now + dt.timedelta(days=1)},
    ]
    for dossier, fields in zip(made, plan, strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(unit=world.unit, **fields)
    return made


def test_it_counts_each_queue_as_its_orm_filter_does(world: World) -> None:
    _spread(world)
    stranger = world.submit()
    Dossier.objects.filter(pk=stranger.pk).update(unit=world.other_unit)  # another unit's: in no count
    officer = world.officers["tiep_nhan"]
    now = timezone.now()
    soon = queues.soon_limit(now)

    counted = queues.queue_counts(officer=officer, now=now)

    expected = {
        q.key: queues.queue_rows(unit_id=officer.unit_id, key=q.key, now=now, soon=soon).count() for q in queues.QUEUES
    }
    assert counted == expected
    assert counted["dang-xu-ly"] == 6 and counted["qua-han"] == 2 and counted["cho-phe-duyet"] == 1
    assert counted["da-tra-ket-qua"] == 1 and counted["cho-tiep-nhan"] == 1
    assert counted["cho-tra-ket-qua"] == 1


def test_it_counts_in_one_statement_then_reuses_the_units_counts(world: World) -> None:
    _spread(world)
    officer = world.officers["tiep_nhan"]
    with CaptureQueriesContext(connection) as first:
        queues.queue_counts(officer=officer)
    with CaptureQueriesContext(connection) as second:
        queues.queue_counts(officer=world.officers["xu_ly"])  # same unit
    assert len(first.captured_queries) == 1 and len(second.captured_queries) == 0


def test_it_counts_again_after_a_status_change_of_the_units_dossier(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = world.submit()
    officer = world.officers["tiep_nhan"]
    assert queues.queue_counts(officer=officer)["cho-tiep-nhan"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        workflow.dossier_receive(dossier=dossier, officer=officer, version=dossier.version, request_info=None)

    counts = queues.queue_counts(officer=officer)
    assert counts["cho-tiep-nhan"] == 0 and counts["dang-xu-ly"] == 1
