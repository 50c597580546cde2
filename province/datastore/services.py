"""Writes on the data store; each leaves an audit row in its transaction."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from province.accounts.models import Organisation, Person
from province.accounts.services import RequestInfo, audit
from province.dossiers.files import CheckedFile
from province.dossiers.models import Dossier, DossierDocument

from .models import StoredDocument


def _create(
    *,
    person: Person | None,
    organisation: Organisation | None,
    file: CheckedFile,
    title: str,
    reference_number: str,
    issuer: str,
    issued_on: dt.date | None,
    valid_until: dt.date | None,
    source_dossier: Dossier | None = None,
) -> StoredDocument:
    document = StoredDocument(
        owner_person=None if organisation is not None else person,
        owner_organisation=organisation,
        title=title.strip()[:300] or file.name,
        reference_number=reference_number.strip()[:100],
        issuer=issuer.strip()[:300],
        issued_on=issued_on,
        valid_until=valid_until,
        original_name=file.name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        source_dossier=source_dossier,
        created_at=timezone.now(),
    )
    document.file.save(file.name, ContentFile(file.content), save=False)
    document.save()
    return document


def datastore_add(
    *,
    actor: Person,
    organisation: Organisation | None,
    file: CheckedFile,
    title: str,
    reference_number: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    request_info: RequestInfo | None = None,
) -> StoredDocument:
    """Add a checked file to the actor's store, or to the business's when ``organisation``
    (which the actor must represent) is given."""
    if organisation is not None and not organisation.memberships.filter(person=actor).exists():
        raise PermissionError("the actor does not represent this organisation")
    with transaction.atomic():
        document = _create(
            person=actor,
            organisation=organisation,
            file=file,
            title=title,
            reference_number=reference_number,
            issuer=issuer,
            issued_on=issued_on,
            valid_until=valid_until,
        )
        audit(
            actor=actor,
            action="datastore_add",
            target=document,
            after={"title": document.title, "sha256": document.sha256},
            organisation=organisation,
            request_info=request_info,
        )
    return document


def datastore_delete(*, document: StoredDocument, actor: Person, request_info: RequestInfo | None = None) -> None:
    """Hide the document from the store (the file stays: dossiers may hold copies of it)."""
    with transaction.atomic():
        document.deleted_at = timezone.now()
        document.save(update_fields=["deleted_at"])
        audit(
            actor=actor,
            action="datastore_delete",
            target=document,
            before={"title": document.title},
            organisation=document.owner_organisation,
            request_info=request_info,
        )


def datastore_add_result(
    *,
    dossier: Dossier,
    file: CheckedFile,
    title: str,
    actor: Person | None = None,
    reference_number: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> StoredDocument:
    """The result of a finished dossier (e.g. the signed certificate): attached to the
    dossier as a result for download, and kept in the applicant's (or business's) store.
    Called by the back office; ``actor`` is the officer."""
    with transaction.atomic():
        document = _create(
            person=dossier.applicant,
            organisation=dossier.organisation,
            file=file,
            title=title,
            reference_number=reference_number,
            issuer=issuer or dossier.agency.name,
            issued_on=issued_on,
            valid_until=valid_until,
            source_dossier=dossier,
        )
        result = DossierDocument(
            dossier=dossier,
            original_name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            source_document_id=document.pk,
            is_result=True,
        )
        result.file.save(file.name, ContentFile(file.content), save=False)
        result.save()
        audit(
            actor=actor,
            action="datastore_add_result",
            target=document,
            after={"dossier": dossier.code, "title": document.title},
            organisation=dossier.organisation,
        )
    return document
