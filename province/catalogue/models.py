"""The procedure catalogue ("Bộ thủ tục hành chính").

Glossary: thủ tục hành chính = administrative procedure; lĩnh vực = field (subject area);
cơ quan thực hiện = agency that handles it; cấp thực hiện = level of government (tỉnh = province,
xã = commune/ward); thành phần hồ sơ = documents of the dossier; mức độ = online level under
Decree 42/2022/NĐ-CP ("toàn trình" fully online, "một phần" partly online).

Writes go through ``services``; models only hold data and field-level validation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

AGENCY_CODE_RE = r"^\d{2,3}(\.\d{2,3})+\.[A-Z]\d{2}$"
PROCEDURE_CODE_RE = r"^\d\.\d{6}$"

# Agency codes (mã định danh cơ quan) as in "000.00.06.H56": dot-separated groups of 2–3
# digits, then the province group, one capital letter and two digits.
agency_code_validator = RegexValidator(
    AGENCY_CODE_RE,
    _("Mã cơ quan phải có dạng 000.00.06.H56 (các nhóm chữ số cách nhau bởi dấu chấm, kết thúc bằng mã như H56)."),
    code="agency_code",
)
procedure_code_validator = RegexValidator(
    PROCEDURE_CODE_RE,
    _("Mã thủ tục phải có dạng 1.001193 (một chữ số, dấu chấm, sáu chữ số)."),
    code="procedure_code",
)


class DurableFileSystemStorage(FileSystemStorage):
    """A local folder whose saves are on disk when ``save`` returns: Django's
    FileSystemStorage only closes the file, so a power cut after the dossier's transaction
    commits could lose a document the applicant was told was received. The file and its
    folder (which holds the new entry) are fsync'ed, and so is the parent of every folder
    this save created."""

    def _save(self, name: str, content: Any) -> str:
        folder = Path(self.path(name)).parent
        created = []
        while not folder.exists():
            created.append(folder)
            folder = folder.parent
        saved: str = super()._save(name, content)  # type: ignore[misc]  # not in django-stubs
        path = Path(self.path(saved))
        for target in (path, path.parent, *(new.parent for new in created)):
            fd = os.open(target, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return saved


def private_storage() -> Storage:
    """Where procedure templates and dossier documents live: the "private" storage when
    configured, else a local folder outside STATIC/MEDIA, durable (fsync'ed). Files are only
    ever served by a view that checks who may see them, never by URL."""
    try:
        return storages["private"]
    except InvalidStorageError:
        root = getattr(settings, "PROVINCE_PRIVATE_MEDIA_DIR", None) or settings.VAR_DIR / "private"
        return DurableFileSystemStorage(location=root, base_url=None)


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CITY = "thanh_pho", _("Thành phố trực thuộc trung ương")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")


class Level(models.TextChoices):
    """Cấp thực hiện: since 1/7/2025 local government has two tiers."""

    PROVINCE = "tinh", _("Cấp tỉnh")
    COMMUNE = "xa", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    """Decree 42/2022/NĐ-CP, Art. 11."""

    FULL = "toan_trinh", _("Toàn trình")
    PARTIAL = "mot_phan", _("Một phần")
    INFORMATION = "thong_tin", _("Cung cấp thông tin")


class AdministrativeUnit(models.Model):
    """A province or commune/ward/special zone, with its official code (vietnam-provinces)."""

    code = models.CharField(_("mã"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        return self.kind in (UnitKind.PROVINCE, UnitKind.CITY)


class Agency(models.Model):
    code = models.CharField(_("mã cơ quan"), max_length=30, unique=True, validators=[agency_code_validator])
    name = models.CharField(_("tên cơ quan"), max_length=300)
    level = models.CharField(_("cấp"), max_length=4, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("cơ quan cấp trên"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ("level", "name")

    def __str__(self) -> str:
        return self.name


class Field(models.Model):
    """Lĩnh vực."""

    code = models.CharField(_("mã lĩnh vực"), max_length=30, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=300)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=12, unique=True, validators=[procedure_code_validator])
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan thực hiện"), related_name="procedures", blank=True
    )
    level = models.CharField(_("cấp thực hiện"), max_length=4, choices=Level.choices)
    online_level = models.CharField(_("mức độ"), max_length=10, choices=OnlineLevel.choices)
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    processing_time_text = models.CharField(_("thời hạn giải quyết (diễn giải)"), max_length=500, blank=True)
    fee_text = models.TextField(_("phí, lệ phí"), blank=True)
    fee_amount = models.PositiveBigIntegerField(_("mức phí, lệ phí (đồng)"), null=True, blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    methods = models.TextField(_("cách thức thực hiện"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # Folded code + name + field name (see text.py); kept by services.procedure_refresh_search_text.
    search_text = models.CharField(max_length=1200, editable=False, default="")
    # Folded field name + name: an order that does not depend on the database's collation
    # (PostgreSQL and SQLite place "Đ" differently).
    sort_key = models.CharField(max_length=900, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ("sort_key", "code")
        indexes = [
            models.Index(fields=["sort_key", "code"], name="catalogue_proc_sort_idx"),
            models.Index(fields=["search_text"], name="catalogue_proc_search_idx"),
            models.Index(fields=["is_active", "level", "online_level"], name="catalogue_proc_filter_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ProcedureDocument(models.Model):
    """Thành phần hồ sơ."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    template = models.FileField(
        _("mẫu đơn, tờ khai"), storage=private_storage, upload_to="catalogue/templates/%Y/", blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.name


class ProcessingStep(models.Model):
    """One step of a procedure's processing with its time budget in working hours (the
    budgets add up to the procedure's ``processing_days``); form 06 judges each hand-off
    against it."""

    class Role(models.TextChoices):
        # the same values as backoffice.Role, which the catalogue does not import
        RECEIVING = "tiep_nhan", _("Cán bộ tiếp nhận")
        PROCESSING = "xu_ly", _("Chuyên viên xử lý")
        APPROVING = "lanh_dao", _("Lãnh đạo phê duyệt")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="processing_steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=200)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ("procedure", "order")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="catalogue_step_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ProcedureFormVersion(models.Model):
    """One published version of a procedure's e-form. Versions are never edited: a dossier
    keeps a reference to the version it was submitted under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="form_versions")
    version = models.PositiveIntegerField(_("phiên bản"))
    schema = models.JSONField(_("cấu trúc biểu mẫu"))
    created_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("phiên bản biểu mẫu điện tử")
        verbose_name_plural = _("phiên bản biểu mẫu điện tử")
        ordering = ("procedure", "-version")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="catalogue_form_version_unique"),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(is_current=True), name="catalogue_form_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"


class CatalogueAudit(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_key = models.CharField(max_length=60)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký bộ thủ tục")
        verbose_name_plural = _("nhật ký bộ thủ tục")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["object_type", "object_key"], name="catalogue_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_key}"


def model_snapshot(instance: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    """JSON-safe values of some fields, for audit rows."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(instance, name)
        out[name] = value if isinstance(value, str | int | bool | type(None)) else str(value)
    return out
