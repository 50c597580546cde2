"""Queries to the population registry: each one answers and leaves a RegistryQuery row."""

from __future__ import annotations

import datetime as dt
import enum

from django.db import transaction

from . import selectors
from .models import RegistryQuery, Resident


class QueryKind(enum.StrEnum):
    LOOKUP = "lookup"
    MATCH = "match"


class Outcome(enum.StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    MATCH = "match"
    NO_MATCH = "no_match"
    INVALID = "invalid"


def record_query(*, client: str, kind: QueryKind, id_number: str, outcome: Outcome) -> None:
    """Log one registry query; the number is cut to the column size (bad input is logged too)."""
    RegistryQuery.objects.create(client=client[:100], kind=kind, id_number=id_number[:12], outcome=outcome)


@transaction.atomic
def registry_lookup(*, client: str, id_number: str) -> Resident | None:
    """Find a person by số định danh (the caller has validated its structure)."""
    resident = selectors.resident_by_id_number(id_number)
    record_query(
        client=client,
        kind=QueryKind.LOOKUP,
        id_number=id_number,
        outcome=Outcome.FOUND if resident else Outcome.NOT_FOUND,
    )
    return resident


@transaction.atomic
def registry_match(
    *,
    client: str,
    full_name: str,
    birth_date: dt.date,
    id_number: str = "",
    cmnd: str = "",
) -> Resident | None:
    """Return the person if number, name and birth date all agree with the registry.

    Exactly one of ``id_number`` (12-digit số định danh) or ``cmnd`` (9-digit legacy card)
    identifies the person. The name is compared in normalised form (see
    ``selectors.normalise_name``); the birth date must be equal. A mismatch says nothing
    about which field differed, so the API cannot be used to guess one field at a time.
    """
    if bool(id_number) == bool(cmnd):
        raise ValueError("give exactly one of id_number or cmnd")
    resident = selectors.resident_by_id_number(id_number) if id_number else selectors.resident_by_cmnd(cmnd)
    matched = (
        resident is not None
        and resident.birth_date == birth_date
        and selectors.normalise_name(resident.full_name) == selectors.normalise_name(full_name)
    )
    record_query(
        client=client,
        kind=QueryKind.MATCH,
        id_number=id_number or cmnd,
        outcome=Outcome.MATCH if matched else Outcome.NO_MATCH,
    )
    return resident if matched else None
