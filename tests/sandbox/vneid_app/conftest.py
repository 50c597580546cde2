"""The VNeID app tests use the same people and devices as the QR sign-in tests."""

from tests.sandbox.qr.conftest import _clear_cache, an, ba, browser, phone

__all__ = ["_clear_cache", "an", "ba", "browser", "phone"]
