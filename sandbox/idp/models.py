"""Accounts of the national SSO, OIDC clients, one-time codes, throttles, SSO sessions.

Glossary: TechID (the national portal's stable account id, "Techid DVCQG"); LoaiTaiKhoan
(1 individual, 2 business, 3 organisation); mức định danh (identification level 1 or 2).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication, AbstractGrant

from sandbox.population.models import Business, Resident


class AccountKind(models.TextChoices):
    VNEID = "vneid", _("Tài khoản Định danh điện tử cấp bởi Bộ Công an")
    PORTAL = "portal", _("Tài khoản cấp bởi Cổng Dịch vụ công quốc gia")


class AccountType(models.IntegerChoices):
    INDIVIDUAL = 1, "Công dân"
    BUSINESS = 2, "Doanh nghiệp"
    ORGANISATION = 3, "Tổ chức"


class AccountManager(BaseUserManager["Account"]):
    def create_user(self, username: str, password: str | None = None, **extra: Any) -> Account:
        account = self.model(username=username, **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> Account:
        extra.setdefault("is_staff", True)
        return self.create_user(username, password, **extra)


def _tech_id() -> str:
    return uuid.uuid4().hex


class Account(AbstractBaseUser):
    """An account that signs in at the national SSO.

    ``kind=vneid``: a VNeID account; ``username`` is the số định danh and the identity data
    come from the linked ``resident``. ``kind=portal``: a legacy national-portal account;
    ``username`` is the CMND/CCCD (or the tax code for a business) and the identity data
    are what was registered, until the account is matched to the registry.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tech_id = models.CharField("TechID", max_length=32, unique=True, default=_tech_id)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    username = models.CharField("tên đăng nhập", max_length=14, unique=True)
    account_type = models.PositiveSmallIntegerField(choices=AccountType.choices, default=AccountType.INDIVIDUAL)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts")
    level = models.PositiveSmallIntegerField("mức định danh", default=2)
    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    gender = models.CharField("giới tính", max_length=3, blank=True)
    id_number = models.CharField("số định danh", max_length=12, blank=True)
    cmnd = models.CharField("số CMND", max_length=9, blank=True)
    phone = models.CharField("số điện thoại", max_length=15)
    email = models.EmailField("thư điện tử", blank=True)
    app_passcode = models.CharField("mật mã ứng dụng (băm)", max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(kind="vneid"),
                name="one_vneid_account_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username}"


class Client(AbstractApplication):
    """An OIDC relying party, with the back-channel logout URI that DOT does not model."""

    backchannel_logout_uri = models.URLField(blank=True)

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"


class Grant(AbstractGrant):
    """An authorization code, remembering the SSO session it was issued in (for ``sid``)."""

    sid = models.CharField(max_length=43, blank=True)

    class Meta(AbstractGrant.Meta):
        swappable = "OAUTH2_PROVIDER_GRANT_MODEL"


class OtpPurpose(models.TextChoices):
    VNEID_LOGIN = "vneid_login", "Đăng nhập VNeID"
    PORTAL_LOGIN = "portal_login", "Đăng nhập tài khoản Cổng DVCQG"
    REGISTER = "register", "Đăng ký tài khoản"
    RESET = "reset", "Quên mật khẩu"


class OtpChallenge(models.Model):
    """One login attempt's one-time code, bound to the browser session that started it.

    The code is stored as an HMAC (never in clear). A resend replaces the code but keeps
    ``failures``, so that sending a new code never resets the failure count.
    """

    id = models.CharField(primary_key=True, max_length=43)
    purpose = models.CharField(max_length=20, choices=OtpPurpose.choices)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True)
    identity = models.CharField(max_length=40, db_index=True)
    phone = models.CharField(max_length=15)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    voided = models.BooleanField(default=False)
    payload = models.JSONField(default=dict, blank=True)


class OtpSend(models.Model):
    """One code sent to an identity; the resend cap counts these over a window."""

    identity = models.CharField(max_length=40, db_index=True)
    sent_at = models.DateTimeField(db_index=True)


class Throttle(models.Model):
    """Failed sign-in attempts of one identity and its temporary lock (growing delays)."""

    key = models.CharField(max_length=60, unique=True)
    failures = models.PositiveIntegerField(default=0)
    lock_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class LoginMethod(models.TextChoices):
    VNEID_PASSWORD = "vneid_password", "VNeID: số định danh + mật khẩu + OTP"
    VNEID_QR = "vneid_qr", "VNeID: quét mã QR"
    PORTAL_PASSWORD = "portal_password", "Tài khoản Cổng DVCQG + OTP"


class SsoSession(models.Model):
    """A signed-in session at the SSO; ``sid`` goes into ID and logout tokens."""

    sid = models.CharField(primary_key=True, max_length=43)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sso_sessions")
    method = models.CharField(max_length=20, choices=LoginMethod.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    clients = models.ManyToManyField(Client, blank=True, related_name="sso_sessions")


class QrStatus(models.TextChoices):
    PENDING = "pending", "Chờ quét"
    SCANNED = "scanned", "Đã quét, chờ xác nhận"
    APPROVED = "approved", "Đã đồng ý"
    REFUSED = "refused", "Đã từ chối"
    USED = "used", "Đã dùng"


class QrLogin(models.Model):
    """A login QR shown in one browser and approved from the VNeID app.

    ``browser_key_hash`` binds it to the browser that displayed it: only that browser can
    complete the login once approved. ``match_code`` is shown on both screens and must be
    entered in the app, so a blind approval is impossible.
    """

    id = models.CharField(primary_key=True, max_length=43)
    browser_key_hash = models.CharField(max_length=64)
    match_code = models.CharField(max_length=2)
    status = models.CharField(max_length=10, choices=QrStatus.choices, default=QrStatus.PENDING)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    service_name = models.CharField(max_length=200)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True)


class AuditEvent(models.Model):
    """What happened at the SSO: sign-ins, failures, locks, logouts (never codes or passwords)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=40)
    identity = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
