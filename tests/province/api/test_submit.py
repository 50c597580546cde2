"""Submitting dossiers through the API, reading them back, idempotency and validation."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from province.accounts.models import AuditLog, Person
from province.api.models import ClientSubmission
from province.dossiers.models import Channel, Dossier, Notification, Status
from tests.province.api.conftest import make_client, submission
from tests.province.dossiers.factories import EXE
from tests.province.factories import PersonFactory

URL = "/api/v1/dossiers"
pytestmark = pytest.mark.django_db


def post(body: dict[str, Any], headers: dict[str, str], key: str | None = "kiosk-key-0001") -> Any:
    extra = dict(headers)
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(URL, json.dumps(body), content_type="application/json", **extra)


def test_it_submits_a_dossier_for_a_new_person_as_an_in_person_dossier(kiosk, procedure, bearer):
    response = post(submission(procedure), bearer())

    assert response.status_code == 201, response.content
    data = response.json()
    dossier = Dossier.objects.get(code=data["code"])
    assert data["status"] == Status.NEW and data["channel"] == Channel.IN_PERSON == dossier.channel
    assert data["timeline"][0]["note"] == "Tiếp nhận hồ sơ trực tiếp"
    person = dossier.applicant
    assert (person.id_number, person.full_name, person.verified, person.identification_level) == (
        "033180012345",
        "Đỗ Thị Thanh Phúc",
        False,
        0,
    )
    assert person.phone == "" and dossier.applicant_info["phone"] == "0912345678"
    assert dossier.documents.count() == 1
    assert ClientSubmission.objects.get(dossier=dossier).client == kiosk
    assert AuditLog.objects.filter(action="api.dossier_submit", object_id=str(dossier.pk)).exists()
    assert AuditLog.objects.filter(action="person.created_by_api_client", object_id=str(person.pk)).exists()
    assert Notification.objects.filter(dossier=dossier, channel="sms", to="0912345678").exists()


def test_it_links_an_existing_person_without_changing_them(kiosk, procedure, bearer):
    person = PersonFactory(id_number="033180012345", full_name="ĐỖ THỊ THANH PHÚC", phone="0987654321")
    before = {name: getattr(person, name) for name in Person.IDENTITY_FIELDS + Person.EDITABLE_FIELDS}

    body = submission(procedure)
    body["applicant"]["full_name"] = "do thi  thanh phuc"
    response = post(body, bearer())

    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.applicant == person
    person.refresh_from_db()
    assert {name: getattr(person, name) for name in before} == before
    assert Person.objects.count() == 1


def test_it_refuses_a_name_that_does_not_match_the_number(kiosk, procedure, bearer):
    PersonFactory(id_number="033180012345", full_name="Nguyễn Văn Bình")

    response = post(submission(procedure), bearer())

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "applicant.full_name": ["Họ và tên không khớp với số định danh cá nhân."]
    }
    assert not Dossier.objects.exists()


def test_it_gives_the_mobile_app_the_online_channel(db, procedure, bearer):
    make_client(client_id="app-1", kind="mobile_app")

    response = post(submission(procedure), bearer("app-1"))

    assert response.status_code == 201
    assert response.json()["channel"] == Channel.ONLINE
    assert response.json()["timeline"][0]["note"] == "Nộp hồ sơ trực tuyến"


def test_it_replays_the_same_request_with_the_same_key(kiosk, procedure, bearer):
    headers = bearer()
    first = post(submission(procedure), headers)
    second = post(submission(procedure), headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1


def test_it_refuses_the_same_key_with_another_request(kiosk, procedure, bearer):
    headers = bearer()
    post(submission(procedure), headers)
    other = submission(procedure, delivery={"method": "post", "address": "Số 2 Phố Hiến"})

    response = post(other, headers)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert Dossier.objects.count() == 1


def test_it_keeps_two_clients_keys_apart(kiosk, procedure, bearer):
    make_client(client_id="kiosk-2")

    first = post(submission(procedure), bearer())
    second = post(submission(procedure), bearer("kiosk-2"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["code"] != second.json()["code"]


@pytest.mark.parametrize("key", [None, "short", "has space in it", "x" * 65])
def test_it_requires_a_well_formed_idempotency_key(kiosk, procedure, bearer, key):
    response = post(submission(procedure), bearer(), key=key)

    assert response.status_code in (400, 422)
    assert "error" in response.json()
    assert not Dossier.objects.exists()


def test_it_reports_every_invalid_field_in_vietnamese_and_changes_nothing(kiosk, procedure, bearer):
    body = submission(procedure)
    body["applicant"] = {"id_number": "12345", "full_name": "An", "phone": "12"}
    body["form"] = {"ho_ten": "Nguyễn Văn An 2", "gioi_tinh": "khac"}
    body["documents"] = [
        {"name": "virus.pdf", "content_base64": base64.b64encode(EXE).decode()},
        {"name": "x.pdf", "content_base64": "not base64!"},
    ]

    response = post(body, bearer())

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"] == "Hồ sơ chưa hợp lệ."
    assert error["fields"]["applicant.id_number"] == ["Số định danh cá nhân phải đúng 12 ký tự số"]
    assert error["fields"]["applicant.phone"] == ["Số điện thoại di động không hợp lệ (ví dụ: 0912345678)."]
    assert error["fields"]["documents.0"] == ["Chỉ chấp nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX."]
    assert error["fields"]["documents.1"] == ["Nội dung tệp phải được mã hoá base64."]
    assert not Dossier.objects.exists() and not Person.objects.exists()


def test_it_reports_the_e_form_and_missing_documents_as_the_portal_does(kiosk, procedure, bearer):
    body = submission(procedure, documents=[])
    body["form"] = {"ho_ten": "Nguyễn Văn An 2", "gioi_tinh": "khac"}

    response = post(body, bearer())

    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["form.ho_ten"] == ["Họ tên không chứa chữ số"]
    assert fields["form.ngay_sinh"] == ["Ngày sinh không được bỏ trống."]
    assert fields["form.gioi_tinh"] == ["Giới tính: lựa chọn không hợp lệ."]
    assert fields["documents"] == ["Thiếu giấy tờ bắt buộc: Tờ khai."]
    assert not Dossier.objects.exists() and not Person.objects.exists()


def test_it_refuses_an_unknown_procedure_and_schema_errors(kiosk, procedure, bearer):
    response = post(submission(procedure, procedure="9.999999"), bearer())
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"procedure": ["Không tìm thấy thủ tục đang áp dụng với mã này."]}

    response = post({"procedure": procedure.code}, bearer())
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["applicant"] == ["Trường này là bắt buộc."]


def test_it_refuses_bodies_that_are_not_json(kiosk, bearer):
    response = Client().post(
        URL, "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="kiosk-key-0001", **bearer()
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()


# --- reading back ------------------------------------------------------------------------


def test_it_shows_a_client_its_own_dossier_with_the_timeline(kiosk, procedure, bearer):
    headers = bearer()
    code = post(submission(procedure), headers).json()["code"]

    response = Client().get(f"{URL}/{code}", **headers)

    assert response.status_code == 200
    data = response.json()
    assert data["code"] == code and data["procedure"]["code"] == procedure.code
    assert [e["status"] for e in data["timeline"]] == [Status.NEW]


def test_it_hides_another_clients_dossier(kiosk, procedure, bearer):
    code = post(submission(procedure), bearer()).json()["code"]
    make_client(client_id="kiosk-2")

    response = Client().get(f"{URL}/{code}", **bearer("kiosk-2"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_hides_portal_dossiers_from_a_client_without_sync(kiosk, bearer):
    from tests.province.dossiers.factories import submit

    portal_dossier = submit()
    assert Client().get(f"{URL}/{portal_dossier.code}", **bearer()).status_code == 404


def test_it_shows_any_dossier_to_a_sync_client(db, bearer):
    from tests.province.dossiers.factories import submit

    portal_dossier = submit()
    make_client(client_id="dvcqg", scopes="dossiers:sync", kind="national_portal")

    response = Client().get(f"{URL}/{portal_dossier.code}", **bearer("dvcqg"))

    assert response.status_code == 200
    assert response.json()["channel"] == Channel.ONLINE


def test_it_refuses_submission_without_the_submit_scope(db, procedure, bearer):
    make_client(client_id="reader", scopes="dossiers:read")

    response = post(submission(procedure), bearer("reader"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert not Dossier.objects.exists()


def test_it_answers_413_to_a_body_over_the_limit(kiosk, procedure, bearer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = submission(procedure)
    body["documents"][0]["content_base64"] = "A" * 2000

    response = post(body, bearer())

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Dossier.objects.exists()
