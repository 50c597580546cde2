from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from province.catalogue import eforms, selectors
from province.catalogue.models import AdministrativeUnit, Agency, Field, Procedure, ProcedureFormVersion, UnitKind

pytestmark = pytest.mark.django_db


def test_it_seeds_at_least_40_procedures_in_8_fields_idempotently():
    call_command("seed_catalogue")
    counts = (
        Procedure.objects.count(),
        Field.objects.count(),
        Agency.objects.count(),
        ProcedureFormVersion.objects.count(),
    )
    call_command("seed_catalogue")
    assert (
        Procedure.objects.count(),
        Field.objects.count(),
        Agency.objects.count(),
        ProcedureFormVersion.objects.count(),
    ) == counts
    assert counts[0] >= 40
    assert Field.objects.filter(procedures__isnull=False).distinct().count() >= 8
    assert ProcedureFormVersion.objects.filter(version__gt=1).count() == 0


def test_the_seed_has_documents_and_a_valid_form_for_every_procedure():
    call_command("seed_catalogue")
    for procedure in Procedure.objects.prefetch_related("documents", "agencies"):
        assert procedure.documents.exists(), procedure.code
        assert procedure.agencies.exists(), procedure.code
        form = selectors.form_current_version(procedure=procedure)
        assert form is not None and eforms.schema_errors(form.schema) == [], procedure.code


def test_the_seed_has_the_well_known_procedures_findable_without_diacritics():
    call_command("seed_catalogue")
    for query, code in (
        ("dang ky khai sinh", "1.001193"),
        ("ket hon", "1.000894"),
        ("khai tu", "1.000656"),
        ("2.000815", "2.000815"),
    ):
        assert code in [p.code for p in selectors.procedure_search(query=query)], query


def test_it_imports_provinces_and_the_communes_of_the_configured_province(settings):
    settings.PROVINCE_NAME = "BẮC NINH"
    call_command("import_admin_units")
    call_command("import_admin_units")
    assert AdministrativeUnit.objects.filter(parent__isnull=True).count() == 34
    bac_ninh = AdministrativeUnit.objects.get(code="24")
    assert bac_ninh.name == "Bắc Ninh" and bac_ninh.kind == UnitKind.PROVINCE
    assert AdministrativeUnit.objects.get(code="01").kind == UnitKind.CITY
    communes = AdministrativeUnit.objects.filter(parent__isnull=False)
    assert communes.exists() and set(communes.values_list("parent__code", flat=True)) == {"24"}


def test_it_imports_communes_by_province_code():
    call_command("import_admin_units", "--province-code", "33")
    assert AdministrativeUnit.objects.get(code="11953").name == "Phường Phố Hiến"
    assert AdministrativeUnit.objects.get(code="12745").name == "Xã Bắc Đông Quan"  # double space in the source


def test_it_refuses_an_unknown_province():
    with pytest.raises(CommandError):
        call_command("import_admin_units", "--province-code", "99")
