"""Field encryption for secrets the system must give back to another system later (the
e-receipt/e-invoice password): Fernet (AES-128-CBC + HMAC-SHA256) with
``PROVINCE_FIELD_ENCRYPTION_KEY``. Never log the plaintext."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    return Fernet(settings.PROVINCE_FIELD_ENCRYPTION_KEY.encode())


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext; raises ValueError when the key does not match (rotated key)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt with the configured key") from exc
