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
    # The back-office side (see workflow.py): the unit and officer that hold the dossier
    # now, the optimistic version a form posts back, the supplement pause and the leader's
    # approval step. ``due_at`` is provisional (counted from submission) until reception.
    unit = models.ForeignKey(
        "backoffice.Unit",
        verbose_name=_("đơn vị đang giữ hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    officer = models.ForeignKey(
        "backoffice.OfficerAccount",
        verbose_name=_("cán bộ xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    version = models.PositiveIntegerField(default=1)
    awaiting_approval = models.BooleanField(_("chờ phê duyệt"), default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_from = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    supplement_due = models.DateField(_("hạn bổ sung"), null=True, blank=True)
    payment_amount = models.PositiveBigIntegerField(_("số tiền nghĩa vụ tài chính"), null=True, blank=True)
    due_warned_at = models.DateTimeField(null=True, blank=True)
    overdue_marked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
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
            # the officer queues: one unit, a few statuses, by due date (keyset on due_at, id)
            models.Index(fields=["unit", "status", "due_at", "id"], name="dossiers_unit_queue"),
            models.Index(
                fields=["unit", "due_at", "id"],
                name="dossiers_unit_running",
                condition=models.Q(status__in=[2, 4, 6]),
            ),
            models.Index(
                fields=["unit", "finished_at", "id"],
                name="dossiers_unit_returned",
                condition=models.Q(status=10),
            ),
            models.Index(fields=["status", "due_at"], name="dossiers_status_due"),
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
    # a result document's "số ký hiệu", signer and signing date
    reference_number = models.CharField(_("số ký hiệu"), max_length=100, blank=True)
    signed_by = models.CharField(_("người ký"), max_length=200, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
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
    # "what happened" (``event:<DossierEvent id>``, ``extension:<id>``…): with the channel it
    # is unique, so one event is never queued, hence never sent, twice on one channel
    event_key = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_key", "channel"], name="dossiers_notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.state}"


class Handoff(models.Model):
    """One step of the processing, by one officer or unit (form 06, "Phiếu kiểm soát quá trình
    giải quyết", is these rows): opened when the dossier is handed over, closed when it is
    handed on."""

    class Verdict(models.TextChoices):
        EARLY = "early", _("Trước hạn")
        ON_TIME = "on_time", _("Đúng hạn")
        LATE = "late", _("Quá hạn")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handoffs")
    step = models.ForeignKey(
        "catalogue.ProcessingStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step_name = models.CharField(_("bước xử lý"), max_length=200)
    unit = models.ForeignKey("backoffice.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        "backoffice.OfficerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_by = models.ForeignKey(
        "backoffice.OfficerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("thời điểm nhận"))
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    done_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("received_at", "id")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.step_name}"

    def verdict(self) -> str:
        """Trước hạn / Đúng hạn / Quá hạn: late when finished (or, while open, now) past the
        step's due time; on time when finished on the due day; early before that day."""
        if self.due_at is None or self.done_at is None:
            return ""
        from .calendar import LOCAL_TZ

        if self.done_at > self.due_at:
            return self.Verdict.LATE
        if self.done_at.astimezone(LOCAL_TZ).date() == self.due_at.astimezone(LOCAL_TZ).date():
            return self.Verdict.ON_TIME
        return self.Verdict.EARLY

    def verdict_label(self) -> str:
        verdict = self.verdict()
        return str(self.Verdict(verdict).label) if verdict else ""


class Extension(models.Model):
    """Form 04, "Văn bản xin lỗi và đề nghị gia hạn": the reason and the new date, sent to the
    applicant and shown on their dossier page."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="extensions")
    officer = models.ForeignKey("backoffice.OfficerAccount", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("lý do"))
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(_("ngày hẹn trả mới"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.new_due_at}"


class OfficerAlert(models.Model):
    """An in-app warning for an officer ("sắp đến hạn", "quá hạn"), once per dossier and kind."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Sắp đến hạn")
        OVERDUE = "overdue", _("Quá hạn")

    account = models.ForeignKey("backoffice.OfficerAccount", on_delete=models.CASCADE, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "dossier", "kind"], name="dossiers_alert_once"),
        ]
        indexes = [models.Index(fields=["account", "read_at", "-created_at"], name="dossiers_alert_account")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.dossier_id} {self.kind}"


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
