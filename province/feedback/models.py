"""Feedback (phản ánh, kiến nghị) about a procedure or an agency, and the phone codes that
verify anonymous senders.

Glossary: phản ánh kiến nghị = feedback and recommendations; trả lời = answer; công khai =
published; người gửi = sender.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _access_token() -> str:
    return secrets.token_urlsafe(24)


def _code() -> str:
    return "PA" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))


class Feedback(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("Chờ trả lời")
        ANSWERED = "answered", _("Đã trả lời")

    code = models.CharField(_("mã phản ánh"), max_length=12, unique=True, default=_code)
    # the anonymous sender's link to their own feedback: unguessable, never listed
    access_token = models.CharField(max_length=40, unique=True, default=_access_token)
    agency = models.ForeignKey(
        "catalogue.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="feedback"
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"), max_length=4000)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi (đã đăng nhập)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sender_name = models.CharField(_("họ tên người gửi"), max_length=200)
    sender_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    publish_consent = models.BooleanField(_("đồng ý công khai"), default=False)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.NEW)
    answer = models.TextField(_("nội dung trả lời"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        "backoffice.OfficerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True)

    class Meta:
        verbose_name = _("phản ánh kiến nghị")
        verbose_name_plural = _("phản ánh kiến nghị")
        indexes = [
            models.Index(fields=["agency", "state", "-created_at"], name="feedback_agency_state"),
            models.Index(fields=["publish_consent", "state", "-answered_at"], name="feedback_public"),
            models.Index(fields=["sender", "-created_at"], name="feedback_sender"),
        ]

    def __str__(self) -> str:
        return self.code


class PhoneChallenge(models.Model):
    """A code sent by SMS to an anonymous sender's phone: HMAC-stored, single use, expiring,
    voided after too many wrong entries (the rules of ``backoffice.otp``)."""

    id = models.CharField(primary_key=True, max_length=64)
    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    voided = models.BooleanField(default=False)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.id[:8]


class PhoneCodeSend(models.Model):
    """One code sent to a phone: the per-phone cap counts these."""

    phone = models.CharField(max_length=20)
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["phone", "sent_at"], name="feedback_code_send")]

    def __str__(self) -> str:
        return f"{self.phone[-3:]} {self.sent_at}"
