"""People and businesses known to the provincial system.

Glossary: số định danh cá nhân (12-digit personal id, printed on the CCCD card); CMND
(legacy 9-digit identity card); Techid DVCQG (the national portal's account id);
LoaiTaiKhoan (account kind: 1 individual, 2 business, 3 organisation).

**User model choice.** ``Person`` *is* the Django user model (``AUTH_USER_MODEL``), built
on ``AbstractBaseUser``: one row per human, whatever number of national accounts (issuer,
subject pairs) point at it. A separate ``auth.User`` with a one-to-one Person would give
two rows to keep in step for every sign-in and a second place where a name lives. Nobody
signs in with a password here (the national SSO authenticates), so the password column
stays unusable; ``USERNAME_FIELD`` is a random ``public_id`` because a person may arrive
without a số định danh (legacy CMND-only accounts). Officers of the future back office
will be a role/account attached to a Person, hence ``PermissionsMixin``.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "Nam", _("Nam")
    FEMALE = "Nữ", _("Nữ")


class AccountKind(models.IntegerChoices):
    """LoaiTaiKhoan as the national SSO sends it."""

    INDIVIDUAL = 1, _("Tài khoản công dân")
    BUSINESS = 2, _("Tài khoản doanh nghiệp")
    ORGANISATION = 3, _("Tài khoản tổ chức")


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, **fields: Any) -> Person:
        person = self.model(**fields)
        person.set_unusable_password()
        person.save(using=self._db)
        return person


class Person(AbstractBaseUser, PermissionsMixin):
    """One human. Identity-asserted fields come from the SSO claims and are refreshed at
    every sign-in; the contact fields below them are the person's own to edit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # identity-asserted (not user-editable)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices, blank=True)
    # NULL (not "") when unknown, so that the unique index ignores people without one
    id_number = models.CharField(  # noqa: DJ001
        _("số định danh cá nhân"), max_length=12, null=True, unique=True
    )
    cmnd = models.CharField(_("số CMND"), max_length=9, null=True, unique=True)  # noqa: DJ001
    id_issued_on = models.DateField(_("ngày cấp CMND/CCCD"), null=True, blank=True)
    id_issued_by = models.CharField(_("nơi cấp CMND/CCCD"), max_length=200, blank=True)
    phone = models.CharField(_("di động"), max_length=20, blank=True)
    identity_email = models.EmailField(_("thư điện tử đăng ký định danh"), blank=True)
    permanent_address = models.CharField(_("nơi thường trú"), max_length=500, blank=True)
    current_address = models.CharField(_("nơi ở hiện nay"), max_length=500, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=500, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=100, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=100, blank=True)
    identification_level = models.PositiveSmallIntegerField(_("mức định danh"), default=0)
    verified = models.BooleanField(_("đã xác thực"), default=False)
    # the person's own (user-editable)
    email = models.EmailField(_("email"), blank=True)
    notify_phone = models.CharField(_("số điện thoại nhận thông báo"), max_length=20, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    correspondence_address = models.CharField(_("địa chỉ liên hệ"), max_length=500, blank=True)
    # the person's choice of how to hear about their dossiers
    notify_sms = models.BooleanField(_("Nhận thông báo hồ sơ qua SMS"), default=True)
    notify_email = models.BooleanField(_("Nhận thông báo hồ sơ qua email"), default=True)

    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "public_id"

    @property
    def is_staff(self) -> bool:
        """The Django admin (catalogue, news) opens to superusers only; there is no separate
        staff flag, because officers work in the back office (/motcua/), not in the admin."""
        return bool(self.is_superuser)

    REQUIRED_FIELDS: ClassVar[list[str]] = []
    IDENTITY_FIELDS: ClassVar[tuple[str, ...]] = (
        "full_name",
        "birth_date",
        "gender",
        "id_number",
        "cmnd",
        "id_issued_on",
        "id_issued_by",
        "phone",
        "identity_email",
        "permanent_address",
        "current_address",
        "hometown",
        "nationality",
        "ethnicity",
        "identification_level",
        "verified",
    )
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "email",
        "notify_phone",
        "fax",
        "website",
        "correspondence_address",
        "notify_sms",
        "notify_email",
    )

    objects = PersonManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or str(self.public_id)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class Organisation(models.Model):
    """A business (LoaiTaiKhoan 2) or organisation (3) account, keyed by MaSoDoanhNghiep."""

    business_code = models.CharField(_("mã số doanh nghiệp"), max_length=20, unique=True)
    name = models.CharField(_("tên doanh nghiệp"), max_length=300)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    kind = models.PositiveSmallIntegerField(choices=AccountKind.choices, default=AccountKind.BUSINESS)
    members = models.ManyToManyField(Person, through="Membership", related_name="organisations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("doanh nghiệp, tổ chức")
        verbose_name_plural = _("doanh nghiệp, tổ chức")

    def __str__(self) -> str:
        return f"{self.name} ({self.business_code})"


class Membership(models.Model):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Người đại diện")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REPRESENTATIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation}"


class ExternalIdentity(models.Model):
    """A national account as the SSO names it: (issuer, subject) → Person.

    ``TechID`` and ``SoDinhDanh`` are attributes, never the key (OWASP ASVS 6.8.1).
    """

    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="identities"
    )
    tech_id = models.CharField(_("Techid DVCQG"), max_length=255, blank=True)
    account_kind = models.PositiveSmallIntegerField(choices=AccountKind.choices, default=AccountKind.INDIVIDUAL)
    claims = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_issuer_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer}#{self.subject}"


class LoginEvent(models.Model):
    """One sign-in attempt, shown to its owner in "Nhật ký đăng nhập"."""

    class Method(models.TextChoices):
        NATIONAL_SSO = "national_sso", _("Tài khoản định danh điện tử (VNeID / DVCQG)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="login_events")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=30, choices=Method.choices, default=Method.NATIONAL_SSO)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    success = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "-created_at", "-id"], name="login_person_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.person_id} {self.success}"


class AuditLog(models.Model):
    """Who changed what: written by the service that makes the change, in its transaction."""

    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    acting_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
