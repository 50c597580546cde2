"""Writes to the catalogue. Each write that changes something leaves a ``CatalogueAudit`` row
in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from vietnam_provinces import Province, ProvinceCode, Ward

from . import eforms, interchange, selectors
from .interchange import ImportRejected, Problem
from .models import (
    AdministrativeUnit,
    Agency,
    CatalogueAudit,
    Field,
    Procedure,
    ProcedureDocument,
    ProcedureFormVersion,
    UnitKind,
    model_snapshot,
)
from .selectors import decimal_text, procedure_record
from .text import collapse_spaces, fold, search_text

logger = logging.getLogger(__name__)

PROCEDURE_AUDIT_FIELDS = (
    "code",
    "name",
    "level",
    "online_level",
    "processing_days",
    "processing_time_text",
    "fee_text",
    "fee_amount",
    "applicants",
    "legal_basis",
    "steps",
    "methods",
    "result",
    "is_active",
)


class FormSchemaError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def audit_record(
    *,
    actor: Any | None,
    action: str,
    object_type: str,
    object_key: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> CatalogueAudit:
    return CatalogueAudit.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_key=object_key,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )


def procedure_refresh_search_text(*, procedure: Procedure) -> None:
    """Recompute the folded search column (code + name + field name) and save it if it changed."""
    value, key = _search_columns(procedure)
    if (value, key) != (procedure.search_text, procedure.sort_key):
        procedure.search_text, procedure.sort_key = value, key
        if procedure.pk:
            Procedure.objects.filter(pk=procedure.pk).update(search_text=value, sort_key=key)


def _search_columns(procedure: Procedure) -> tuple[str, str]:
    return (
        search_text(procedure.code, procedure.name, procedure.field.name)[:1200],
        f"{fold(procedure.field.name)} | {fold(procedure.name)}"[:900],
    )


def procedure_admin_saved(*, actor: Any, procedure: Procedure, before: dict[str, Any] | None) -> None:
    """After the admin saved a procedure (and its inlines): refresh search, audit the change."""
    procedure_refresh_search_text(procedure=procedure)
    after = procedure_record(procedure, None)
    after.pop("form")
    if before != after:
        audit_record(
            actor=actor,
            action="procedure_create" if before is None else "procedure_update",
            object_type="procedure",
            object_key=procedure.code,
            before=before,
            after=after,
        )


@transaction.atomic
def procedure_delete(*, actor: Any, procedure: Procedure) -> None:
    """Delete a procedure with its documents and e-form versions, keeping what it was in the
    audit. (Prefer ``is_active = False``: dossiers will refer to procedures.)"""
    before = procedure_record(procedure, selectors.form_current_version(procedure=procedure))
    code = procedure.code
    procedure.delete()
    audit_record(actor=actor, action="procedure_delete", object_type="procedure", object_key=code, before=before)


def field_renamed(*, field: Field) -> None:
    """Procedures of a renamed field are found by the new name too."""
    for procedure in Procedure.objects.filter(field=field).select_related("field"):
        procedure_refresh_search_text(procedure=procedure)


# --- e-forms ----------------------------------------------------------------------------


def form_validate(
    *, version: ProcedureFormVersion, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Clean data a person typed into the e-form of ``version``: ``(cleaned, errors)``, errors
    keyed by field name, in Vietnamese. The version's schema was checked when published."""
    return eforms.validate_data(version.schema, data)


@transaction.atomic
def form_publish(*, procedure: Procedure, schema: Any, actor: Any | None = None) -> ProcedureFormVersion:
    """Publish ``schema`` as the procedure's next e-form version; earlier versions are kept
    unchanged (dossiers point at the version they were submitted under). Publishing the
    schema that is already current changes nothing and returns the current version.

    Raises ``FormSchemaError`` listing what is wrong with the schema."""
    errors = eforms.schema_errors(schema)
    if errors:
        raise FormSchemaError(errors)
    # Lock the procedure row so that two publishers cannot take the same version number.
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    current = ProcedureFormVersion.objects.filter(procedure=procedure, is_current=True).first()
    if current is not None and current.schema == schema:
        return current
    last = ProcedureFormVersion.objects.filter(procedure=procedure).aggregate(n=Max("version"))["n"] or 0
    ProcedureFormVersion.objects.filter(procedure=procedure, is_current=True).update(is_current=False)
    version = ProcedureFormVersion.objects.create(procedure=procedure, version=last + 1, schema=schema, is_current=True)
    audit_record(
        actor=actor,
        action="form_publish",
        object_type="procedure",
        object_key=procedure.code,
        before={"version": current.version, "schema": current.schema} if current else None,
        after={"version": version.version, "schema": schema},
    )
    return version


# --- administrative units ---------------------------------------------------------------


_UNIT_KINDS = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.CITY,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


def province_code_for(name_or_code: str) -> str:
    """The two-digit code of a province given its code or its name ("HƯNG YÊN", "Hưng Yên",
    "Thành phố Hà Nội", "ha noi"). Raises ``ValueError`` when none matches."""
    wanted = fold(collapse_spaces(name_or_code))
    for prefix in ("thanh pho ", "tinh "):
        wanted = wanted.removeprefix(prefix)
    for province in Province.iter_all():
        code = f"{int(province.code):02d}"
        name = fold(province.name)
        for prefix in ("thanh pho ", "tinh "):
            name = name.removeprefix(prefix)
        if wanted in (name, code, str(int(province.code))):
            return code
    raise ValueError(f"unknown province: {name_or_code!r}")


@dataclass(frozen=True)
class UnitImportResult:
    created: int
    updated: int


@transaction.atomic
def admin_units_import(*, commune_province_codes: list[str]) -> UnitImportResult:
    """Load every province, and the communes/wards/special zones of the given provinces, from
    vietnam-provinces (the units in force since 1/7/2025). Idempotent: reruns update names
    and kinds, never duplicate."""
    existing = {u.code: u for u in AdministrativeUnit.objects.all()}
    created = updated = 0

    def upsert(code: str, name: str, kind: str, parent: AdministrativeUnit | None) -> AdministrativeUnit:
        nonlocal created, updated
        unit = existing.get(code)
        if unit is None:
            unit = AdministrativeUnit.objects.create(code=code, name=name, kind=kind, parent=parent)
            existing[code] = unit
            created += 1
        elif (unit.name, unit.kind, unit.parent_id) != (name, kind, parent.pk if parent else None):
            unit.name, unit.kind, unit.parent = name, kind, parent
            unit.save(update_fields=["name", "kind", "parent"])
            updated += 1
        return unit

    provinces: dict[str, AdministrativeUnit] = {}
    for province in Province.iter_all():
        code = f"{int(province.code):02d}"
        provinces[code] = upsert(code, collapse_spaces(province.name), _UNIT_KINDS[province.division_type.value], None)
    for province_code in commune_province_codes:
        parent = provinces[province_code]
        for ward in Ward.iter_by_province(ProvinceCode(int(province_code))):
            upsert(f"{int(ward.code):05d}", collapse_spaces(ward.name), _UNIT_KINDS[ward.division_type.value], parent)
    if created or updated:
        audit_record(
            actor=None,
            action="admin_units_import",
            object_type="administrative_unit",
            object_key=",".join(commune_province_codes),
            after={"created": created, "updated": updated},
        )
    return UnitImportResult(created=created, updated=updated)


# --- catalogue import -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    fields: int
    agencies: int
    procedures_created: int
    procedures_updated: int
    procedures_unchanged: int


def catalogue_import(*, content: bytes, filename: str, actor: Any | None = None) -> ImportResult:
    """Upsert fields, agencies and procedures (by code) from a JSON or CSV file.

    All or nothing: every entry is validated first; if any is wrong, ``ImportRejected`` lists
    the problems with their line (CSV) or item (JSON) and nothing is written."""
    parsed = interchange.parse(content=content, filename=filename)
    with transaction.atomic():
        # Validated inside the transaction, so the references it checks (agencies, units,
        # fields already in the database) are the ones the write sees.
        valid = interchange.validate(parsed)
        return _write(valid, actor=actor)


def _write(valid: interchange.ValidFile, *, actor: Any | None) -> ImportResult:
    fields = {f.code: f for f in Field.objects.all()}
    changed_fields = 0
    for rec in valid.fields:
        field = fields.get(rec["code"])
        if field is None:
            fields[rec["code"]] = Field.objects.create(code=rec["code"], name=rec["name"])
            changed_fields += 1
            audit_record(actor=actor, action="field_create", object_type="field", object_key=rec["code"], after=rec)
        elif field.name != rec["name"]:
            old = {"code": field.code, "name": field.name}
            field.name = rec["name"]
            field.save(update_fields=["name"])
            field_renamed(field=field)
            changed_fields += 1
            audit_record(
                actor=actor, action="field_update", object_type="field", object_key=field.code, before=old, after=rec
            )

    agencies = {a.code: a for a in Agency.objects.select_related("parent", "unit")}
    agencies_before = {code: _agency_snapshot(a) for code, a in agencies.items()}
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in={a["unit_code"] for a in valid.agencies})}
    # Parents may come later in the file: save every agency first, then link parents.
    for rec in valid.agencies:
        agency = agencies.get(rec["code"]) or Agency(code=rec["code"])
        for key in ("name", "level", "address", "phone", "email", "is_active"):
            setattr(agency, key, rec[key])
        agency.unit = units.get(rec["unit_code"]) if rec["unit_code"] else None
        if agency.pk is None or _agency_snapshot(agency) != agencies_before[rec["code"]]:
            agency.save()
        agencies[rec["code"]] = agency
    changed_agencies = 0
    for rec in valid.agencies:
        agency = agencies[rec["code"]]
        parent = agencies.get(rec["parent_code"]) if rec["parent_code"] else None
        if agency.parent_id != (parent.pk if parent else None):
            agency.parent = parent
            agency.save(update_fields=["parent"])
        before = agencies_before.get(rec["code"])
        after = _agency_snapshot(agency)
        if before != after:
            changed_agencies += 1
            audit_record(
                actor=actor,
                action="agency_create" if before is None else "agency_update",
                object_type="agency",
                object_key=agency.code,
                before=before,
                after=after,
            )

    created = updated = unchanged = 0
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in=[r["code"] for r in valid.procedures])
        .select_related("field")
        .prefetch_related("agencies", "documents")
    }
    for rec in valid.procedures:
        procedure = existing.get(rec["code"])
        before = _procedure_snapshot(procedure) if procedure else None
        scalars_before = _scalars(procedure) if procedure else None
        if procedure is None:
            procedure = Procedure(code=rec["code"])
        procedure.field = fields[rec["field_code"]]
        for key in (
            "name",
            "level",
            "online_level",
            "processing_days",
            "fee_amount",
            "is_active",
            *interchange.TEXT_KEYS,
        ):
            setattr(procedure, key, rec[key])
        procedure.search_text, procedure.sort_key = _search_columns(procedure)
        if before is None or _scalars(procedure) != scalars_before:
            procedure.save()
        procedure.agencies.set([agencies[c] for c in rec["agency_codes"]])
        _sync_documents(procedure, rec["documents"])
        if rec["form"] is not None:
            form_publish(procedure=procedure, schema=rec["form"], actor=actor)
        after = _procedure_snapshot(
            Procedure.objects.prefetch_related("agencies", "documents").select_related("field").get(pk=procedure.pk)
        )
        if before == after:
            unchanged += 1
            continue
        if before is None:
            created += 1
        else:
            updated += 1
        audit_record(
            actor=actor,
            action="procedure_create" if before is None else "procedure_update",
            object_type="procedure",
            object_key=procedure.code,
            before=before,
            after=after,
        )
    logger.info(
        "catalogue_import fields=%s agencies=%s created=%s updated=%s unchanged=%s",
        changed_fields,
        changed_agencies,
        created,
        updated,
        unchanged,
    )
    return ImportResult(changed_fields, changed_agencies, created, updated, unchanged)


def _agency_snapshot(agency: Agency) -> dict[str, Any]:
    snapshot = model_snapshot(agency, ("code", "name", "level", "address", "phone", "email", "is_active"))
    snapshot["unit_code"] = agency.unit.code if agency.unit else None
    snapshot["parent_code"] = agency.parent.code if agency.parent else None
    return snapshot


def _scalars(procedure: Procedure) -> dict[str, Any]:
    return {
        **model_snapshot(procedure, PROCEDURE_AUDIT_FIELDS),
        "field": procedure.field_id,
        "search": procedure.search_text,
        "sort": procedure.sort_key,
    }


def _procedure_snapshot(procedure: Procedure) -> dict[str, Any]:
    snapshot = procedure_record(procedure, None)
    snapshot.pop("form")
    snapshot["processing_days"] = decimal_text(procedure.processing_days)
    return snapshot


def _sync_documents(procedure: Procedure, documents: list[dict[str, Any]]) -> None:
    """Match documents by name so that an uploaded template survives a re-import."""
    existing = {d.name: d for d in procedure.documents.all()}
    keep: set[int] = set()
    for rec in documents:
        document = existing.get(rec["name"])
        if document is None:
            document = ProcedureDocument(procedure=procedure, name=rec["name"])
        if document.pk is None or (document.required, document.copies, document.order) != (
            rec["required"],
            rec["copies"],
            rec["order"],
        ):
            document.required, document.copies, document.order = rec["required"], rec["copies"], rec["order"]
            document.save()
        keep.add(document.pk)
    procedure.documents.exclude(pk__in=keep).delete()


__all__ = [
    "FormSchemaError",
    "ImportRejected",
    "ImportResult",
    "Problem",
    "UnitImportResult",
    "admin_units_import",
    "audit_record",
    "catalogue_import",
    "form_publish",
    "form_validate",
    "procedure_admin_saved",
    "procedure_delete",
    "procedure_refresh_search_text",
    "province_code_for",
]
