from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from province.accounts.models import AuditLog
from province.dossiers import services
from province.dossiers.calendar import LOCAL_TZ
from province.dossiers.files import FileRejected, check_content, check_upload
from province.dossiers.models import Dossier, DossierEvent, Notification, Status
from province.notify.sms import LocmemBackend
from tests.province.catalogue.factories import AgencyFactory
from tests.province.factories import MembershipFactory, OrganisationFactory, PersonFactory

from .factories import EXE, JPEG, PDF, PNG, office_file, submit, submittable_procedure

pytestmark = pytest.mark.django_db(transaction=False)

MONDAY_9 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)


@time_machine.travel(MONDAY_9, tick=False)
def test_it_submits_a_dossier_with_code_status_due_date_and_event(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit()
    assert dossier.code == "000.00.06.H33-260302-0001"
    assert dossier.status == Status.NEW
    assert dossier.channel == 2
    assert dossier.due_at == dt.datetime(2026, 3, 5, 9, 0, tzinfo=LOCAL_TZ)
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn An"
    assert dossier.form_data["ngay_sinh"] == "2024-01-15"
    assert dossier.form_version is not None
    assert [e.to_status for e in DossierEvent.objects.filter(dossier=dossier)] == [Status.NEW]
    assert AuditLog.objects.filter(action="dossier_submit", object_id=str(dossier.pk)).exists()
    document = dossier.documents.get()
    assert document.content_type == "application/pdf"
    assert document.original_name == "to khai.pdf"
    assert document.file.read() == PDF
    assert [m.to for m in LocmemBackend.outbox] == ["0912345678"]
    assert dossier.code in LocmemBackend.outbox[0].body
    assert Notification.objects.get(dossier=dossier, channel="sms").state == "sent"


@time_machine.travel(MONDAY_9, tick=False)
def test_it_numbers_dossiers_per_agency_and_day() -> None:
    procedure = submittable_procedure()
    other = submittable_procedure(agency=AgencyFactory(code="000.00.07.H33"))
    first = submit(procedure=procedure, key="key-00000001")
    second = submit(procedure=procedure, key="key-00000002")
    third = submit(procedure=other, key="key-00000003")
    assert [first.code, second.code, third.code] == [
        "000.00.06.H33-260302-0001",
        "000.00.06.H33-260302-0002",
        "000.00.07.H33-260302-0001",
    ]
    with time_machine.travel(MONDAY_9 + dt.timedelta(days=1), tick=False):
        assert submit(procedure=procedure, key="key-00000004").code == "000.00.06.H33-260303-0001"


@time_machine.travel(MONDAY_9, tick=False)
def test_it_returns_the_same_dossier_for_the_same_idempotency_key() -> None:
    person = PersonFactory()
    procedure = submittable_procedure()
    first = submit(applicant=person, procedure=procedure, key="double-click-1")
    again = submit(applicant=person, procedure=procedure, key="double-click-1")
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1
    # another person with the same key gets their own dossier
    assert submit(procedure=procedure, key="double-click-1").pk != first.pk


def test_it_refuses_a_missing_required_document() -> None:
    with pytest.raises(services.DossierInvalid) as error:
        submit(documents=[])
    assert any("Thiếu giấy tờ bắt buộc" in m for ms in error.value.errors.values() for m in ms)
    assert Dossier.objects.count() == 0


def test_it_refuses_eform_errors() -> None:
    with pytest.raises(services.DossierInvalid) as error:
        submit(form_data={"ho_ten": "An 2", "gioi_tinh": "x"})
    assert set(error.value.errors) >= {"ho_ten", "ngay_sinh", "gioi_tinh", "cam_doan"}
    assert Dossier.objects.count() == 0


def test_it_requires_an_address_for_postal_delivery() -> None:
    with pytest.raises(services.DossierInvalid) as error:
        submit(delivery=services.DeliveryInput(method="post", address=" "))
    assert "delivery_address" in error.value.errors


def test_it_refuses_an_organisation_the_applicant_does_not_represent() -> None:
    with pytest.raises(PermissionError):
        submit(organisation=OrganisationFactory())


def test_it_submits_for_a_represented_business() -> None:
    membership = MembershipFactory()
    dossier = submit(applicant=membership.person, organisation=membership.organisation)
    assert dossier.organisation == membership.organisation
    assert dossier.applicant_info["organisation"]["business_code"] == membership.organisation.business_code


def test_it_keeps_a_lookup_digest_not_the_phone_digits() -> None:
    dossier = submit(contact=services.Contact(phone="0987 654 321"))
    assert "4321" not in dossier.lookup_secret
    assert dossier.lookup_secret == services.lookup_digest(dossier.code, "4321")


def test_it_keeps_the_notification_pending_when_sending_fails(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    failing = override_settings(
        PROVINCE_SMS_BACKEND="province.notify.sms.HttpGatewayBackend", PROVINCE_SMS_GATEWAY_URL=""
    )
    with failing, django_capture_on_commit_callbacks(execute=True):
        dossier = submit()
    note = Notification.objects.get(dossier=dossier, channel="sms")
    assert note.state == "pending"
    assert note.attempts == 1
    assert services.notifications_send() == 0  # not before the backoff has passed
    with time_machine.travel(note.next_attempt_at + dt.timedelta(seconds=1)):
        assert services.notifications_send() == 1
    note.refresh_from_db()
    assert note.state == "sent"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (office_file("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (office_file("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_it_detects_allowed_types_by_content(content: bytes, expected: str) -> None:
    assert check_content(content, "x.bin").content_type == expected


def test_it_refuses_an_exe_renamed_pdf() -> None:
    with pytest.raises(FileRejected):
        check_content(EXE, "to khai.pdf")


def test_it_refuses_a_plain_zip() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(FileRejected):
        check_content(buffer.getvalue(), "a.docx")


@override_settings(DOSSIER_MAX_UPLOAD_BYTES=1024)
def test_it_refuses_an_oversize_file() -> None:
    with pytest.raises(FileRejected, match="dung lượng"):
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))


def test_it_cleans_the_file_name() -> None:
    checked = check_content(PDF, "../../etc/Hợp đồng\x00<1>.exe")
    assert checked.name == "Hợp đồng_1_.pdf"


def test_it_withdraws_only_in_allowed_statuses() -> None:
    dossier = submit()
    for status in (Status.NEW, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED):
        Dossier.objects.filter(pk=dossier.pk).update(status=status)
        withdrawn = services.dossier_withdraw(dossier=dossier, actor=dossier.applicant, reason="", request_info=None)
        assert withdrawn.status == Status.WITHDRAWN
    for status in (
        Status.NOT_ACCEPTED,
        Status.PAYMENT_REQUESTED,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.DONE,
        Status.RETURNED,
    ):
        Dossier.objects.filter(pk=dossier.pk).update(status=status)
        with pytest.raises(services.TransitionNotAllowed):
            services.dossier_withdraw(dossier=dossier, actor=dossier.applicant, reason="", request_info=None)
        assert Dossier.objects.get(pk=dossier.pk).status == status
    assert DossierEvent.objects.filter(dossier=dossier, to_status=Status.WITHDRAWN).count() == 4


def test_it_answers_a_supplement_request() -> None:
    dossier = submit()
    extra = [services.DocumentInput(file=check_content(PDF, "bo sung.pdf"))]
    with pytest.raises(services.TransitionNotAllowed):
        services.dossier_supplement(
            dossier=dossier, actor=dossier.applicant, documents=extra, note="", request_info=None
        )
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.SUPPLEMENT_REQUESTED)
    with pytest.raises(services.DossierInvalid):
        services.dossier_supplement(dossier=dossier, actor=dossier.applicant, documents=[], note="", request_info=None)
    updated = services.dossier_supplement(
        dossier=dossier, actor=dossier.applicant, documents=extra, note="Đã bổ sung", request_info=None
    )
    assert updated.status == Status.PROCESSING
    assert dossier.documents.count() == 2
    assert DossierEvent.objects.filter(dossier=dossier, from_status=5, to_status=4, note="Đã bổ sung").exists()


def test_it_computes_no_due_date_without_processing_days() -> None:
    procedure = submittable_procedure()
    procedure.processing_days = None
    procedure.save()
    assert submit(procedure=procedure).due_at is None


def test_it_retries_pending_notifications_from_the_command() -> None:
    from django.core.management import call_command

    dossier = submit()  # on_commit never runs inside the test transaction: the notice stays pending
    assert Notification.objects.get(dossier=dossier, channel="sms").state == "pending"
    call_command("send_notifications", stdout=io.StringIO())
    assert Notification.objects.get(dossier=dossier, channel="sms").state == "sent"
    assert [m.to for m in LocmemBackend.outbox] == [dossier.applicant_info["phone"]]
