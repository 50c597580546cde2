"""Structured logs: one JSON object per line, with the request id, never a personal number.

The code logs ids and masked values only (``sms_sent to=091****678``); ``scrub`` is the
safety net for what slips through, applied by both formatters to the message, the extra
fields and the traceback:

- 12-digit numbers (số định danh / CCCD) and 9-digit numbers (CMND) → ``[id]``;
- 10/11-digit phone numbers starting with 0 or 84 → ``[phone]``;
- 6-digit numbers standing alone (OTP codes, the VNeID passcode) → ``[code]``;
- ``Bearer …`` tokens, and ``password=…``, ``token=…``, ``secret=…``, ``otp=…``,
  ``code=…``, ``cookie=…``, ``sessionid=…`` values → ``[redacted]``;
- extra fields whose *name* says secret (``password``, ``token``, ``cookie``…) → ``[redacted]``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from . import context

_SECRET_WORDS = ("password", "passwd", "secret", "token", "otp", "cookie", "authorization", "session", "code")
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|access_token|id_token|refresh_token|client_secret|otp|code|"
    r"cookie|sessionid|tthc_sessionid|csrftoken|tthc_csrftoken|authorization)(\s*[=:]\s*|\"\s*:\s*\")([^\s,;&\"']+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_PHONE = re.compile(r"(?<![\d*])(?:\+?84|0)\d{9,10}(?![\d*])")
_ID = re.compile(r"(?<![\d*])(?:\d{12}|\d{9})(?![\d*])")
_CODE = re.compile(r"(?<![\d*.:/-])\d{6}(?![\d*])")

# LogRecord attributes that are not "extra" fields given by the caller.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("n", logging.INFO, "p", 1, "m", None, None))) | {
    "message",
    "asctime",
    "request",  # django.request puts the HttpRequest here: its repr has the query string
    "server_time",
}


def scrub(text: str) -> str:
    """``text`` without personal numbers, codes or secrets (see the module docstring)."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = _SECRET_ASSIGNMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _PHONE.sub("[phone]", text)
    text = _ID.sub("[id]", text)
    return _CODE.sub("[code]", text)


def _scrub_value(name: str, value: Any) -> Any:
    if any(word in name.lower() for word in _SECRET_WORDS) and name not in ("status_code",):
        return "[redacted]"
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return scrub(str(value))


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        name: _scrub_value(name, value)
        for name, value in vars(record).items()
        if name not in _RECORD_FIELDS and not name.startswith("_")
    }


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` of the current request to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = context.request_id.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = context.user_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "event", "request_id", "user_id", …extra, "exc"}`` per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": scrub(record.getMessage()),
        }
        fields = extra_fields(record)
        entry["request_id"] = getattr(record, "request_id", "") or context.request_id.get()
        entry["user_id"] = fields.pop("user_id", None)
        fields.pop("request_id", None)
        entry.update(fields)
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The human format of ``make run``, scrubbed the same way (the request id is left alone)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        copy = logging.makeLogRecord(vars(record))
        fields = extra_fields(record)
        fields.pop("request_id", None)
        fields.pop("user_id", None)
        message = record.getMessage() + "".join(f" {name}={value}" for name, value in fields.items())
        copy.msg, copy.args = scrub(message), None
        if record.exc_info:
            copy.exc_text = scrub(self.formatException(record.exc_info))
        if not getattr(copy, "request_id", ""):
            copy.request_id = context.request_id.get() or "-"
        return super().format(copy)
