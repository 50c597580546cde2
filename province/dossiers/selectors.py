"""Reads on dossiers: what a signed-in person (or the business they act for) may see."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from province.catalogue.models import OnlineLevel, Procedure

from .models import Dossier, Draft


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


def dossier_public_lookup(*, code: str, phone_digits: str) -> Dossier | None:
    """The public lookup ("Tra cứu hồ sơ", the page and the API): the dossier only when the
    code and the last four digits of the applicant's phone both match (compared in constant
    time against ``Dossier.lookup_secret``); ``None`` for any mismatch, so a wrong code and
    wrong digits look the same. Show nothing personal from the result."""
    from .services import lookup_digest

    code = code.strip()[:60]
    phone_digits = phone_digits.strip()
    # one indexed query (code is unique) for only what a lookup shows, not the JSON columns
    shown = ("code", "status", "channel", "submitted_at", "received_at", "due_at", "lookup_secret")
    dossier = (
        Dossier.objects.select_related("procedure", "agency")
        .only(*shown, "procedure__code", "procedure__name", "agency__code", "agency__name")
        .filter(code=code)
        .first()
        if code
        else None
    )
    valid_digits = len(phone_digits) == 4 and phone_digits.isdigit()
    expected = lookup_digest(code, phone_digits) if valid_digits else ""
    if dossier is None or not expected or not hmac.compare_digest(dossier.lookup_secret, expected):
        return None
    return dossier
