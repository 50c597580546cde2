"""SMS sending behind a backend chosen by ``PROVINCE_SMS_BACKEND`` (like ``EMAIL_BACKEND``).

- ``ConsoleBackend``: writes the message to stdout (local demo without the sandbox only;
  refused when ``APP_ENV=production``).
- ``LocmemBackend``: keeps messages in ``outbox`` (tests read codes from there).
- ``HttpGatewayBackend``: ``POST {"to", "body", "sender"}`` with a bearer token to an SMS
  gateway (``PROVINCE_SMS_GATEWAY_URL`` / ``PROVINCE_SMS_GATEWAY_TOKEN``); the sandbox's
  ``/dev/sms/api/send`` in demo mode. Answers other than 201 raise ``SmsError``. A message
  with an idempotency key carries it in the ``Idempotency-Key`` header.

Message bodies usually carry one-time codes: they are never logged, only the masked
number and the length.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import ClassVar

import phonenumbers
import requests
from django.conf import settings
from django.utils.module_loading import import_string
from phonenumbers import PhoneNumberType

logger = logging.getLogger(__name__)

DEFAULT_SENDER = "MOTCUA"
_SMS_CAPABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class SmsError(Exception):
    """The message could not be handed to the gateway."""


class InvalidPhoneNumber(ValueError):
    """Not a Vietnamese mobile number."""


def normalise_phone(raw: str) -> str:
    """``0912 345 678`` / ``+84912345678`` / ``84912345678`` → ``0912345678``; else InvalidPhoneNumber."""
    text = raw.strip().replace(" ", "").replace(".", "")
    if text.startswith("84") and not text.startswith("840"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber("not a phone number") from exc
    if (
        phonenumbers.region_code_for_number(number) != "VN"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _SMS_CAPABLE
    ):
        raise InvalidPhoneNumber("not a Vietnamese mobile number")
    return f"0{number.national_number}"


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``091****678``."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 6)}{phone[-3:]}"


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str
    # the same key on a retry lets the gateway deliver a message once (``Idempotency-Key``)
    idempotency_key: str = ""


class SmsBackend:
    """Contract: ``send`` delivers one message or raises ``SmsError``. ``to`` is normalised."""

    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Demo only: prints the message (as the sandbox's inbox would show it)."""

    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"[SMS {message.sender} → {message.to}] {message.body}\n")
        sys.stdout.flush()


class LocmemBackend(SmsBackend):
    """Tests: messages accumulate in the class-level ``outbox`` (clear it between tests)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, message: SmsMessage) -> None:
        LocmemBackend.outbox.append(message)


class HttpGatewayBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        url = settings.PROVINCE_SMS_GATEWAY_URL
        token = settings.PROVINCE_SMS_GATEWAY_TOKEN
        if not url:
            raise SmsError("PROVINCE_SMS_GATEWAY_URL is not set")
        try:
            response = requests.post(
                url,
                json={"to": message.to, "body": message.body, "sender": message.sender},
                headers={
                    "Authorization": f"Bearer {token}",
                    **({"Idempotency-Key": message.idempotency_key} if message.idempotency_key else {}),
                },
                timeout=settings.PROVINCE_SMS_GATEWAY_TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise SmsError(f"gateway unreachable: {type(exc).__name__}") from exc
        if response.status_code != 201:
            raise SmsError(f"gateway answered {response.status_code}")


def get_backend() -> SmsBackend:
    backend_cls = import_string(settings.PROVINCE_SMS_BACKEND)
    backend = backend_cls()
    assert isinstance(backend, SmsBackend)
    return backend


def send_sms(*, to: str, body: str, sender: str = DEFAULT_SENDER, idempotency_key: str = "") -> None:
    """Send ``body`` to the Vietnamese mobile ``to``. Raises InvalidPhoneNumber or SmsError.

    Give an ``idempotency_key`` when the message may be retried after an unanswered attempt
    (a timeout after the gateway took it): the gateway then delivers it once."""
    phone = normalise_phone(to)
    message = SmsMessage(to=phone, body=body, sender=sender, idempotency_key=idempotency_key)
    try:
        get_backend().send(message)
    except SmsError:
        logger.warning("sms_failed to=%s sender=%s", mask_phone(phone), sender)
        raise
    logger.info("sms_sent to=%s sender=%s length=%d", mask_phone(phone), sender, len(body))
