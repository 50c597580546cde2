"""One error body for every answer that is not a success (docs/api.md, "Errors")::

    {"error": {"code": "invalid", "message": "…", "fields": {"ho_ten": ["…"]}}}

``message`` is Vietnamese, for people; ``code`` is for programs; ``fields`` (validation
errors only) maps a field name to its messages, as the portal's forms show them.
"""

from __future__ import annotations

from collections.abc import Mapping

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorBody(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """Raised anywhere under the API; rendered as ``ErrorBody`` with ``status``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = {key: list(value) for key, value in (fields or {}).items()}
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}
