from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from province.catalogue.models import Procedure
from province.dossiers.models import Dossier, Draft, Status
from province.dossiers.services import lookup_digest
from province.sso.services import SESSION_ACTING_ORG
from tests.province.factories import MembershipFactory, PersonFactory

from .factories import EXE, PDF, submittable_procedure

pytestmark = pytest.mark.django_db


def step_url(draft: Draft, step: str) -> str:
    return reverse("dossiers:draft_step", kwargs={"public_id": draft.public_id, "step": step})


def start(client: Client, procedure: Procedure) -> Draft:
    response = client.post(reverse("dossiers:submit_start", kwargs={"code": procedure.code}))
    assert response.status_code == 302
    return Draft.objects.get(public_id=response["Location"].split("/")[-3])


def fill(client: Client, procedure: Procedure) -> Draft:
    draft = start(client, procedure)
    assert (
        client.post(step_url(draft, "nguoi-nop"), {"phone": "0987654321", "email": "an@example.vn"}).status_code == 302
    )
    form = {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "2024-01-15", "gioi_tinh": "nam", "cam_doan": "on"}
    assert client.post(step_url(draft, "bieu-mau"), form).status_code == 302
    required = procedure.documents.get(required=True)
    upload = SimpleUploadedFile("tờ khai.pdf", PDF, content_type="application/pdf")
    assert client.post(step_url(draft, "giay-to"), {f"doc-{required.pk}": upload}).status_code == 302
    assert client.post(step_url(draft, "nhan-ket-qua"), {"method": "agency"}).status_code == 302
    return draft


@pytest.fixture
def citizen(client: Client) -> Any:
    person = PersonFactory(full_name="Nguyễn Văn An", id_number="001099012345", phone="0912345678")
    client.force_login(person)
    return person


def test_it_asks_to_sign_in_before_submitting(client: Client) -> None:
    procedure = submittable_procedure()
    response = client.get(reverse("dossiers:submit_start", kwargs={"code": procedure.code}))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_it_shows_the_first_step_with_a_progress_indicator(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    response = client.get(reverse("dossiers:submit_start", kwargs={"code": procedure.code}))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<li class="wizard-steps__item"\s+aria-current="step">\s*Chọn thủ tục', html)
    assert "Bắt đầu nộp hồ sơ" in html


def test_it_links_from_the_catalogue(client: Client) -> None:
    procedure = submittable_procedure()
    response = client.get(reverse("catalogue:detail", kwargs={"code": procedure.code}))
    assert reverse("dossiers:submit_start", kwargs={"code": procedure.code}) in response.content.decode()


def test_it_prefills_identity_fields_read_only(client: Client, citizen: Any) -> None:
    draft = start(client, submittable_procedure())
    html = client.get(step_url(draft, "nguoi-nop")).content.decode()
    assert "001099012345" in html
    assert 'name="full_name"' not in html and 'name="id_number"' not in html
    assert 'value="0912345678"' in html


def test_it_refuses_a_bad_phone(client: Client, citizen: Any) -> None:
    draft = start(client, submittable_procedure())
    response = client.post(step_url(draft, "nguoi-nop"), {"phone": "123"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_it_reports_eform_errors_next_to_the_fields(client: Client, citizen: Any) -> None:
    draft = start(client, submittable_procedure())
    response = client.post(step_url(draft, "bieu-mau"), {"ho_ten": "An 2"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Họ tên không chứa chữ số" in html
    assert 'aria-describedby="f-ho_ten-errors"' in html
    assert 'role="alert"' in html
    draft.refresh_from_db()
    assert draft.form_data["ho_ten"] == "An 2"  # kept in the draft


def test_it_requires_the_required_document(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    draft = start(client, procedure)
    response = client.post(step_url(draft, "giay-to"), {})
    assert response.status_code == 400
    assert "Thiếu giấy tờ bắt buộc: Tờ khai." in response.content.decode()


def test_it_refuses_an_exe_renamed_pdf_upload(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    draft = start(client, procedure)
    required = procedure.documents.get(required=True)
    upload = SimpleUploadedFile("to khai.pdf", EXE, content_type="application/pdf")
    response = client.post(step_url(draft, "giay-to"), {f"doc-{required.pk}": upload})
    assert response.status_code == 400
    assert "Chỉ chấp nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX." in response.content.decode()
    assert not draft.files.exists()


@override_settings(DOSSIER_MAX_UPLOAD_BYTES=1024)
def test_it_refuses_an_oversize_upload(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    draft = start(client, procedure)
    required = procedure.documents.get(required=True)
    upload = SimpleUploadedFile("to khai.pdf", PDF + b"0" * 4096, content_type="application/pdf")
    response = client.post(step_url(draft, "giay-to"), {f"doc-{required.pk}": upload})
    assert response.status_code == 400
    assert "dung lượng" in response.content.decode()


def test_it_requires_an_address_for_postal_delivery(client: Client, citizen: Any) -> None:
    draft = start(client, submittable_procedure())
    response = client.post(step_url(draft, "nhan-ket-qua"), {"method": "post", "address": ""})
    assert response.status_code == 400


def test_it_submits_through_all_steps_once_even_on_a_double_click(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    draft = fill(client, procedure)
    review = client.get(step_url(draft, "xem-lai"))
    assert "tờ khai.pdf" in review.content.decode()
    response = client.post(step_url(draft, "xem-lai"))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("dossiers:submitted", kwargs={"code": dossier.code})
    assert dossier.status == Status.NEW
    assert dossier.lookup_secret == lookup_digest(dossier.code, "4321")
    assert dossier.documents.get().original_name == "tờ khai.pdf"
    # a second click on "Nộp hồ sơ": the draft is used up, no second dossier
    again = client.post(step_url(draft, "xem-lai"))
    assert again["Location"] == response["Location"]
    assert Dossier.objects.count() == 1
    success = client.get(response["Location"]).content.decode()
    assert dossier.code in success
    assert reverse("dossiers:receipt", kwargs={"code": dossier.code}) in success


def test_it_resumes_a_draft_from_the_draft_list(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    draft = start(client, procedure)
    html = client.get(reverse("dossiers:drafts")).content.decode()
    assert step_url(draft, "nguoi-nop") in html
    # starting again resumes the same draft
    assert start(client, procedure).pk == draft.pk


def test_it_hides_another_persons_draft(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    other = Client()
    other.force_login(PersonFactory())
    foreign = fill(other, procedure)
    assert client.get(step_url(foreign, "nguoi-nop")).status_code == 404
    assert client.post(step_url(foreign, "xem-lai")).status_code == 404
    assert client.post(reverse("dossiers:draft_delete", kwargs={"public_id": foreign.public_id})).status_code == 404
    assert not Dossier.objects.exists()


def test_it_submits_for_the_business_the_person_acts_for(client: Client) -> None:
    membership = MembershipFactory()
    client.force_login(membership.person)
    session = client.session
    session[SESSION_ACTING_ORG] = {"id": membership.organisation.pk, "name": membership.organisation.name}
    session.save()
    procedure = submittable_procedure()
    draft = fill(client, procedure)
    client.post(step_url(draft, "xem-lai"))
    assert Dossier.objects.get().organisation == membership.organisation


def test_it_lists_online_procedures(client: Client) -> None:
    procedure = submittable_procedure()
    html = client.get(reverse("dossiers:online")).content.decode()
    assert reverse("dossiers:submit_start", kwargs={"code": procedure.code}) in html


def test_it_asks_which_agency_receives_when_several_handle_the_procedure(client: Client, citizen: Any) -> None:
    from tests.province.catalogue.factories import AgencyFactory

    procedure = submittable_procedure()
    second = AgencyFactory(code="000.30.05.H33", name="UBND xã Phụng Công")
    procedure.agencies.add(second)
    url = reverse("dossiers:submit_start", kwargs={"code": procedure.code})
    assert 'name="agency"' in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Chọn cơ quan tiếp nhận hồ sơ." in response.content.decode()
    assert not Draft.objects.exists()
    client.post(url, {"agency": str(second.pk)})
    draft = Draft.objects.get()
    assert draft.agency == second
    fill(client, procedure)  # resumes the same draft; the single-agency default does not apply
    client.post(step_url(draft, "xem-lai"))
    assert Dossier.objects.get().code.startswith("000.30.05.H33-")


def test_it_removes_an_uploaded_document_from_the_draft(client: Client, citizen: Any) -> None:
    procedure = submittable_procedure()
    draft = fill(client, procedure)
    row = draft.files.get()
    assert client.post(step_url(draft, "giay-to"), {"remove": "abc"}).status_code == 302
    assert draft.files.exists()
    assert client.post(step_url(draft, "giay-to"), {"remove": str(row.pk)}).status_code == 302
    assert not draft.files.exists()
