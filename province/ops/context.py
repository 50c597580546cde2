"""What every log line of a request carries: its id and the signed-in person's id.

Context variables, not thread locals: gunicorn's threaded workers serve several requests
per process, and a context variable belongs to the request's own thread (or task).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)

# Accepted from the X-Request-ID header (nginx's $request_id, another service's id); anything
# else is replaced, so a client cannot write arbitrary text into our logs.
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def accept_or_make(header: str | None) -> str:
    if header and _VALID.fullmatch(header):
        return header
    return uuid.uuid4().hex
