from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from province.dossiers import services
from province.dossiers.models import Dossier, Status
from tests.province.factories import MembershipFactory, PersonFactory

from .factories import PDF, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def dossier() -> Dossier:
    person = PersonFactory(full_name="Nguyễn Văn An", id_number="001099012345", phone="0912345678")
    return submit(applicant=person, contact=services.Contact(phone="0987654321", email="an@example.vn"))


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_it_lists_the_persons_dossiers_with_filter_and_search(dossier: Dossier) -> None:
    client = signed_in(dossier.applicant)
    html = client.get(reverse("dossiers:list")).content.decode()
    assert dossier.code in html
    assert dossier.code in client.get(reverse("dossiers:list"), {"q": dossier.code[-4:]}).content.decode()
    assert dossier.code not in client.get(reverse("dossiers:list"), {"q": "khong-co"}).content.decode()
    assert dossier.code not in client.get(reverse("dossiers:list"), {"trang_thai": "9"}).content.decode()
    assert dossier.code in client.get(reverse("dossiers:list"), {"trang_thai": "1"}).content.decode()


def test_it_pages_by_keyset(dossier: Dossier) -> None:
    procedure = dossier.procedure
    for n in range(25):
        submit(applicant=dossier.applicant, procedure=procedure, key=f"key-page-{n:04d}")
    client = signed_in(dossier.applicant)
    first = client.get(reverse("dossiers:list"))
    cursor = first.context["next_cursor"]
    assert len(first.context["dossiers"]) == 20 and cursor
    second = client.get(reverse("dossiers:list"), {"sau": cursor})
    codes = {d.code for d in first.context["dossiers"]} | {d.code for d in second.context["dossiers"]}
    assert len(codes) == 26
    assert not second.context["next_cursor"]


def test_it_shows_the_detail_with_timeline_and_documents(dossier: Dossier) -> None:
    client = signed_in(dossier.applicant)
    html = client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).content.decode()
    assert "Mới đăng ký" in html
    document = dossier.documents.get()
    url = reverse("dossiers:document", kwargs={"code": dossier.code, "pk": document.pk})
    assert url in html
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]


def test_it_hides_another_persons_dossier(dossier: Dossier) -> None:
    stranger = signed_in(PersonFactory())
    code = dossier.code
    document = dossier.documents.get()
    for url in (
        reverse("dossiers:detail", kwargs={"code": code}),
        reverse("dossiers:receipt", kwargs={"code": code}),
        reverse("dossiers:submitted", kwargs={"code": code}),
        reverse("dossiers:document", kwargs={"code": code, "pk": document.pk}),
    ):
        assert stranger.get(url).status_code == 404
    assert stranger.post(reverse("dossiers:withdraw", kwargs={"code": code})).status_code == 404
    assert code not in stranger.get(reverse("dossiers:list")).content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW


def test_it_hides_a_document_of_another_dossier(dossier: Dossier) -> None:
    other = submit(procedure=dossier.procedure, key="key-other-01")
    client = signed_in(dossier.applicant)
    url = reverse("dossiers:document", kwargs={"code": dossier.code, "pk": other.documents.get().pk})
    assert client.get(url).status_code == 404


def test_it_shows_business_dossiers_to_every_representative_acting_for_it() -> None:
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation)
    dossier = submit(applicant=membership.person, organisation=membership.organisation)
    client = signed_in(colleague.person)
    assert client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).status_code == 404
    session = client.session
    session["acting_org"] = {"id": membership.organisation.pk, "name": membership.organisation.name}
    session.save()
    assert client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).status_code == 200


def test_it_serves_the_receipt_pdf_to_the_applicant(dossier: Dossier) -> None:
    response = signed_in(dossier.applicant).get(reverse("dossiers:receipt", kwargs={"code": dossier.code}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"/Subtype /Image" in response.content  # the lookup QR code
    assert b"DejaVu" in response.content  # a font that has the Vietnamese letters
    assert response["Cache-Control"] == "private, no-store"


def test_it_withdraws_from_the_detail_page_and_refuses_when_not_allowed(dossier: Dossier) -> None:
    client = signed_in(dossier.applicant)
    url = reverse("dossiers:withdraw", kwargs={"code": dossier.code})
    client.post(url, {"reason": "Nộp nhầm"})
    assert Dossier.objects.get(pk=dossier.pk).status == Status.WITHDRAWN
    response = client.post(url, follow=True)
    assert "không thể rút" in response.content.decode()


def test_it_answers_a_supplement_request_from_the_detail_page(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.SUPPLEMENT_REQUESTED)
    client = signed_in(dossier.applicant)
    detail = client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).content.decode()
    assert "Gửi bổ sung" in detail
    upload = SimpleUploadedFile("bo sung.pdf", PDF)
    client.post(
        reverse("dossiers:supplement", kwargs={"code": dossier.code}), {"files": [upload], "note": "Đã bổ sung"}
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert dossier.documents.count() == 2


def test_it_looks_up_a_dossier_by_code_and_phone_digits_without_personal_data(dossier: Dossier) -> None:
    response = Client().post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "4321"})
    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.procedure.name in html and "Mới đăng ký" in html
    for personal in ("Nguyễn Văn An", "001099012345", "0987654321", "an@example.vn"):
        assert personal not in html


@pytest.mark.parametrize(("code", "digits"), [("wrong", "4321"), (None, "0000"), (None, "43a1"), (None, "")])
def test_it_gives_one_generic_message_on_a_wrong_lookup(dossier: Dossier, code: str | None, digits: str) -> None:
    response = Client().post(reverse("dossiers:lookup"), {"code": code or dossier.code, "phone_digits": digits})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại đã nhập." in html
    assert dossier.procedure.name not in html


@override_settings(DOSSIER_LOOKUP_RATE=3)
@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC))  # early in a limit window: never crosses one
def test_it_rate_limits_the_lookup(dossier: Dossier) -> None:
    client = Client()
    for _ in range(3):
        client.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "0000"})
    response = client.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "4321"})
    assert response.status_code == 429
    assert dossier.procedure.name not in response.content.decode()


def test_it_shows_lookup_and_online_submission_in_the_menu(client: Client) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert "TRA CỨU HỒ SƠ" in html and "NỘP QUA MẠNG" in html


def test_it_prefills_the_lookup_code_from_the_receipt_qr(dossier: Dossier) -> None:
    html = Client().get(reverse("dossiers:lookup"), {"ma": dossier.code}).content.decode()
    assert f'value="{dossier.code}"' in html


def test_it_puts_the_lookup_address_in_the_receipt_qr(dossier: Dossier) -> None:
    from province.dossiers.receipt import lookup_url, mask_id

    assert lookup_url(dossier).endswith(f"/tra-cuu-ho-so/?ma={dossier.code}")
    assert mask_id("001099012345") == "00109****345"
