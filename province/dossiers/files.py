"""Checks on uploaded files: size, type by content (never by name or the browser's word),
and a cleaned name. Shared with the data store."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


class FileRejected(ValueError):
    """The file cannot be accepted; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    name: str
    content_type: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _office_type(head: bytes, content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def detect_type(content: bytes) -> str | None:
    """PDF, JPEG, PNG, DOCX or XLSX from the first bytes (and the ZIP directory)."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(PNG_SIGNATURE):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(head, content)
    return None


def clean_name(raw: str, content_type: str) -> str:
    """The base name without path, control or reserved characters, with the extension of the
    detected type (``hợp đồng.exe`` holding a PDF becomes ``hợp đồng.pdf``)."""
    base = PurePosixPath(raw.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    stem = PurePosixPath(base).stem if "." in base else base
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r'[<>:"/\\|?*;]+', "_", stem).strip(" .")[:120] or "tep"
    return stem + EXTENSIONS[content_type]


def check_upload(upload: UploadedFile[Any]) -> CheckedFile:
    """Read and check one upload; raises FileRejected with a message for the user."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise FileRejected(_("Tệp vượt quá dung lượng cho phép (%(mb)d MB).") % {"mb": limit // (1024 * 1024)})
    content = upload.read(limit + 1)
    return check_content(content, upload.name or "")


def check_content(content: bytes, name: str) -> CheckedFile:
    limit = max_upload_bytes()
    if len(content) > limit:
        raise FileRejected(_("Tệp vượt quá dung lượng cho phép (%(mb)d MB).") % {"mb": limit // (1024 * 1024)})
    if not content:
        raise FileRejected(_("Tệp rỗng."))
    content_type = detect_type(content)
    if content_type is None:
        raise FileRejected(_("Chỉ chấp nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX."))
    return CheckedFile(
        content=content,
        name=clean_name(name, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
