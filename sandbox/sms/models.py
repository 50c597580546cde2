from __future__ import annotations

from django.db import models


class Message(models.Model):
    """One SMS that went through the sandbox gateway (the phone-inbox outbox)."""

    to = models.CharField(max_length=15, db_index=True)
    body = models.TextField()
    sender = models.CharField(max_length=50, default="VNeID")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A sender's retry of a message whose answer it never got carries the same key (the
    # ``Idempotency-Key`` header): the gateway delivers it once.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        # The inbox and outbox.json read "messages to one phone, newest first".
        indexes = [models.Index(fields=["to", "-sent_at"], name="sms_message_to_sent_idx")]

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:30]}"
