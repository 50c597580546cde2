"""Driving dossiers through statuses the way the dossiers app does, and counting them directly.

``move`` is the status-change contract of ``province.dossiers.signals`` (status saved, a
``DossierEvent`` written and ``status_changed`` sent inside one transaction), with the time
of the change given, so deadlines can be met or missed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from province.accounts.models import Person
from province.catalogue.models import Agency, Procedure
from province.dossiers.calendar import LOCAL_TZ
from province.dossiers.models import Channel, Delivery, Dossier, DossierEvent, Status
from province.dossiers.signals import status_changed
from province.stats.counters import ENTERED, FINISHED, OPEN
from province.stats.models import Rating


def move(dossier: Dossier, to_status: int, *, at: dt.datetime, actor: Person | None = None) -> Dossier:
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        before = locked.status
        locked.status = to_status
        locked.save(update_fields=["status"])
        DossierEvent.objects.create(dossier=locked, at=at, actor=actor, from_status=before, to_status=to_status)
        if before != to_status:
            status_changed.send(
                sender=Dossier, dossier=locked, from_status=before, to_status=to_status, at=at, actor=actor
            )
    return locked


def counter_dossier(
    *,
    procedure: Procedure,
    agency: Agency,
    applicant: Person,
    channel: int,
    at: dt.datetime,
    due_at: dt.datetime | None,
) -> Dossier:
    """A dossier received at the counter (channel 1) or by post (3): created with status 1 and
    announced with ``from_status=None``, as every creation is."""
    with transaction.atomic():
        dossier = Dossier.objects.create(
            code=f"{agency.code}-{secrets.token_hex(4)}",
            procedure=procedure,
            applicant=applicant,
            agency=agency,
            status=Status.NEW,
            channel=channel,
            delivery=Delivery.AT_AGENCY,
            submitted_at=at,
            received_at=at,
            due_at=due_at,
            lookup_secret="x",
            idempotency_key=secrets.token_hex(8),
        )
        DossierEvent.objects.create(dossier=dossier, at=at, from_status=None, to_status=Status.NEW)
        status_changed.send(
            sender=Dossier, dossier=dossier, from_status=None, to_status=int(Status.NEW), at=at, actor=None
        )
    return dossier


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time(), LOCAL_TZ),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LOCAL_TZ),
    )


def direct_counts(start: dt.date, end: dt.date, **where: Any) -> dict[str, int]:
    """The page's figures counted straight from dossiers, their timeline and ratings.
    ``where`` narrows dossiers (e.g. ``agency=…``, ``procedure__field=…``)."""
    lo, hi = bounds(start, end)
    dossiers = Dossier.objects.filter(**where)
    received = dossiers.filter(submitted_at__gte=lo, submitted_at__lt=hi)
    events = DossierEvent.objects.filter(
        Q(from_status__isnull=True) | ~Q(from_status=F("to_status")),
        dossier__in=dossiers,
        at__gte=lo,
        at__lt=hi,
    )
    finished = events.filter(to_status__in=FINISHED).exclude(from_status__in=FINISHED)
    on_time = finished.filter(Q(dossier__due_at__isnull=True) | Q(at__lte=F("dossier__due_at")))
    ratings = Rating.objects.filter(dossier__in=dossiers, created_at__gte=lo, created_at__lt=hi)
    counts = {
        "received": received.count(),
        "online": received.filter(channel=Channel.ONLINE).count(),
        "open_now": received.filter(status__in=OPEN).count(),
        "done_on_time": on_time.count(),
        "done_late": finished.count() - on_time.count(),
        "rated": ratings.count(),
        "satisfied": ratings.filter(level__gte=4).count(),
    }
    for status, name in ENTERED.items():
        counts[name] = events.filter(to_status=status).count()
    return counts
