from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from province.accounts.models import AuditLog
from province.datastore import services
from province.datastore.models import StoredDocument
from province.dossiers.files import check_content
from province.dossiers.models import Dossier, Draft
from tests.province.dossiers.factories import EXE, PDF, submit, submittable_procedure
from tests.province.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def signed_in(person: Any, organisation: Any = None) -> Client:
    client = Client()
    client.force_login(person)
    if organisation is not None:
        session = client.session
        session["acting_org"] = {"id": organisation.pk, "name": organisation.name}
        session.save()
    return client


def stored(owner: Any, title: str = "Giấy khai sinh") -> StoredDocument:
    return services.datastore_add(actor=owner, organisation=None, file=check_content(PDF, "khai sinh.pdf"), title=title)


def test_it_uploads_a_document_with_its_details() -> None:
    person = PersonFactory()
    client = signed_in(person)
    response = client.post(
        reverse("datastore:list"),
        {
            "title": "Quyết định cấp phép",
            "reference_number": "123/QĐ-UBND",
            "issuer": "UBND tỉnh Hưng Yên",
            "issued_on": "2026-01-05",
            "valid_until": "31/12/2027",
            "file": SimpleUploadedFile("qd.pdf", PDF),
        },
    )
    assert response.status_code == 302
    document = StoredDocument.objects.get()
    assert document.owner_person == person and document.owner_organisation is None
    assert document.reference_number == "123/QĐ-UBND"
    assert document.valid_until == dt.date(2027, 12, 31)
    assert document.content_type == "application/pdf"
    assert AuditLog.objects.filter(action="datastore_add").exists()
    html = client.get(reverse("datastore:list")).content.decode()
    assert "Quyết định cấp phép" in html


def test_it_refuses_a_bad_file_and_a_missing_title() -> None:
    client = signed_in(PersonFactory())
    response = client.post(reverse("datastore:list"), {"title": "", "file": SimpleUploadedFile("x.pdf", EXE)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chỉ chấp nhận tệp PDF" in html and "Tên giấy tờ không được bỏ trống." in html
    assert not StoredDocument.objects.exists()


def test_it_downloads_and_soft_deletes_only_own_documents() -> None:
    owner = PersonFactory()
    document = stored(owner)
    stranger = signed_in(PersonFactory())
    for name in ("datastore:detail", "datastore:download"):
        assert stranger.get(reverse(name, kwargs={"pk": document.pk})).status_code == 404
    assert stranger.post(reverse("datastore:delete", kwargs={"pk": document.pk})).status_code == 404
    client = signed_in(owner)
    response = client.get(reverse("datastore:download", kwargs={"pk": document.pk}))
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client.post(reverse("datastore:delete", kwargs={"pk": document.pk})).status_code == 302
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert client.get(reverse("datastore:detail", kwargs={"pk": document.pk})).status_code == 404


def test_it_keeps_business_documents_apart_from_personal_ones() -> None:
    membership = MembershipFactory()
    personal = stored(membership.person, title="Cá nhân")
    business = services.datastore_add(
        actor=membership.person,
        organisation=membership.organisation,
        file=check_content(PDF, "gp.pdf"),
        title="Giấy phép kinh doanh",
    )
    as_business = signed_in(membership.person, membership.organisation)
    html = as_business.get(reverse("datastore:list")).content.decode()
    assert "Giấy phép kinh doanh" in html and "Cá nhân" not in html
    assert as_business.get(reverse("datastore:detail", kwargs={"pk": personal.pk})).status_code == 404
    as_person = signed_in(membership.person)
    assert as_person.get(reverse("datastore:detail", kwargs={"pk": business.pk})).status_code == 404
    with pytest.raises(PermissionError):
        services.datastore_add(
            actor=PersonFactory(), organisation=membership.organisation, file=check_content(PDF, "x.pdf"), title="x"
        )


def _draft_at_documents(client: Client) -> tuple[Draft, Any]:
    procedure = submittable_procedure()
    response = client.post(reverse("dossiers:submit_start", kwargs={"code": procedure.code}))
    draft = Draft.objects.get(public_id=response["Location"].split("/")[-3])
    return draft, procedure.documents.get(required=True)


def test_it_attaches_a_document_from_the_own_store_in_the_wizard() -> None:
    person = PersonFactory()
    document = stored(person)
    client = signed_in(person)
    draft, required = _draft_at_documents(client)
    url = reverse("dossiers:draft_step", kwargs={"public_id": draft.public_id, "step": "giay-to"})
    assert "Giấy khai sinh" in client.get(url).content.decode()
    assert client.post(url, {f"store-{required.pk}": str(document.pk)}).status_code == 302
    attached = draft.files.get()
    assert attached.source_document_id == document.pk
    assert attached.file.read() == PDF


def test_it_refuses_someone_elses_store_document_in_the_wizard() -> None:
    foreign = stored(PersonFactory())
    person = PersonFactory()
    client = signed_in(person)
    draft, required = _draft_at_documents(client)
    url = reverse("dossiers:draft_step", kwargs={"public_id": draft.public_id, "step": "giay-to"})
    response = client.post(url, {f"store-{required.pk}": str(foreign.pk)})
    assert response.status_code == 400
    assert "không có trong kho dữ liệu của bạn" in response.content.decode()
    assert not draft.files.exists()


def test_it_adds_a_result_to_the_dossier_and_the_applicants_store() -> None:
    dossier = submit()
    services.datastore_add_result(
        dossier=dossier, file=check_content(PDF, "giay khai sinh.pdf"), title="Giấy khai sinh"
    )
    stored_result = StoredDocument.objects.get()
    assert stored_result.owner_person == dossier.applicant
    assert stored_result.source_dossier == dossier
    assert stored_result.issuer == dossier.agency.name
    result = Dossier.objects.get(pk=dossier.pk).documents.get(is_result=True)
    client = signed_in(dossier.applicant)
    html = client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).content.decode()
    assert "Kết quả giải quyết" in html
    assert reverse("dossiers:document", kwargs={"code": dossier.code, "pk": result.pk}) in html
