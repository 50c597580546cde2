from __future__ import annotations

from django.db import models


class Message(models.Model):
    """One SMS that went through the sandbox gateway (the phone-inbox outbox)."""

    to = models.CharField(max_length=15, db_index=True)
    body = models.TextField()
    sender = models.CharField(max_length=50, default="VNeID")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:30]}"
