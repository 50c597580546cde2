from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from province.catalogue.models import CatalogueAudit, Procedure
from province.notify.sms import LocmemBackend
from tests.province.backoffice.conftest import sign_in
from tests.province.backoffice.factories import OfficerAccountFactory
from tests.province.factories import PersonFactory

from .factories import ProcedureDocumentFactory, ProcedureFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
]

GOOD = {
    "format": "tthc-catalogue",
    "version": 1,
    "fields": [{"code": "HO-TICH", "name": "Hộ tịch"}],
    "agencies": [],
    "procedures": [
        {
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "field_code": "HO-TICH",
            "level": "xa",
            "online_level": "toan_trinh",
        }
    ],
}


@pytest.fixture
def staff_client(client):
    # the admin opens to officers of role "quan_tri" signed in with password + SMS code
    LocmemBackend.outbox.clear()
    sign_in(client, OfficerAccountFactory(admin=True), LocmemBackend.outbox)
    return client


def test_it_no_longer_opens_to_a_superuser_of_the_portal(client):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith("/quan-tri/login/")


def upload(document, name="c.json"):
    return SimpleUploadedFile(name, json.dumps(document).encode(), content_type="application/json")


def test_it_keeps_the_import_page_from_people_who_are_not_staff(client):
    url = reverse("admin:catalogue_procedure_import")
    assert client.get(url).status_code == 302
    client.force_login(PersonFactory())
    response = client.post(url, {"file": upload(GOOD)})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Procedure.objects.exists()


def test_it_imports_a_file_uploaded_by_staff(staff_client):
    response = staff_client.post(reverse("admin:catalogue_procedure_import"), {"file": upload(GOOD)})
    assert response.status_code == 302
    assert Procedure.objects.get(code="1.001193").search_text == "1.001193 dang ky khai sinh ho tich"
    assert CatalogueAudit.objects.get(action="procedure_create").actor is not None


def test_it_shows_the_problems_of_a_bad_upload_and_writes_nothing(staff_client):
    bad = {**GOOD, "procedures": [{**GOOD["procedures"][0], "code": "1193"}]}
    response = staff_client.post(reverse("admin:catalogue_procedure_import"), {"file": upload(bad)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "procedures #1 (1193): Mã thủ tục 1193 không đúng dạng 1.001193." in page
    assert "chưa ghi gì" in page
    assert not Procedure.objects.exists()


def test_it_refuses_other_file_types(staff_client):
    response = staff_client.post(
        reverse("admin:catalogue_procedure_import"), {"file": SimpleUploadedFile("c.xlsx", b"x")}
    )
    assert "Chỉ nhận tệp .json hoặc .csv." in response.content.decode()


@pytest.mark.parametrize(
    ("action", "marker"), [("export_json", '"format": "tthc-catalogue"'), ("export_csv", "code,name,field_code")]
)
def test_it_exports_selected_procedures_from_the_admin(staff_client, action, marker):
    chosen = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    ProcedureDocumentFactory(procedure=chosen)
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn")
    response = staff_client.post(
        reverse("admin:catalogue_procedure_changelist"), {"action": action, "_selected_action": [chosen.pk]}
    )
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert marker in body and "1.001193" in body and "1.000894" not in body


def test_the_export_actions_are_not_reachable_by_anonymous_people(client):
    chosen = ProcedureFactory()
    response = client.post(
        reverse("admin:catalogue_procedure_changelist"), {"action": "export_json", "_selected_action": [chosen.pk]}
    )
    assert response.status_code == 302


def test_it_lists_procedures_in_the_admin_searching_without_diacritics(staff_client):
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn")
    page = staff_client.get(reverse("admin:catalogue_procedure_changelist"), {"q": "khai sinh"}).content.decode()
    assert "1.001193" in page and "1.000894" not in page
    assert reverse("admin:catalogue_procedure_import") in page


def test_it_audits_a_change_made_in_the_admin(staff_client):
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    url = reverse("admin:catalogue_procedure_change", args=[procedure.pk])
    data = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh mới",
        "field": procedure.field_id,
        "level": "xa",
        "online_level": "mot_phan",
        "processing_days": "1",
        "is_active": "on",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "form_versions-TOTAL_FORMS": "0",
        "form_versions-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure.refresh_from_db()
    assert "moi" in procedure.search_text
    audit = CatalogueAudit.objects.get(action="procedure_update")
    assert audit.before["name"] == "Đăng ký khai sinh" and audit.after["online_level"] == "mot_phan"


def test_it_publishes_a_new_e_form_version_from_the_admin(staff_client):
    procedure = ProcedureFactory(code="1.001193")
    url = reverse("admin:catalogue_procedure_form_publish", args=[procedure.pk])
    assert url in staff_client.get(reverse("admin:catalogue_procedure_change", args=[procedure.pk])).content.decode()
    schema = [{"name": "ho_ten", "label": "Họ tên", "type": "text", "required": True}]
    response = staff_client.post(url, {"schema": json.dumps(schema)})
    assert response.status_code == 302
    assert procedure.form_versions.get(is_current=True).schema == schema

    bad = staff_client.post(url, {"schema": json.dumps([{"name": "x", "label": "X", "type": "colour"}])})
    assert "kiểu phải là một trong" in bad.content.decode()
    broken = staff_client.post(url, {"schema": "[{"})
    assert "JSON không hợp lệ" in broken.content.decode()
    assert procedure.form_versions.count() == 1


def test_the_e_form_page_is_for_staff_only(client):
    procedure = ProcedureFactory()
    client.force_login(PersonFactory())
    url = reverse("admin:catalogue_procedure_form_publish", args=[procedure.pk])
    assert client.post(url, {"schema": "[]"}).status_code == 302
    assert not procedure.form_versions.exists()


def test_it_audits_a_procedure_deleted_in_the_admin(staff_client):
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai")
    response = staff_client.post(reverse("admin:catalogue_procedure_delete", args=[procedure.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Procedure.objects.exists()
    audit = CatalogueAudit.objects.get(action="procedure_delete")
    assert audit.object_key == "1.001193" and audit.before["documents"][0]["name"] == "Tờ khai"
