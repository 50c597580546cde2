"""Clients of the integration API and the dossiers they submitted.

An ``ApiClient`` is the province's record of a partner system (a kiosk, the mobile app, the
national portal's synchronisation); its OAuth2 credentials live in django-oauth-toolkit's
``Application`` (client id, secret hashed at rest), which issues and stores the tokens.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


def known_scopes() -> dict[str, str]:
    """Every scope a client may hold (``OAUTH2_PROVIDER["SCOPES"]`` in the settings)."""
    return dict(oauth2_settings.SCOPES)


class ApiClient(models.Model):
    class Kind(models.TextChoices):
        KIOSK = "kiosk", _("Kiosk")
        MOBILE_APP = "mobile_app", _("Ứng dụng di động")
        NATIONAL_PORTAL = "national_portal", _("Cổng Dịch vụ công quốc gia")
        OTHER = "other", _("Hệ thống khác")

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="api_client"
    )
    name = models.CharField(_("tên ứng dụng"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    # The national channel code its dossiers carry: 1 trực tiếp (a kiosk in a one-stop
    # office), 2 trực tuyến (the mobile app).
    channel = models.PositiveSmallIntegerField(_("kênh nộp"))
    scopes = models.CharField(_("phạm vi"), max_length=300)
    # Requests per minute; 0 = the default (API_CLIENT_RATE_PER_MINUTE).
    rate_per_minute = models.PositiveIntegerField(_("số yêu cầu mỗi phút"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ứng dụng tích hợp")
        verbose_name_plural = _("ứng dụng tích hợp")

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class ClientSubmission(models.Model):
    """A dossier submitted through the API: by which client, under which of its
    ``Idempotency-Key``s, and the fingerprint of the request (a key reused with another
    request body is a conflict, not a silent replay)."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="api_submission")
    idempotency_key = models.CharField(max_length=64)
    request_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"], name="api_submission_client_key"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.idempotency_key}"
