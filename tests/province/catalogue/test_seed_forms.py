"""The demo e-forms do not ask again for what the identity already gives the wizard, and
trimming them published new versions: dossiers keep the version they were submitted under."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from province.catalogue import services
from province.catalogue.management.commands.seed_catalogue import SEED_FILE
from province.catalogue.models import Procedure, ProcedureFormVersion

pytestmark = pytest.mark.django_db

IDENTITY_FIELDS = {"ho_ten_nguoi_yeu_cau", "so_dinh_danh", "dien_thoai"}


def test_it_does_not_ask_for_the_applicants_name_number_or_phone():
    call_command("seed_catalogue")

    for version in ProcedureFormVersion.objects.filter(is_current=True):
        names = {field["name"] for field in version.schema}
        assert not names & IDENTITY_FIELDS, version.procedure.code
        assert names, version.procedure.code


def test_it_publishes_the_trimmed_form_as_a_new_version_over_an_old_one():
    call_command("seed_catalogue")
    procedure = Procedure.objects.get(code="1.001193")
    trimmed = procedure.form_versions.get(is_current=True)
    old_schema = [
        *trimmed.schema,
        {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "text", "required": True},
    ]
    old = services.form_publish(procedure=procedure, schema=old_schema)

    call_command("seed_catalogue")

    current = procedure.form_versions.get(is_current=True)
    assert current.version == old.version + 1
    assert current.schema == trimmed.schema
    old.refresh_from_db()
    assert old.schema == old_schema and not old.is_current


def test_the_data_file_says_which_codes_are_illustrative():
    note = json.loads(SEED_FILE.read_text(encoding="utf-8"))["note"]

    assert "minh hoạ" in note and "KHÔNG phải mã chính thức" in note
