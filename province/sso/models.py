"""Portal sessions opened through the national SSO, for back-channel logout."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoSession(models.Model):
    """Maps the provider's session id (``sid``) to the portal session it opened.

    The provider's back-channel logout names a ``sid`` (and/or ``sub``); this table is how
    we find and end every portal session that carries it.
    """

    class Purpose(models.TextChoices):
        PORTAL = "portal", "portal"
        BACKOFFICE = "backoffice", "backoffice"

    issuer = models.CharField(max_length=300)
    sid = models.CharField(max_length=255, db_index=True, blank=True)
    subject = models.CharField(max_length=255)
    # follows the session through every key rotation (``sso.services.cycle_session_key``)
    session_key = models.CharField(max_length=64, db_index=True)
    # a citizen session and an officer session may share one browser session
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.PORTAL)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["issuer", "subject"], name="sso_session_subject")]
        constraints = [models.UniqueConstraint(fields=["session_key", "purpose"], name="sso_session_key_purpose")]

    def __str__(self) -> str:
        return f"{self.sid} → {self.session_key}"
