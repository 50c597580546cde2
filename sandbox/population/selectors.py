"""Reads of the population registry and the wire format of a person record."""

from __future__ import annotations

import unicodedata
from typing import Any

from .models import Resident

WIRE_DATE_FORMAT = "%Y%m%d"  # NgayThangNamSinh is yyyyMMdd on the national wire


def normalise_name(value: str) -> str:
    """Compare-form of a full name: NFC, case-folded, inner whitespace collapsed.

    NFC first, because a name typed on another keyboard may carry the same letter as a
    base letter plus combining marks ("e" + U+0302 + U+0301) instead of one code point ("ế").
    """
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def resident_by_id_number(id_number: str) -> Resident | None:
    return Resident.objects.filter(id_number=id_number).first()


def resident_by_cmnd(cmnd: str) -> Resident | None:
    return Resident.objects.filter(legacy_cmnd=cmnd).first()


def person_record(resident: Resident) -> dict[str, Any]:
    """The registry's answer about one person, with the claim names used on the wire."""
    return {
        "SoDinhDanh": resident.id_number,
        "HoVaTen": resident.full_name,
        "NgayThangNamSinh": resident.birth_date.strftime(WIRE_DATE_FORMAT),
        "GioiTinh": resident.gender,
        "ThuongTru": resident.permanent_address,
        "NoiOHienNay": resident.current_address,
        "QueQuan": resident.place_of_origin,
        "SoCMND": resident.legacy_cmnd or None,
        "DanToc": resident.ethnicity,
        "QuocTich": resident.nationality,
    }
