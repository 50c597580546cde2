"""Dossiers and what hangs off them.

Glossary: hồ sơ = dossier; mã hồ sơ = dossier code; cơ quan tiếp nhận = receiving agency;
giấy tờ = document; hình thức nhận kết quả = how the result is delivered; ngày làm bù =
compensating working day; giấy tiếp nhận hồ sơ và hẹn trả kết quả = receipt (form 01).

Writes go through ``services``; models only hold data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from province.catalogue.models import private_storage


class CalendarDay(models.Model):
    """An administrator's override of the official calendar for one day."""

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Ngày nghỉ")
        WORKING_DAY = "work", _("Ngày làm việc (làm bù)")

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ("-day",)

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"


class Status(models.IntegerChoices):
    """Status codes as exchanged with the national portal."""

    NEW = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    NOT_ACCEPTED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DONE = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


class Delivery(models.TextChoices):
    AT_AGENCY = "agency", _("Nhận tại cơ quan")
    POST = "post", _("Bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class AgencyDayCounter(models.Model):
    """The last dossier number given by an agency on a day (codes restart at 0001 daily)."""

    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossiers_counter_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        "catalogue.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    form_version = models.ForeignKey(
        "catalogue.ProcedureFormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nộp"), on_delete=models.PROTECT, related_name="dossiers"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    agency = models.ForeignKey(
        "catalogue.Agency", verbose_name=_("cơ quan tiếp nhận"), on_delete=models.PROTECT, related_name="dossiers"
    )
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices, default=Status.NEW)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices, default=Channel.ONLINE)
    form_data = models.JSONField(_("dữ liệu biểu mẫu"), default=dict, blank=True)
    # What the applicant's identity said at submission time (name, id number…) and the
    # contact details they gave: the dossier keeps them even if the account changes later.
    applicant_info = models.JSONField(default=dict, blank=True)
    delivery = models.CharField(_("hình thức nhận kết quả"), max_length=10, choices=Delivery.choices)
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"))
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    # HMAC of the code and the last four digits of the applicant's phone: the second factor
    # of the public lookup, without keeping the digits themselves here.
    lookup_secret = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["applicant", "idempotency_key"], name="dossiers_idempotency"),
        ]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at", "-id"], name="dossiers_applicant_time"),
            models.Index(fields=["organisation", "-submitted_at", "-id"], name="dossiers_org_time"),
        ]

    def __str__(self) -> str:
        return self.code


def _dossier_upload_to(instance: DossierDocument, filename: str) -> str:
    # The stored name is random: the cleaned original name is kept in a column.
    return f"dossiers/{instance.dossier.submitted_at:%Y/%m}/{uuid.uuid4().hex}"


class DossierDocument(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    procedure_document = models.ForeignKey(
        "catalogue.ProcedureDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(storage=private_storage, upload_to=_dossier_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Set when the applicant picked the file from their data store (a copy is kept here,
    # so deleting it from the store never breaks a dossier).
    source_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    is_result = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ của hồ sơ")
        verbose_name_plural = _("giấy tờ của hồ sơ")
        ordering = ("id",)

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One step of the dossier's timeline (shown to the applicant and in the public lookup)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.from_status}→{self.to_status}"


class Notification(models.Model):
    """Outbox: written in the transaction of the change, sent after commit, retried by
    ``python -m province send_notifications`` until sent, so nothing acknowledged is lost."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Không gửi được")

    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.channel} {self.state}"


class Draft(models.Model):
    """A submission in progress ("hồ sơ nháp"), kept on the server so it can be resumed.
    Looked up by ``public_id`` *and* the applicant: another person's draft is a 404."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey("catalogue.Procedure", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("catalogue.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact = models.JSONField(default=dict, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    delivery = models.JSONField(default=dict, blank=True)
    dossier = models.OneToOneField(Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        indexes = [models.Index(fields=["applicant", "-updated_at"], name="dossiers_draft_applicant")]

    def __str__(self) -> str:
        return str(self.public_id)


def _draft_upload_to(instance: DraftFile, filename: str) -> str:
    return f"drafts/{instance.draft.public_id.hex}/{uuid.uuid4().hex}"


class DraftFile(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    procedure_document = models.ForeignKey(
        "catalogue.ProcedureDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(storage=private_storage, upload_to=_draft_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    source_document_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.original_name
