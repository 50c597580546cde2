"""Writes about people, businesses and their sign-ins. Each write leaves an audit row in
the same transaction (zulip's "one action function per change" pattern)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils import timezone

from province.sso.claims import IdentityClaims

from .models import (
    AccountKind,
    AuditLog,
    ExternalIdentity,
    LoginEvent,
    Membership,
    Organisation,
    Person,
)


@dataclass(frozen=True)
class RequestInfo:
    """What the login log and audit trail keep about the HTTP request."""

    ip_address: str | None
    user_agent: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> RequestInfo:
        # REMOTE_ADDR only: behind a proxy, the server (gunicorn --forwarded-allow-ips)
        # is the place to trust X-Forwarded-For, not every view.
        ip = request.META.get("REMOTE_ADDR") or None
        return cls(ip_address=ip, user_agent=request.META.get("HTTP_USER_AGENT", "")[:500])


@dataclass(frozen=True)
class SignInResult:
    person: Person
    identity: ExternalIdentity
    organisation: Organisation | None
    login_event: LoginEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def audit(
    *,
    actor: Person | None,
    action: str,
    target: Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    organisation: Organisation | None = None,
    request_info: RequestInfo | None = None,
) -> AuditLog:
    """Append one audit row. Call it inside the transaction of the change it records."""
    return AuditLog.objects.create(
        actor=actor,
        acting_organisation=organisation,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        before={k: _jsonable(v) for k, v in before.items()} if before is not None else None,
        after={k: _jsonable(v) for k, v in after.items()} if after is not None else None,
        ip_address=request_info.ip_address if request_info else None,
    )


def _identity_values(claims: IdentityClaims) -> dict[str, Any]:
    values: dict[str, Any] = {
        "full_name": claims.full_name,
        "birth_date": claims.birth_date,
        "gender": claims.gender,
        "hometown": claims.hometown,
        "nationality": claims.nationality,
        "ethnicity": claims.ethnicity,
        "permanent_address": claims.permanent_address,
        "current_address": claims.current_address,
    }
    if claims.id_number:
        # never cleared: a CMND-only account that updated its số định danh here (seed 003)
        # still signs in without one, and must keep it
        values["id_number"] = claims.id_number
    if claims.cmnd:
        values["cmnd"] = claims.cmnd
    if claims.id_issued_on or claims.id_issued_by:
        values["id_issued_on"] = claims.id_issued_on
        values["id_issued_by"] = claims.id_issued_by
    if not claims.is_business:
        # A business account's phone, e-mail and assurance level are the business
        # account's, not its representative's: they go to the Organisation instead.
        values["phone"] = claims.phone
        values["identity_email"] = claims.email
        values["identification_level"] = claims.level
        values["verified"] = claims.level >= 2
    return values


def _find_person(claims: IdentityClaims, identity: ExternalIdentity | None) -> Person | None:
    """Resolve the human: the số định danh is authoritative, then the known identity, then
    the legacy CMND alias (only on a person without a conflicting số định danh)."""
    if identity is not None and (not claims.id_number or identity.person.id_number == claims.id_number):
        return identity.person  # the common case: no extra query
    if claims.id_number:
        person = Person.objects.filter(id_number=claims.id_number).first()
        if person is not None:
            return person
    if identity is not None and identity.person.id_number is None:
        return identity.person
    if claims.cmnd:
        people = Person.objects.filter(cmnd=claims.cmnd)
        if claims.id_number:
            # the alias never overrides a different số định danh
            people = people.filter(Q(id_number__isnull=True) | Q(id_number=claims.id_number))
        return people.first()
    return None


def _upsert_person(claims: IdentityClaims, identity: ExternalIdentity | None, request_info: RequestInfo) -> Person:
    values = _identity_values(claims)
    person = _find_person(claims, identity)
    if (
        values.get("cmnd")
        and (person is None or person.cmnd != values["cmnd"])
        and Person.objects.filter(cmnd=values["cmnd"]).exists()
    ):
        # the CMND is already another person's alias: never steal it
        values.pop("cmnd")
    if person is None:
        person = Person.objects.create_user(**values)
        audit(
            actor=person,
            action="person.created",
            target=person,
            after=values,
            request_info=request_info,
        )
        return person
    before = {name: getattr(person, name) for name in values}
    changed = {name: value for name, value in values.items() if before[name] != value}
    if changed:
        for name, value in changed.items():
            setattr(person, name, value)
        person.save(update_fields=[*changed, "updated_at"])
        audit(
            actor=person,
            action="person.identity_refreshed",
            target=person,
            before={name: before[name] for name in changed},
            after=changed,
            request_info=request_info,
        )
    return person


def _upsert_organisation(claims: IdentityClaims, person: Person, request_info: RequestInfo) -> Organisation:
    values = {
        "name": claims.business_name,
        "tax_code": claims.tax_code,
        "address": claims.business_address,
        "phone": claims.phone,
        "email": claims.email,
        "kind": claims.account_kind,
    }
    organisation = Organisation.objects.filter(business_code=claims.business_code).first()
    if organisation is None:
        organisation = Organisation.objects.create(business_code=claims.business_code, **values)
        audit(
            actor=person,
            action="organisation.created",
            target=organisation,
            after={"business_code": claims.business_code, **values},
            organisation=organisation,
            request_info=request_info,
        )
    else:
        before = {name: getattr(organisation, name) for name in values}
        changed = {name: value for name, value in values.items() if before[name] != value}
        if changed:
            for name, value in changed.items():
                setattr(organisation, name, value)
            organisation.save(update_fields=[*changed, "updated_at"])
            audit(
                actor=person,
                action="organisation.updated",
                target=organisation,
                before={name: before[name] for name in changed},
                after=changed,
                organisation=organisation,
                request_info=request_info,
            )
    membership, created = Membership.objects.get_or_create(person=person, organisation=organisation)
    if created:
        audit(
            actor=person,
            action="membership.created",
            target=membership,
            after={"person": person.pk, "organisation": organisation.pk, "role": membership.role},
            organisation=organisation,
            request_info=request_info,
        )
    return organisation


def _sign_in(
    *,
    issuer: str,
    claims: IdentityClaims,
    claims_snapshot: Mapping[str, Any],
    request_info: RequestInfo,
) -> SignInResult:
    now = timezone.now()
    identity = ExternalIdentity.objects.select_related("person").filter(issuer=issuer, subject=claims.subject).first()
    person = _upsert_person(claims, identity, request_info)
    organisation = _upsert_organisation(claims, person, request_info) if claims.is_business else None
    identity_values = {
        "person": person,
        "organisation": organisation,
        "tech_id": claims.tech_id,
        "account_kind": claims.account_kind,
        "claims": dict(claims_snapshot),
        "last_login_at": now,
    }
    if identity is None:
        identity = ExternalIdentity.objects.create(issuer=issuer, subject=claims.subject, **identity_values)
        audit(
            actor=person,
            action="identity.linked",
            target=identity,
            after={"issuer": issuer, "subject": claims.subject, "tech_id": claims.tech_id},
            organisation=organisation,
            request_info=request_info,
        )
    else:
        previous_person_id = identity.person_id
        # only what changed (and the sign-in time): most sign-ins change nothing else
        changed = [
            name
            for name, value in identity_values.items()
            if name not in ("person", "organisation", "last_login_at") and getattr(identity, name) != value
        ]
        if identity.person_id != person.pk:
            changed.append("person")
        if identity.organisation_id != (organisation.pk if organisation else None):
            changed.append("organisation")
        for name in changed:
            setattr(identity, name, identity_values[name])
        identity.last_login_at = now
        identity.save(update_fields=[*changed, "last_login_at"])
        if previous_person_id != person.pk:
            audit(
                actor=person,
                action="identity.relinked",
                target=identity,
                before={"person": previous_person_id},
                after={"person": person.pk},
                organisation=organisation,
                request_info=request_info,
            )
    event = LoginEvent.objects.create(
        person=person,
        organisation=organisation,
        ip_address=request_info.ip_address,
        user_agent=request_info.user_agent,
        success=True,
    )
    audit(
        actor=person,
        action="session.login",
        target=person,
        after={
            "identity": identity.pk,
            "organisation": organisation.business_code if organisation else None,
            "level": claims.level,
        },
        organisation=organisation,
        request_info=request_info,
    )
    return SignInResult(person=person, identity=identity, organisation=organisation, login_event=event)


def sign_in_from_claims(
    *,
    issuer: str,
    claims: IdentityClaims,
    claims_snapshot: Mapping[str, Any],
    request_info: RequestInfo,
) -> SignInResult:
    """Find or create the Person (and business) behind verified SSO claims.

    Accounts are keyed by (issuer, subject); a second subject with the same số định danh
    lands on the same Person. Identity-asserted fields are refreshed from the claims.
    Retries once if a concurrent first sign-in of the same person won the unique index.
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _sign_in(
                    issuer=issuer,
                    claims=claims,
                    claims_snapshot=claims_snapshot,
                    request_info=request_info,
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def record_failed_login(*, reason: str, request_info: RequestInfo, person: Person | None = None) -> LoginEvent:
    return LoginEvent.objects.create(
        person=person,
        ip_address=request_info.ip_address,
        user_agent=request_info.user_agent,
        success=False,
        reason=reason[:300],
    )


def record_logout(
    *,
    person: Person,
    reason: str,
    organisation: Organisation | None = None,
    request_info: RequestInfo | None = None,
) -> AuditLog:
    return audit(
        actor=person,
        action="session.logout",
        target=person,
        after={"reason": reason},
        organisation=organisation,
        request_info=request_info,
    )


def person_update_contact(*, person: Person, data: Mapping[str, str], request_info: RequestInfo) -> Person:
    """Change the person's own contact fields (never identity-asserted ones)."""
    unknown = set(data) - set(Person.EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not user-editable: {sorted(unknown)}")
    with transaction.atomic():
        before = {name: getattr(person, name) for name in data}
        changed = {name: value for name, value in data.items() if before[name] != value}
        if not changed:
            return person
        for name, value in changed.items():
            setattr(person, name, value)
        person.save(update_fields=[*changed, "updated_at"])
        audit(
            actor=person,
            action="person.contact_updated",
            target=person,
            before={name: before[name] for name in changed},
            after=changed,
            request_info=request_info,
        )
    return person


def acting_context_switch(
    *,
    person: Person,
    from_organisation: Organisation | None,
    to_organisation: Organisation | None,
    request_info: RequestInfo,
) -> None:
    """Record a switch between "Tài khoản công dân" and a represented business."""
    if (
        to_organisation is not None
        and not Membership.objects.filter(person=person, organisation=to_organisation).exists()
    ):
        raise PermissionError("not a representative of this business")
    with transaction.atomic():
        audit(
            actor=person,
            action="session.context_switched",
            target=person,
            before={"organisation": from_organisation.business_code if from_organisation else None},
            after={"organisation": to_organisation.business_code if to_organisation else None},
            organisation=to_organisation,
            request_info=request_info,
        )


def account_kind_label(organisation: Organisation | None) -> str:
    if organisation is None:
        return str(AccountKind.INDIVIDUAL.label)
    return str(AccountKind(organisation.kind).label)
