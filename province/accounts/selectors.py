"""Reads about people and businesses."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ExternalIdentity, LoginEvent, Organisation, Person


def person_organisations(*, person: Person) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__person=person).order_by("name"))


def represented_organisation(*, person: Person, organisation_id: int) -> Organisation | None:
    return Organisation.objects.filter(pk=organisation_id, memberships__person=person).first()


def person_identities(*, person: Person) -> list[ExternalIdentity]:
    return list(
        ExternalIdentity.objects.filter(person=person).select_related("organisation").order_by("-last_login_at", "-id")
    )


def person_login_events(*, person: Person) -> QuerySet[LoginEvent]:
    """The person's own sign-ins, newest first."""
    return LoginEvent.objects.filter(person=person).select_related("organisation").order_by("-created_at", "-id")
