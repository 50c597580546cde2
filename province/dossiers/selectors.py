"""Reads on dossiers: what a signed-in person (or the business they act for) may see."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from province.catalogue.models import OnlineLevel, Procedure

from .models import Dossier, DossierEvent, Draft, Status


@dataclass(frozen=True)
class TimelineEntry:
    """One step of a dossier's timeline, formatted for ``dossiers/_timeline.html``."""

    iso: str  # the moment in ISO 8601, local time (``<time datetime>``)
    shown: str  # "HH:MM dd/mm/yyyy", local time
    status: str
    note: str

    @classmethod
    def of(cls, at: dt.datetime, status: int, note: str = "") -> TimelineEntry:
        local = timezone.localtime(at)
        return cls(
            iso=local.isoformat(), shown=local.strftime("%H:%M %d/%m/%Y"), status=str(Status(status).label), note=note
        )


def timeline(dossier_id: int, *, notes: bool) -> list[TimelineEntry]:
    """The dossier's steps in order, formatted once here rather than by template filters.
    ``notes``: the officers' and applicant's notes, for the applicant's and the officers'
    own pages only."""
    rows = DossierEvent.objects.filter(dossier_id=dossier_id).order_by("at", "id")
    if notes:
        return [TimelineEntry.of(at, status, note) for at, status, note in rows.values_list("at", "to_status", "note")]
    return [TimelineEntry.of(at, status) for at, status in rows.values_list("at", "to_status")]


@dataclass(frozen=True)
class Owner:
    """Whose dossiers: a person in their own name, or a business they represent."""

    person_id: int
    organisation_id: int | None

    def dossiers(self) -> QuerySet[Dossier]:
        if self.organisation_id is not None:
            return Dossier.objects.filter(organisation_id=self.organisation_id)
        return Dossier.objects.filter(applicant_id=self.person_id, organisation__isnull=True)

    def drafts(self) -> QuerySet[Draft]:
        drafts = Draft.objects.filter(applicant_id=self.person_id, dossier__isnull=True)
        if self.organisation_id is None:
            return drafts.filter(organisation__isnull=True)
        return drafts.filter(organisation_id=self.organisation_id)


def dossier_for_owner(*, owner: Owner, code: str) -> Dossier | None:
    return owner.dossiers().select_related("procedure", "agency").filter(code=code).first()


def dossier_list(
    *,
    owner: Owner,
    status: int | None,
    query: str,
    after: tuple[dt.datetime, int] | None,
    limit: int,
) -> list[Dossier]:
    """Newest first, keyset-paginated on (submitted_at, id)."""
    rows = owner.dossiers().select_related("procedure", "agency")
    if status is not None:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(procedure__name__icontains=query) | Q(procedure__code=query))
    if after is not None:
        at, pk = after
        rows = rows.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=pk))
    return list(rows.order_by("-submitted_at", "-id")[:limit])


def online_procedures() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(
            is_active=True, online_level__in=(OnlineLevel.FULL, OnlineLevel.PARTIAL), agencies__is_active=True
        )
        .select_related("field")
        .distinct()
    )


@dataclass(frozen=True)
class PublicStep:
    at: dt.datetime
    status: int


@dataclass(frozen=True)
class PublicDossier:
    """What the public lookup may show: the procedure, the agency, the status and dates,
    the steps; nothing about the applicant."""

    code: str
    status: int
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    steps: tuple[PublicStep, ...]

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def submitted_shown(self) -> str:
        return timezone.localtime(self.submitted_at).strftime("%H:%M %d/%m/%Y")

    @property
    def due_shown(self) -> str:
        return timezone.localtime(self.due_at).strftime("%H:%M %d/%m/%Y") if self.due_at else ""

    @property
    def timeline(self) -> list[TimelineEntry]:
        return [TimelineEntry.of(step.at, step.status) for step in self.steps]


def _public_lookup_sql() -> str:
    from province.catalogue.models import Agency

    quote = connection.ops.quote_name
    dossiers, events = quote(Dossier._meta.db_table), quote(DossierEvent._meta.db_table)
    procedures, agencies = quote(Procedure._meta.db_table), quote(Agency._meta.db_table)
    return (
        "SELECT d.code, d.status, d.submitted_at, d.due_at, d.lookup_secret, p.code, p.name, a.code, a.name, "  # noqa: S608 (table names from the models)
        f"e.at, e.to_status FROM {dossiers} d "
        f"JOIN {procedures} p ON p.id = d.procedure_id JOIN {agencies} a ON a.id = d.agency_id "
        f"LEFT JOIN {events} e ON e.dossier_id = d.id WHERE d.code = %s ORDER BY e.at, e.id"
    )


def _aware(value: Any) -> Any:
    """A timestamp read with a plain cursor as the ORM would give it (SQLite hands back
    text or naive UTC; PostgreSQL aware values)."""
    if value is None or not settings.USE_TZ:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def dossier_public_lookup(*, code: str, phone_digits: str) -> PublicDossier | None:
    """The public lookup ("Tra cứu hồ sơ", the page and the API): the dossier only when the
    code and the last four digits of the applicant's phone both match (compared in constant
    time against ``Dossier.lookup_secret``); ``None`` for any mismatch, so a wrong code and
    wrong digits look the same. Nothing personal is read.

    One statement (the dossier, its procedure and agency, and its steps, on the unique code
    index), written out rather than built by the ORM: this is the portal's busiest public
    read, and composing the query cost more than running it."""
    from .services import lookup_digest

    code = code.strip()[:60]
    phone_digits = phone_digits.strip()
    if not code or len(phone_digits) != 4 or not phone_digits.isdigit():
        return None
    with connection.cursor() as cursor:
        cursor.execute(_public_lookup_sql(), [code])
        rows = cursor.fetchall()
    if not rows or not hmac.compare_digest(str(rows[0][4]), lookup_digest(code, phone_digits)):
        return None
    first = rows[0]
    return PublicDossier(
        code=first[0],
        status=int(first[1]),
        procedure_code=first[5],
        procedure_name=first[6],
        agency_code=first[7],
        agency_name=first[8],
        submitted_at=_aware(first[2]),
        due_at=_aware(first[3]),
        steps=tuple(PublicStep(at=_aware(row[9]), status=int(row[10])) for row in rows if row[9] is not None),
    )
