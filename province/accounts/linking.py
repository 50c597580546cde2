"""Legacy national-portal accounts and VNeID: the số định danh update (seed 003), merging
two Person rows that turn out to be one human, and unlinking a national account.

Glossary: CCCD (căn cước công dân, the card that carries the 12-digit số định danh);
CSDL quốc gia về Dân cư (the national population registry).

Every write here leaves an audit row with before/after values in its own transaction.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, Model

from province import registry
from province.sso.claims import LOGIN_METHOD_PORTAL, LOGIN_METHOD_VNEID, claim_names

from .models import ExternalIdentity, Person
from .services import RequestInfo, audit

logger = logging.getLogger(__name__)

# Identity-asserted fields the registry may fill in when the person has no value yet.
_REGISTRY_FILLS = ("gender", "permanent_address", "current_address", "hometown", "nationality", "ethnicity")
# The person's own contact fields a merge copies to the target where the target has none.
_MERGE_FILLS = ("email", "notify_phone", "fax", "website", "correspondence_address")


class UpdateStatus(enum.Enum):
    UPDATED = "updated"
    NO_MATCH = "no_match"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class IdNumberUpdate:
    status: UpdateStatus
    person: Person
    other: Person | None = None  # CONFLICT: who already holds the number


def update_id_number_from_registry(*, person: Person, id_number: str, request_info: RequestInfo) -> IdNumberUpdate:
    """Give a CMND-only person their số định danh once the registry confirms it.

    The registry must match the number with the person's full name and birth date (and,
    when it knows one, their CMND). Nothing changes unless it does. If another Person
    already holds the number, nothing changes either: the caller offers a merge.
    Raises ``registry.RegistryUnavailable`` when the registry cannot answer.
    """
    if person.id_number:
        raise ValueError("the person already has a số định danh")
    if person.birth_date is None or not person.full_name:
        return IdNumberUpdate(UpdateStatus.NO_MATCH, person)
    record = registry.match(id_number=id_number, full_name=person.full_name, birth_date=person.birth_date)
    if record is None or record.id_number != id_number:
        return IdNumberUpdate(UpdateStatus.NO_MATCH, person)
    if record.cmnd and person.cmnd and record.cmnd != person.cmnd:
        # the registry knows this person under another CMND: a namesake, not them
        return IdNumberUpdate(UpdateStatus.NO_MATCH, person)
    other = Person.objects.filter(id_number=id_number).exclude(pk=person.pk).first()
    if other is not None:
        return IdNumberUpdate(UpdateStatus.CONFLICT, person, other)
    try:
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            if locked.id_number:
                raise ValueError("the person already has a số định danh")
            changes: dict[str, Any] = {"id_number": id_number}
            for name in _REGISTRY_FILLS:
                value = getattr(record, name)
                if value and not getattr(locked, name):
                    changes[name] = value
            before = {name: getattr(locked, name) for name in changes}
            for name, value in changes.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*changes, "updated_at"])
            audit(
                actor=locked,
                action="person.id_number_updated",
                target=locked,
                before=before,
                after={**changes, "source": "population_registry"},
                request_info=request_info,
            )
    except IntegrityError:
        # a concurrent sign-in gave the number to another person first
        other = Person.objects.filter(id_number=id_number).exclude(pk=person.pk).first()
        return IdNumberUpdate(UpdateStatus.CONFLICT, person, other)
    for name, value in changes.items():
        setattr(person, name, value)
    return IdNumberUpdate(UpdateStatus.UPDATED, person)


@dataclass
class MergeResult:
    moved: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)  # rows left on the source (unique clash)


def _move_rows(rel: ForeignObjectRel, source: Person, target: Person, result: MergeResult) -> None:
    model: type[Model] = rel.related_model
    fk_name = rel.field.name
    label = f"{model._meta.label_lower}.{fk_name}"
    rows = model._base_manager.filter(**{fk_name: source})
    try:
        with transaction.atomic():
            moved = rows.update(**{fk_name: target})
        if moved:
            result.moved[label] = moved
        return
    except IntegrityError:
        pass
    # A unique constraint (e.g. one membership per business) clashes for some rows: move
    # the others one by one and leave the clashing duplicates on the (deactivated) source.
    moved = kept = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{fk_name: target})
            moved += 1
        except IntegrityError:
            kept += 1
    if moved:
        result.moved[label] = moved
    if kept:
        result.kept[label] = kept


def merge_persons(*, source: Person, target: Person, actor: Person, request_info: RequestInfo) -> MergeResult:
    """Unite two Person rows of one human into ``target``, in one transaction.

    Everything that points at ``source`` is moved to ``target``: found generically through
    ``Person._meta.related_objects``, so the national identities, memberships and sign-in
    log move, and so will the dossiers and documents of apps added later. Audit rows are
    history and keep their actor. The source's CMND becomes the target's alias (if the
    target has none), the target's empty contact fields are filled from the source, and
    the source is deactivated, never deleted. Both sides get an audit row (before/after).
    """
    if source.pk == target.pk:
        raise ValueError("cannot merge a person into itself")
    with transaction.atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
        source, target = locked[source.pk], locked[target.pk]
        if not source.is_active:
            raise ValueError("the source person was already merged or deactivated")
        if not target.is_active:
            raise ValueError("the target person is deactivated")
        result = MergeResult()
        identity_ids = list(ExternalIdentity.objects.filter(person=source).values_list("pk", flat=True))
        for rel in Person._meta.related_objects:
            if rel.many_to_many:
                # explicit through models (Organisation.members via Membership) move with
                # their own foreign key, met separately in this loop
                through = getattr(rel, "through", None)
                if through is not None and through._meta.auto_created:
                    accessor = rel.get_accessor_name()
                    if accessor:
                        related = list(getattr(source, accessor).all())
                        getattr(target, accessor).add(*related)
                        getattr(source, accessor).remove(*related)
                        if related:
                            result.moved[f"{rel.related_model._meta.label_lower}.m2m"] = len(related)
                continue
            _move_rows(rel, source, target, result)
        for m2m in ("groups", "user_permissions"):
            items = list(getattr(source, m2m).all())
            if items:
                getattr(target, m2m).add(*items)
                result.moved[f"accounts.person.{m2m}"] = len(items)

        source_before = {"is_active": source.is_active, "cmnd": source.cmnd}
        target_before: dict[str, Any] = {}
        target_changes: dict[str, Any] = {}
        if source.cmnd and not target.cmnd:
            target_changes["cmnd"] = source.cmnd
        for name in _MERGE_FILLS:
            if getattr(source, name) and not getattr(target, name):
                target_changes[name] = getattr(source, name)
        if "cmnd" in target_changes:
            source.cmnd = None  # the unique alias moves: free it first
        source.is_active = False
        source.save(update_fields=["cmnd", "is_active", "updated_at"])
        for name, value in target_changes.items():
            target_before[name] = getattr(target, name)
            setattr(target, name, value)
        if target_changes:
            target.save(update_fields=[*target_changes, "updated_at"])
        audit(
            actor=actor,
            action="person.merged",
            target=target,
            before={"merged_person": source.pk, **target_before},
            after={
                **target_changes,
                "merged_person": source.pk,
                "moved": result.moved,
                "kept_on_source": result.kept,
                "identities": identity_ids,
            },
            request_info=request_info,
        )
        audit(
            actor=actor,
            action="person.merged_away",
            target=source,
            before=source_before,
            after={"is_active": False, "cmnd": source.cmnd, "merged_into": target.pk},
            request_info=request_info,
        )
    logger.info("person_merged source=%s target=%s moved=%s", source.pk, target.pk, result.moved)
    return result


class IdentityInUse(Exception):
    """The identity opened the current session: unlinking it would orphan the session."""


def unlink_identity(
    *,
    person: Person,
    identity: ExternalIdentity,
    current_identity_id: int | None,
    request_info: RequestInfo,
) -> None:
    """Remove one national account's link to the person; no other data is touched.

    The next sign-in with that account links it again if it asserts the same số định danh
    (or CMND alias): a link cannot be refused for the number that identifies the person.
    """
    if identity.person_id != person.pk:
        raise PermissionError("not this person's identity")
    if identity.pk == current_identity_id:
        raise IdentityInUse
    with transaction.atomic():
        audit(
            actor=person,
            action="identity.unlinked",
            target=identity,
            before={
                "person": person.pk,
                "issuer": identity.issuer,
                "subject": identity.subject,
                "tech_id": identity.tech_id,
                "account_kind": identity.account_kind,
                "kind": identity_kind(identity),
            },
            after=None,
            request_info=request_info,
        )
        ExternalIdentity.objects.filter(pk=identity.pk, person=person).delete()


def identity_kind(identity: ExternalIdentity) -> str:
    """ "vneid" or "dvcqg": how this account last signed in, from its kept claims."""
    claims = identity.claims or {}
    names = claim_names()
    method = str(claims.get(names["login_method"], "") if names["login_method"] else "").lower()
    if method:
        return LOGIN_METHOD_VNEID if method == LOGIN_METHOD_VNEID else LOGIN_METHOD_PORTAL
    level = str(claims.get(names["level"], "")) if names["level"] else ""
    has_number = bool(names["id_number"] and claims.get(names["id_number"]))
    return LOGIN_METHOD_VNEID if has_number and level == "2" else LOGIN_METHOD_PORTAL
