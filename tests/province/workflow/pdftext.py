"""Text of a PDF, for assertions: pypdf reads fpdf2's embedded TrueType fonts through their
ToUnicode maps, so Vietnamese letters come back as written."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """All shown text of every page, in reading order."""
    reader = PdfReader(io.BytesIO(bytes(content)))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
