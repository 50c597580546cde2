"""The SMS gateway: every message sent lands in the outbox that the inbox page shows."""

from __future__ import annotations

import logging

from django.db import transaction

from .models import Message
from .phones import InvalidPhoneNumber, mask_phone, normalise_phone

__all__ = ["InvalidMessage", "InvalidPhoneNumber", "send_sms"]

logger = logging.getLogger(__name__)

MAX_BODY_LENGTH = 1000  # a long concatenated SMS; anything longer is a caller's bug
MAX_SENDER_LENGTH = 50


class InvalidMessage(ValueError):
    """The body or sender cannot be sent (empty, too long)."""


def send_sms(*, to: str, body: str, sender: str = "VNeID", idempotency_key: str | None = None) -> Message:
    """Deliver ``body`` to the phone ``to`` (any common Vietnamese form) and return it.

    Raises InvalidPhoneNumber (a ValueError) for a number that is not a Vietnamese mobile,
    InvalidMessage (a ValueError) for an empty or overlong body or a bad sender name.
    The body is never logged: it usually carries a one-time code. A second call with the
    same ``idempotency_key`` returns the first message and delivers nothing.
    """
    phone = normalise_phone(to)
    if not body.strip():
        raise InvalidMessage("empty message body")
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidMessage(f"message body longer than {MAX_BODY_LENGTH} characters")
    sender = sender.strip()
    if not sender or len(sender) > MAX_SENDER_LENGTH:
        raise InvalidMessage("sender must be 1-50 characters")
    if idempotency_key:
        with transaction.atomic():
            message, created = Message.objects.get_or_create(
                idempotency_key=idempotency_key, defaults={"to": phone, "body": body, "sender": sender}
            )
        if not created:
            logger.info("sms_duplicate id=%s to=%s", message.pk, mask_phone(phone))
            return message
    else:
        message = Message.objects.create(to=phone, body=body, sender=sender)
    logger.info("sms_sent id=%s to=%s sender=%s length=%d", message.pk, mask_phone(phone), sender, len(body))
    return message
