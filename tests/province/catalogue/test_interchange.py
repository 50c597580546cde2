from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from province.catalogue import interchange, selectors, services
from province.catalogue.models import CatalogueAudit, Field, Procedure, ProcedureFormVersion

from .factories import SCHEMA, AgencyFactory, FieldFactory, ProcedureDocumentFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def build_catalogue():
    services.admin_units_import(commune_province_codes=["33"])
    civil = FieldFactory(code="HO-TICH", name="Hộ tịch")
    parent = AgencyFactory(code="000.00.00.H33", name="UBND tỉnh Hưng Yên", provincial=True)
    department = AgencyFactory(code="000.00.06.H33", name="Sở Tư pháp", provincial=True, parent=parent)
    from province.catalogue.models import AdministrativeUnit

    commune = AgencyFactory(
        code="000.30.01.H33",
        name="UBND phường Phố Hiến",
        unit=AdministrativeUnit.objects.get(code="11953"),
        address="Phường Phố Hiến",
        email="phohien@example.vn",
    )
    birth = ProcedureFactory(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=civil,
        agencies=[commune, department],
        processing_days="0.5",
        fee_amount=0,
        steps='Bước 1: "Nộp", tờ khai;\nBước 2: nhận kết quả',
    )
    ProcedureDocumentFactory(procedure=birth, name="Tờ khai", order=1)
    ProcedureDocumentFactory(procedure=birth, name="Giấy chứng sinh", order=2, required=False, copies=2)
    services.form_publish(procedure=birth, schema=SCHEMA)
    ProcedureFactory(
        code="2.000815", name="Chứng thực bản sao", field=FieldFactory(code="CT", name="Chứng thực"), inactive=True
    )


def wipe_catalogue():
    Procedure.objects.all().delete()
    from province.catalogue.models import Agency

    Agency.objects.filter(parent__isnull=False).delete()
    Agency.objects.all().delete()
    Field.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_it_round_trips_export_import_export(fmt, tmp_path):
    build_catalogue()
    first = tmp_path / f"first.{fmt}"
    call_command("catalogue_export", "--format", fmt, "--output", str(first))
    wipe_catalogue()
    assert not Procedure.objects.exists()

    call_command("catalogue_import", str(first))
    second = tmp_path / f"second.{fmt}"
    call_command("catalogue_export", "--format", fmt, "--output", str(second))

    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    birth = Procedure.objects.get(code="1.001193")
    assert str(birth.processing_days) == "0.5"
    assert birth.search_text.startswith("1.001193 thu tuc dang ky khai sinh")
    assert ProcedureFormVersion.objects.get(procedure=birth).schema == SCHEMA


def test_it_imports_idempotently_and_audits_only_changes(tmp_path):
    build_catalogue()
    path = tmp_path / "c.json"
    call_command("catalogue_export", "--output", str(path))
    audits = CatalogueAudit.objects.count()
    result = services.catalogue_import(content=path.read_bytes(), filename="c.json")
    assert (result.procedures_created, result.procedures_updated, result.procedures_unchanged) == (0, 0, 2)
    assert CatalogueAudit.objects.count() == audits

    document = json.loads(path.read_text(encoding="utf-8"))
    document["procedures"][0]["name"] = "Thủ tục đăng ký khai sinh (sửa)"
    result = services.catalogue_import(content=json.dumps(document).encode(), filename="c.json")
    assert result.procedures_updated == 1
    audit = CatalogueAudit.objects.filter(action="procedure_update").latest("id")
    assert audit.before["name"] == "Thủ tục đăng ký khai sinh"
    assert audit.after["name"] == "Thủ tục đăng ký khai sinh (sửa)"
    assert selectors.procedure_search(query="sua")[0].code == "1.001193"


def test_it_keeps_an_uploaded_template_when_the_document_is_reimported(tmp_path):
    build_catalogue()
    procedure = Procedure.objects.get(code="1.001193")
    document = procedure.documents.get(name="Tờ khai")
    document.template.save("to-khai.pdf", ContentFile(b"x"))
    exported = interchange.to_json(selectors.catalogue_export_document())
    services.catalogue_import(content=exported.encode(), filename="c.json")
    document.refresh_from_db()
    assert document.template.name


def csv_with_rows(*rows):
    header = (
        "code,name,field_code,field_name,agency_codes,agencies,level,online_level,"
        "processing_days,fee_amount,is_active,documents\n"
    )
    return (header + "".join(rows)).encode()


GOOD_ROW = '1.001193,Đăng ký khai sinh,HO-TICH,Hộ tịch,,[],xa,toan_trinh,1,0,true,"[{""name"": ""Tờ khai""}]"\n'


def test_it_imports_a_csv_written_by_hand():
    result = services.catalogue_import(content=csv_with_rows(GOOD_ROW), filename="c.csv")
    assert result.procedures_created == 1
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.field.name == "Hộ tịch"
    assert [d.name for d in procedure.documents.all()] == ["Tờ khai"]


def test_it_writes_nothing_and_reports_the_line_when_a_row_is_bad():
    bad = "1.00119,Sai mã,HO-TICH,Hộ tịch,000.99.99.H33,[],huyen,toan_trinh,abc,-5,true,[]\n"
    content = csv_with_rows(GOOD_ROW, GOOD_ROW.replace("1.001193", "1.000894"), bad)
    with pytest.raises(interchange.ImportRejected) as rejected:
        services.catalogue_import(content=content, filename="c.csv")
    problems = [str(p) for p in rejected.value.problems]
    assert all(p.startswith("dòng 4:") for p in problems), problems
    text = "\n".join(problems)
    assert "1.00119 không đúng dạng 1.001193" in text
    assert "Cấp thực hiện phải là tinh hoặc xa" in text
    assert "Thời hạn giải quyết" in text
    assert "Mức phí phải từ 0" in text
    assert "Cơ quan thực hiện 000.99.99.H33 không có" in text
    assert not Procedure.objects.exists() and not Field.objects.exists()


def test_it_reports_the_starting_line_of_a_row_with_a_multiline_cell():
    multiline = '1.000894,"Kết hôn\ntrên hai dòng",HO-TICH,Hộ tịch,,[],xa,toan_trinh,1,,true,[]\n'
    bad = "1.000656,,HO-TICH,Hộ tịch,,[],xa,toan_trinh,1,,true,[]\n"
    with pytest.raises(interchange.ImportRejected) as rejected:
        services.catalogue_import(content=csv_with_rows(GOOD_ROW, multiline, bad), filename="c.csv")
    assert [p.where for p in rejected.value.problems] == ["dòng 5"]


def test_it_refuses_a_bad_json_item_with_its_position_and_writes_nothing():
    document = {
        "format": "tthc-catalogue",
        "version": 1,
        "fields": [{"code": "HO-TICH", "name": "Hộ tịch"}],
        "agencies": [{"code": "H33-SO-TU-PHAP", "name": "Sở Tư pháp", "level": "tinh"}],
        "procedures": [
            {
                "code": "1.001193",
                "name": "Khai sinh",
                "field_code": "HO-TICH",
                "level": "xa",
                "online_level": "toan_trinh",
            },
            {
                "code": "1.000894",
                "name": "Kết hôn",
                "field_code": "HO-TICH",
                "level": "xa",
                "online_level": "toan_trinh",
                "form": [{"name": "a", "label": "A", "type": "colour"}],
            },
        ],
    }
    with pytest.raises(interchange.ImportRejected) as rejected:
        services.catalogue_import(content=json.dumps(document).encode(), filename="c.json")
    problems = [str(p) for p in rejected.value.problems]
    assert any(p.startswith("agencies #1 (H33-SO-TU-PHAP): Mã cơ quan") for p in problems), problems
    assert any(p.startswith("procedures #2 (1.000894): Biểu mẫu:") for p in problems), problems
    assert not Field.objects.exists()


def test_it_refuses_invalid_json_with_the_line():
    with pytest.raises(interchange.ImportRejected) as rejected:
        services.catalogue_import(content=b'{\n "format": \n}', filename="c.json")
    assert rejected.value.problems[0].where == "dòng 3"


def test_the_import_command_prints_problems_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_with_rows(GOOD_ROW.replace(",xa,", ",tinh-xa,")))
    with pytest.raises(CommandError, match="nothing written"):
        call_command("catalogue_import", str(path))
    assert not Procedure.objects.exists()
