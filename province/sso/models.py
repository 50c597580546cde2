"""Portal sessions opened through the national SSO, for back-channel logout."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoSession(models.Model):
    """Maps the provider's session id (``sid``) to the portal session it opened.

    The provider's back-channel logout names a ``sid`` (and/or ``sub``); this table is how
    we find and end every portal session that carries it.
    """

    issuer = models.CharField(max_length=300)
    sid = models.CharField(max_length=255, db_index=True, blank=True)
    subject = models.CharField(max_length=255)
    session_key = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["issuer", "subject"], name="sso_session_subject")]

    def __str__(self) -> str:
        return f"{self.sid} → {self.session_key}"
