"""Sessions of the simulated VNeID phone app (kept apart from the browser's SSO session)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppSession(models.Model):
    """One signed-in app: the bearer token is random and only its SHA-256 is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_sessions")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "phiên ứng dụng VNeID"
        verbose_name_plural = "phiên ứng dụng VNeID"

    def __str__(self) -> str:
        return f"AppSession {self.pk} ({self.account_id})"
