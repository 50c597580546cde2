"""Reads of the SMS outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import Message

OUTBOX_JSON_LIMIT = 100


def outbox(*, to: str | None = None) -> QuerySet[Message]:
    """Messages newest first, only those to ``to`` (already normalised) when given."""
    messages = Message.objects.order_by("-sent_at", "-id")
    if to:
        messages = messages.filter(to=to)
    return messages


def message_record(message: Message) -> dict[str, Any]:
    return {
        "to": message.to,
        "body": message.body,
        "sender": message.sender,
        "sent_at": timezone.localtime(message.sent_at).isoformat(),
    }
