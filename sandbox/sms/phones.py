"""Vietnamese phone numbers in the one form the sandbox stores: ``0xxxxxxxxx``."""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType


class InvalidPhoneNumber(ValueError):
    """The text is not a Vietnamese mobile number."""


_SMS_CAPABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_phone(raw: str) -> str:
    """Return ``raw`` as a Vietnamese mobile number ``0xxxxxxxxx``; else InvalidPhoneNumber.

    Accepts the forms people type: ``0912 345 678``, ``+84912345678``, ``84912345678``.
    """
    text = raw.strip()
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
    """``0912345678`` → ``091****678``: enough to tell numbers apart in logs, not to dial."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 6)}{phone[-3:]}"
