"""Reads on feedback: the public list (answered, published, personal data hidden), the
sender's own, and an officer unit's."""

from __future__ import annotations

from django.db.models import QuerySet

from province.accounts.models import Person
from province.backoffice.models import OfficerAccount
from province.notify.sms import mask_phone
from province.stats.units import agency_ids_of_unit

from .models import Feedback


def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N.V.A." (what the public list shows of a sender's name)."""
    return "".join(f"{part[0].upper()}." for part in name.split() if part) or "—"


def masked_phone(phone: str) -> str:
    return mask_phone(phone) if phone else ""


def published() -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(publish_consent=True, state=Feedback.State.ANSWERED)
        .select_related("agency", "procedure")
        .order_by("-answered_at", "-id")
    )


def own(person: Person) -> QuerySet[Feedback]:
    return Feedback.objects.filter(sender=person).select_related("agency", "procedure").order_by("-created_at", "-id")


def for_officer(account: OfficerAccount) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(agency_id__in=agency_ids_of_unit(account.unit))
        .select_related("agency", "procedure")
        .order_by("-created_at", "-id")
    )
