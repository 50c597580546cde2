"""Reads of the catalogue: search, detail, downloads, export."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import Agency, Field, Procedure, ProcedureDocument, ProcedureFormVersion
from .text import fold, tokens

MAX_QUERY_TOKENS = 10


def procedure_search(
    *,
    query: str = "",
    field_id: int | None = None,
    agency_id: int | None = None,
    level: str | None = None,
    online_level: str | None = None,
    active_only: bool = True,
) -> QuerySet[Procedure]:
    """Procedures matching every word of ``query`` (with or without diacritics; codes too)
    and every filter given, ordered by field then name (folded, see ``Procedure.sort_key``)."""
    qs = Procedure.objects.select_related("field")
    if active_only:
        qs = qs.filter(is_active=True)
    # Each folded word must occur in the folded code + name + field name (AND).
    for token in tokens(query)[:MAX_QUERY_TOKENS]:
        qs = qs.filter(search_text__contains=token)
    if field_id is not None:
        qs = qs.filter(field_id=field_id)
    if agency_id is not None:
        qs = qs.filter(agencies__id=agency_id)
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    return qs.order_by("sort_key", "code").distinct()


def procedure_get_active(*, code: str) -> Procedure | None:
    """An active procedure with what its detail page shows, or None."""
    return (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("field")
        .prefetch_related(
            Prefetch("agencies", queryset=Agency.objects.order_by("name")),
            Prefetch("documents", queryset=ProcedureDocument.objects.order_by("order", "id")),
        )
        .first()
    )


def document_for_download(*, code: str, document_id: int) -> ProcedureDocument | None:
    """A document template that may be handed out: its procedure is active and it has a file."""
    document = (
        ProcedureDocument.objects.filter(pk=document_id, procedure__code=code, procedure__is_active=True)
        .exclude(template="")
        .first()
    )
    return document


def form_current_version(*, procedure: Procedure) -> ProcedureFormVersion | None:
    return ProcedureFormVersion.objects.filter(procedure=procedure, is_current=True).first()


def fields_in_use() -> list[Field]:
    """Fields that have active procedures, in Vietnamese reading order ("Đ" next to "D", which
    database collations do not all agree on)."""
    fields = Field.objects.filter(procedures__is_active=True).distinct()
    return sorted(fields, key=lambda f: (fold(f.name), f.name))


def agencies_in_use() -> list[Agency]:
    """Agencies handling active procedures: provincial first, then by name (folded)."""
    agencies = Agency.objects.filter(procedures__is_active=True).distinct()
    return sorted(agencies, key=lambda a: (a.level, fold(a.name), a.name))


# --- export -----------------------------------------------------------------------------

FORMAT_NAME = "tthc-catalogue"
FORMAT_VERSION = 1


def decimal_text(value: Decimal | None) -> str | None:
    """``Decimal('15.0')`` → ``"15"``, ``Decimal('0.5')`` → ``"0.5"``: one spelling per value."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def agency_record(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "level": agency.level,
        "parent_code": agency.parent.code if agency.parent else None,
        "unit_code": agency.unit.code if agency.unit else None,
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
        "is_active": agency.is_active,
    }


def procedure_record(procedure: Procedure, form: ProcedureFormVersion | None) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field_code": procedure.field.code,
        "agency_codes": sorted(a.code for a in procedure.agencies.all()),
        "level": procedure.level,
        "online_level": procedure.online_level,
        "processing_days": decimal_text(procedure.processing_days),
        "processing_time_text": procedure.processing_time_text,
        "fee_text": procedure.fee_text,
        "fee_amount": procedure.fee_amount,
        "applicants": procedure.applicants,
        "legal_basis": procedure.legal_basis,
        "steps": procedure.steps,
        "methods": procedure.methods,
        "result": procedure.result,
        "is_active": procedure.is_active,
        "documents": [
            {"name": d.name, "required": d.required, "copies": d.copies, "order": d.order}
            for d in procedure.documents.all()
        ],
        "form": form.schema if form else None,
    }


def catalogue_export_document(*, procedures: Iterable[Procedure] | None = None) -> dict[str, Any]:
    """The interchange document (see ``interchange``) of the given procedures, or of the whole
    catalogue. A partial export carries only the fields and agencies those procedures use
    (with the agencies' parents), so that it can be imported on its own."""
    qs = Procedure.objects.select_related("field").prefetch_related(
        Prefetch("agencies", queryset=Agency.objects.order_by("code")),
        Prefetch("documents", queryset=ProcedureDocument.objects.order_by("order", "id")),
    )
    if procedures is not None:
        qs = qs.filter(pk__in=[p.pk for p in procedures])
    procs = list(qs.order_by("code"))
    forms = {f.procedure_id: f for f in ProcedureFormVersion.objects.filter(is_current=True, procedure__in=procs)}
    agencies_qs = Agency.objects.select_related("parent", "unit")
    fields_qs = Field.objects.all()
    if procedures is not None:
        wanted = {a.pk for p in procs for a in p.agencies.all()}
        closure: set[int] = set()
        frontier = wanted
        while frontier:
            closure |= frontier
            frontier = (
                set(Agency.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent_id", flat=True))
                - closure
            )
        agencies_qs = agencies_qs.filter(pk__in=closure)
        fields_qs = fields_qs.filter(pk__in={p.field_id for p in procs})
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "fields": [{"code": f.code, "name": f.name} for f in fields_qs.order_by("code")],
        "agencies": [agency_record(a) for a in agencies_qs.order_by("code")],
        "procedures": [procedure_record(p, forms.get(p.pk)) for p in procs],
    }
