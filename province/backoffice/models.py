"""Officer accounts, units and the officer's profile.

Glossary: đơn vị (unit), phòng ban (department), chức vụ (position), cán bộ tiếp nhận
(receiving officer), chuyên viên xử lý (processing officer), lãnh đạo phê duyệt
(approving leader), quản trị (administrator), tạm đình chỉ (suspended), chuẩn hóa
(standardise: fill in the required profile fields, above all the số CCCD).

One human is one ``Person`` (the auth user model); that person may hold several
``OfficerAccount`` rows in different units/positions. The profile (name, CCCD, phone…)
describes the human, so ``OfficerProfile`` hangs off the Person and is shared by all their
accounts. Its CCCD is what the officer typed: it is validated (structure, consistency with
birth date and gender, unique among officers) but it is not copied into ``Person.id_number``,
which only the national SSO sets, so a typo can never attach a citizen's data to an officer.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from province.accounts.models import Gender, Person


def private_storage() -> FileSystemStorage:
    """Officers' images: outside STATIC/MEDIA URLs, served only by an authorising view."""
    return FileSystemStorage(location=settings.PROVINCE_PRIVATE_MEDIA_DIR, base_url=None)


def _random_name(folder: str, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{secrets.token_hex(16)}.{ext}"


def avatar_upload_to(instance: Any, filename: str) -> str:
    return _random_name("avatars", filename)


def signature_upload_to(instance: Any, filename: str) -> str:
    return _random_name("signatures", filename)


class Unit(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "co_quan", _("Cơ quan")
        DEPARTMENT = "phong_ban", _("Phòng ban")
        COMMUNE = "ubnd_xa", _("UBND xã, phường")
        CENTRE = "trung_tam", _("Trung tâm")

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=300)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    # the catalogue's agency whose dossiers this unit receives (one unit per agency)
    agency = models.OneToOneField(
        "catalogue.Agency",
        verbose_name=_("cơ quan tiếp nhận hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backoffice_unit",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    RECEIVING = "tiep_nhan", _("Cán bộ tiếp nhận")
    PROCESSING = "xu_ly", _("Chuyên viên xử lý")
    APPROVING = "lanh_dao", _("Lãnh đạo phê duyệt")
    ADMIN = "quan_tri", _("Quản trị")


class DefaultPage(models.TextChoices):
    HOME = "home", _("Trang chủ làm việc")
    PROFILE = "profile", _("Trang cá nhân")
    LOGIN_LOG = "login_log", _("Nhật ký đăng nhập cá nhân")


class OfficerAccount(models.Model):
    """An account issued to an officer in one unit and position (Argon2id password)."""

    username = models.CharField(_("tên đăng nhập"), max_length=60, unique=True)
    password = models.CharField(max_length=200)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="officer_accounts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="accounts")
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.RECEIVING)
    is_unit_representative = models.BooleanField(_("đại diện phòng có số riêng/đơn vị"), default=False)
    is_department_representative = models.BooleanField(_("đại diện phòng ban"), default=False)
    suspended = models.BooleanField(_("tạm đình chỉ"), default=False)
    suspended_reason = models.CharField(_("lý do tạm đình chỉ"), max_length=300, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    default_page = models.CharField(
        _("trang mặc định"), max_length=20, choices=DefaultPage.choices, default=DefaultPage.HOME
    )
    # e-receipt/e-invoice system credentials ("tài khoản/mật khẩu liên kết biên lai/hóa đơn");
    # the password is Fernet-encrypted (province/backoffice/crypto.py) and never shown back.
    receipt_username = models.CharField(_("tài khoản liên kết biên lai/hóa đơn"), max_length=100, blank=True)
    receipt_password_encrypted = models.TextField(blank=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tài khoản cán bộ")
        verbose_name_plural = _("tài khoản cán bộ")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "username"], name="officer_unit_username")
        ]

    def __str__(self) -> str:
        return self.username

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


# The fields an officer must fill in to be "standardised" (seeds 000/004: the ones with *).
REQUIRED_PROFILE_FIELDS: tuple[str, ...] = ("full_name", "gender", "birth_date", "id_number", "phone")


class OfficerProfile(models.Model):
    """The officer's own data, per human (seeds 000 and 004)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="officer_profile")
    full_name = models.CharField(_("họ tên"), max_length=200, blank=True)
    card_name = models.CharField(_("họ tên trên thẻ CCCD"), max_length=200, blank=True)
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    avatar = models.FileField(_("ảnh đại diện"), storage=private_storage, upload_to=avatar_upload_to, blank=True)
    # NULL when unknown so that the unique index ignores officers without one
    id_number = models.CharField(_("số CCCD"), max_length=12, null=True, unique=True)  # noqa: DJ001
    id_issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    id_issued_by = models.CharField(_("nơi cấp"), max_length=200, blank=True)
    permanent_address = models.CharField(_("địa chỉ thường trú"), max_length=500, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    signature = models.FileField(_("ảnh chữ ký"), storage=private_storage, upload_to=signature_upload_to, blank=True)
    signing_phone = models.CharField(_("số điện thoại ký số"), max_length=20, blank=True)
    # set when the national SSO confirmed the số CCCD (a VNeID sign-in matched it)
    id_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thông tin cá nhân cán bộ")
        verbose_name_plural = _("thông tin cá nhân cán bộ")

    def __str__(self) -> str:
        return self.full_name

    def missing_fields(self) -> list[str]:
        return [name for name in REQUIRED_PROFILE_FIELDS if not getattr(self, name)]

    @property
    def is_standardised(self) -> bool:
        return not self.missing_fields()


def field_label(name: str) -> str:
    """The Vietnamese label of a profile field (for reports and messages)."""
    field = OfficerProfile._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


class OfficerLoginEvent(models.Model):
    """One officer sign-in, switch or failure ("Nhật ký đăng nhập cá nhân")."""

    class Method(models.TextChoices):
        PASSWORD_OTP = "password_otp", _("Tài khoản được cấp + mã OTP")
        VNEID = "vneid", _("Tài khoản Định danh điện tử (VNeID)")
        SWITCH = "switch", _("Chuyển tài khoản")
        LOGOUT = "logout", _("Đăng xuất")

    account = models.ForeignKey(
        OfficerAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="login_events"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    success = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["account", "-created_at", "-id"], name="officer_login_account_time")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.account_id} {self.success}"


class OtpChallenge(models.Model):
    """A sign-in code sent by SMS, bound to one password-verified attempt."""

    id = models.CharField(primary_key=True, max_length=64)
    account = models.ForeignKey(OfficerAccount, on_delete=models.CASCADE, related_name="+")
    identity = models.CharField(max_length=100, db_index=True)
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    voided = models.BooleanField(default=False)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"otp {self.identity}"


class OtpSend(models.Model):
    """Each code sent, to cap resends per identity over a window."""

    identity = models.CharField(max_length=100)
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["identity", "sent_at"], name="officer_otp_send")]

    def __str__(self) -> str:
        return f"{self.identity} {self.sent_at}"


class Throttle(models.Model):
    """Failures and temporary lock of one identity ("officer:<username>"), known or not."""

    key = models.CharField(max_length=120, unique=True)
    failures = models.PositiveIntegerField(default=0)
    lock_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class Campaign(models.Model):
    """A profile-standardisation drive ("Hoàn thành trước ngày 10/11/2023") for a unit subtree."""

    name = models.CharField(_("tên đợt chuẩn hóa"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="campaigns")
    deadline = models.DateField(_("hoàn thành trước ngày"))
    created_by = models.ForeignKey(OfficerAccount, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt chuẩn hóa thông tin cán bộ")
        verbose_name_plural = _("đợt chuẩn hóa thông tin cán bộ")

    def __str__(self) -> str:
        return self.name
