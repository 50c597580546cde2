"""Vietnamese text folded for search: what a user types with or without diacritics.

Folding happens in Python, once, when a procedure is written (``Procedure.search_text``), so
the query is a plain ``LIKE`` that behaves the same on SQLite and PostgreSQL; the database's
``unaccent`` extension would tie search to PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_TOKEN = re.compile(r"[^a-z0-9.]+")


def fold(text: str) -> str:
    """Lower case without diacritics: "Đăng ký khai sinh" → "dang ky khai sinh".

    "đ" has no decomposition in Unicode (it is a letter of its own, not d + a mark), hence the
    explicit replacement before stripping the combining marks.
    """
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Search terms of a query: folded words and codes (dots kept, so "1.001193" is one term)."""
    return [t.strip(".") for t in _NOT_TOKEN.split(fold(text)) if t.strip(".")]


def search_text(*parts: str) -> str:
    """The stored, space-separated form of several texts, as matched by ``tokens``."""
    return " ".join(" ".join(tokens(part)) for part in parts if part)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())
