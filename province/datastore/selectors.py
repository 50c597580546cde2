from __future__ import annotations

from django.db.models import QuerySet

from .models import StoredDocument


def documents_of(*, person_id: int, organisation_id: int | None) -> QuerySet[StoredDocument]:
    """The live documents of the person (acting in their own name) or of the business."""
    live = StoredDocument.objects.filter(deleted_at__isnull=True)
    if organisation_id is not None:
        return live.filter(owner_organisation_id=organisation_id)
    return live.filter(owner_person_id=person_id)
