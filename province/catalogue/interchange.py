"""Import/export formats of the catalogue, and validation of an incoming file.

JSON (one document)::

    {"format": "tthc-catalogue", "version": 1,
     "fields":     [{"code", "name"}],
     "agencies":   [{"code", "name", "level", "parent_code", "unit_code",
                     "address", "phone", "email", "is_active"}],
     "procedures": [{"code", "name", "field_code", "agency_codes": [...], "level",
                     "online_level", "processing_days", "processing_time_text", "fee_text",
                     "fee_amount", "applicants", "legal_basis", "steps", "methods", "result",
                     "is_active", "documents": [{"name", "required", "copies", "order"}],
                     "form": [e-form fields] | null}]}

CSV (UTF-8, header row, one row per procedure): the procedure keys above as columns, plus
``field_name`` (the field is created or renamed from it) and ``agencies`` (a JSON list of the
agency objects above, so that the file stands on its own); ``agency_codes`` is separated by
``;``; ``documents`` and ``form`` are JSON; booleans are ``true``/``false``. Agencies and
fields repeated on several rows must agree.

Levels: ``tinh`` / ``xa``; online levels: ``toan_trinh`` / ``mot_phan`` / ``thong_tin``.
Agencies refer to administrative units by official code (``python -m province
import_admin_units`` loads them). Document template files are not part of the exchange; they
are uploaded in the admin and kept when a document of the same name is re-imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from . import eforms
from .models import (
    AGENCY_CODE_RE,
    PROCEDURE_CODE_RE,
    AdministrativeUnit,
    Agency,
    Field,
    Level,
    OnlineLevel,
)
from .selectors import FORMAT_NAME

CSV_COLUMNS = (
    "code",
    "name",
    "field_code",
    "field_name",
    "agency_codes",
    "agencies",
    "level",
    "online_level",
    "processing_days",
    "processing_time_text",
    "fee_text",
    "fee_amount",
    "applicants",
    "legal_basis",
    "steps",
    "methods",
    "result",
    "is_active",
    "documents",
    "form",
)
TEXT_KEYS = ("processing_time_text", "fee_text", "applicants", "legal_basis", "steps", "methods", "result")
_TRUE = {"true", "1", "có", "co", "yes"}
_FALSE = {"false", "0", "không", "khong", "no", ""}


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where (a CSV line, or the JSON item) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass
class Entry:
    where: str
    data: dict[str, Any]


@dataclass
class Parsed:
    """An incoming file before validation, each entry with its position for messages."""

    fields: list[Entry] = field(default_factory=list)
    agencies: list[Entry] = field(default_factory=list)
    procedures: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- serialisation ----------------------------------------------------------------------


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(document: dict[str, Any]) -> str:
    fields = {f["code"]: f["name"] for f in document["fields"]}
    agencies = {a["code"]: a for a in document["agencies"]}

    def with_parents(codes: list[str]) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        stack = list(codes)
        while stack:
            code = stack.pop()
            if code in out or code not in agencies:
                continue
            out[code] = agencies[code]
            if agencies[code]["parent_code"]:
                stack.append(agencies[code]["parent_code"])
        return [out[c] for c in sorted(out)]

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for proc in document["procedures"]:
        row = {key: proc.get(key) for key in CSV_COLUMNS}
        row["field_name"] = fields.get(proc["field_code"], "")
        row["agency_codes"] = ";".join(proc["agency_codes"])
        row["agencies"] = json.dumps(with_parents(proc["agency_codes"]), ensure_ascii=False)
        row["is_active"] = "true" if proc["is_active"] else "false"
        row["processing_days"] = proc["processing_days"] or ""
        row["fee_amount"] = "" if proc["fee_amount"] is None else str(proc["fee_amount"])
        row["documents"] = json.dumps(proc["documents"], ensure_ascii=False)
        row["form"] = "" if proc["form"] is None else json.dumps(proc["form"], ensure_ascii=False)
        writer.writerow(row)
    return buffer.getvalue()


# --- parsing ----------------------------------------------------------------------------


def parse_json(text: str) -> Parsed:
    parsed = Parsed()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        parsed.problems.append(Problem(_("dòng %(n)d") % {"n": exc.lineno}, _("JSON không hợp lệ: %s") % exc.msg))
        return parsed
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        parsed.problems.append(Problem(_("tệp"), _("không phải tệp bộ thủ tục (format phải là %s).") % FORMAT_NAME))
        return parsed
    for key, target in (("fields", parsed.fields), ("agencies", parsed.agencies), ("procedures", parsed.procedures)):
        items = doc.get(key, [])
        if not isinstance(items, list):
            parsed.problems.append(Problem(key, _("phải là một danh sách.")))
            continue
        for n, item in enumerate(items, start=1):
            code = item.get("code") if isinstance(item, dict) else None
            where = f"{key} #{n}" + (f" ({code})" if isinstance(code, str) else "")
            if not isinstance(item, dict):
                parsed.problems.append(Problem(where, _("phải là một đối tượng.")))
                continue
            target.append(Entry(where, item))
    return parsed


def parse_csv(text: str) -> Parsed:
    parsed = Parsed()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        c
        for c in ("code", "name", "field_code", "field_name", "level", "online_level")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        parsed.problems.append(Problem(_("dòng 1"), _("thiếu cột: %s") % ", ".join(missing)))
        return parsed
    field_names: dict[str, tuple[str, str]] = {}
    agency_seen: dict[str, tuple[str, dict[str, Any]]] = {}
    last_line = reader.line_num
    for row in reader:
        # A quoted cell may span lines: report the line the row starts on.
        where = _("dòng %(n)d") % {"n": last_line + 1}
        last_line = reader.line_num
        data: dict[str, Any] = {k: (v or "") for k, v in row.items() if k is not None}
        for key in ("documents", "form", "agencies"):
            raw = data.get(key, "").strip()
            if not raw:
                data[key] = None if key == "form" else []
                continue
            try:
                data[key] = json.loads(raw)
            except json.JSONDecodeError:
                parsed.problems.append(Problem(where, _("cột %(col)s không phải JSON hợp lệ.") % {"col": key}))
                data[key] = None if key == "form" else []
        data["agency_codes"] = [c.strip() for c in data.get("agency_codes", "").split(";") if c.strip()]
        code, name = data.get("field_code", "").strip(), data.pop("field_name", "").strip()
        if code:
            if code in field_names and field_names[code][1] != name:
                parsed.problems.append(
                    Problem(
                        where,
                        _("lĩnh vực %(code)s khác tên với %(other)s.") % {"code": code, "other": field_names[code][0]},
                    )
                )
            elif code not in field_names:
                field_names[code] = (where, name)
                parsed.fields.append(Entry(where, {"code": code, "name": name}))
        agencies = data.pop("agencies")
        if not isinstance(agencies, list):
            parsed.problems.append(Problem(where, _("cột agencies phải là danh sách.")))
            agencies = []
        for agency in agencies:
            acode = agency.get("code") if isinstance(agency, dict) else None
            if not isinstance(acode, str):
                parsed.problems.append(Problem(where, _("cột agencies: mỗi cơ quan phải có mã.")))
                continue
            if acode in agency_seen:
                if agency_seen[acode][1] != agency:
                    parsed.problems.append(
                        Problem(
                            where,
                            _("cơ quan %(code)s khác với %(other)s.") % {"code": acode, "other": agency_seen[acode][0]},
                        )
                    )
                continue
            agency_seen[acode] = (where, agency)
            parsed.agencies.append(Entry(where, agency))
        parsed.procedures.append(Entry(where, data))
    return parsed


def parse(*, content: bytes, filename: str) -> Parsed:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Parsed(problems=[Problem(_("tệp"), _("tệp phải được mã hoá UTF-8."))])
    if filename.lower().endswith(".csv"):
        return parse_csv(text)
    return parse_json(text)


# --- validation -------------------------------------------------------------------------


@dataclass
class ValidFile:
    fields: list[dict[str, Any]]
    agencies: list[dict[str, Any]]
    procedures: list[dict[str, Any]]


def _text(raw: Any, *, required: bool = False, max_length: int | None = None) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValueError(_("phải là chuỗi"))
    value = raw.strip()
    if required and not value:
        raise ValueError(_("không được bỏ trống"))
    if max_length is not None and len(value) > max_length:
        raise ValueError(_("dài quá %d ký tự") % max_length)
    return value


def _bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("phải là true hoặc false"))


def _int(value: Any, *, minimum: int, maximum: int, allow_none: bool) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValueError(_("không được bỏ trống"))
    if isinstance(value, bool):
        raise ValueError(_("phải là số nguyên"))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(_("phải là số nguyên")) from None
    if not minimum <= number <= maximum:
        raise ValueError(_("phải từ %(a)d đến %(b)d") % {"a": minimum, "b": maximum})
    return number


def _days(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | float):
        value = str(value) if isinstance(value, float) else "x"
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("phải là số ngày làm việc, ví dụ 0.5 hoặc 15")) from None
    if not number.is_finite() or number < 0 or number >= 10000 or number != number.quantize(Decimal("0.1")):
        raise ValueError(_("phải là số ngày làm việc từ 0 đến 9999, tối đa một chữ số thập phân"))
    return number.quantize(Decimal("0.1"))


def _check(problems: list[Problem], where: str, label: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except ValueError as exc:
        problems.append(Problem(where, f"{label} {exc}."))
        return None


def validate(parsed: Parsed) -> ValidFile:
    """Check every entry; raise ``ImportRejected`` with all problems, or return clean data."""
    problems = list(parsed.problems)
    fields: list[dict[str, Any]] = []
    field_codes = set(Field.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for entry in parsed.fields:
        code = _check(
            problems, entry.where, _("Mã lĩnh vực"), _text, entry.data.get("code"), required=True, max_length=30
        )
        name = _check(
            problems, entry.where, _("Tên lĩnh vực"), _text, entry.data.get("name"), required=True, max_length=300
        )
        if code and code in seen:
            problems.append(Problem(entry.where, _("Mã lĩnh vực %s bị trùng.") % code))
        if code:
            seen.add(code)
            field_codes.add(code)
        fields.append({"code": code, "name": name})

    agencies: list[dict[str, Any]] = []
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    file_agency_codes = {e.data.get("code") for e in parsed.agencies}
    unit_codes = set(AdministrativeUnit.objects.values_list("code", flat=True))
    seen = set()
    for entry in parsed.agencies:
        d, w = entry.data, entry.where
        code = _check(problems, w, _("Mã cơ quan"), _text, d.get("code"), required=True, max_length=30)
        if code and not re.match(AGENCY_CODE_RE, code):
            problems.append(Problem(w, _("Mã cơ quan %s không đúng dạng 000.00.06.H56.") % code))
        if code and code in seen:
            problems.append(Problem(w, _("Mã cơ quan %s bị trùng.") % code))
        seen.add(code or "")
        agency: dict[str, Any] = {
            "code": code,
            "name": _check(problems, w, _("Tên cơ quan"), _text, d.get("name"), required=True, max_length=300),
            "level": d.get("level"),
            "parent_code": _check(problems, w, _("Cơ quan cấp trên"), _text, d.get("parent_code")) or None,
            "unit_code": _check(problems, w, _("Đơn vị hành chính"), _text, d.get("unit_code")) or None,
            "address": _check(problems, w, _("Địa chỉ"), _text, d.get("address"), max_length=500) or "",
            "phone": _check(problems, w, _("Điện thoại"), _text, d.get("phone"), max_length=30) or "",
            "email": _check(problems, w, _("Thư điện tử"), _text, d.get("email"), max_length=254) or "",
            "is_active": _check(problems, w, _("Trạng thái"), _bool, d.get("is_active"), True),
        }
        if agency["level"] not in Level.values:
            problems.append(Problem(w, _("Cấp cơ quan phải là tinh hoặc xa.")))
        if agency["parent_code"] and agency["parent_code"] not in agency_codes | file_agency_codes:
            problems.append(Problem(w, _("Cơ quan cấp trên %s không có.") % agency["parent_code"]))
        if agency["parent_code"] and agency["parent_code"] == code:
            problems.append(Problem(w, _("Cơ quan không thể là cấp trên của chính nó.")))
        if agency["unit_code"] and agency["unit_code"] not in unit_codes:
            problems.append(
                Problem(w, _("Đơn vị hành chính %s không có (chạy import_admin_units trước).") % agency["unit_code"])
            )
        if agency["email"]:
            try:
                validate_email(agency["email"])
            except ValidationError:
                problems.append(Problem(w, _("Thư điện tử %s không hợp lệ.") % agency["email"]))
        agencies.append(agency)
    agency_codes |= {a["code"] for a in agencies if a["code"]}

    procedures: list[dict[str, Any]] = []
    seen = set()
    for entry in parsed.procedures:
        d, w = entry.data, entry.where
        code = _check(problems, w, _("Mã thủ tục"), _text, d.get("code"), required=True, max_length=12)
        if code and not re.match(PROCEDURE_CODE_RE, code):
            problems.append(Problem(w, _("Mã thủ tục %s không đúng dạng 1.001193.") % code))
        if code and code in seen:
            problems.append(Problem(w, _("Mã thủ tục %s bị trùng.") % code))
        seen.add(code or "")
        rec: dict[str, Any] = {
            "code": code,
            "name": _check(problems, w, _("Tên thủ tục"), _text, d.get("name"), required=True, max_length=500),
            "field_code": _check(problems, w, _("Mã lĩnh vực"), _text, d.get("field_code"), required=True),
            "level": d.get("level"),
            "online_level": d.get("online_level"),
            "processing_days": _check(problems, w, _("Thời hạn giải quyết"), _days, d.get("processing_days")),
            "fee_amount": _check(
                problems, w, _("Mức phí"), _int, d.get("fee_amount"), minimum=0, maximum=10**12, allow_none=True
            ),
            "is_active": _check(problems, w, _("Trạng thái"), _bool, d.get("is_active"), True),
        }
        for key in TEXT_KEYS:
            rec[key] = (
                _check(problems, w, key, _text, d.get(key), max_length=500 if key == "processing_time_text" else None)
                or ""
            )
        if rec["field_code"] and rec["field_code"] not in field_codes:
            problems.append(Problem(w, _("Lĩnh vực %s không có.") % rec["field_code"]))
        if rec["level"] not in Level.values:
            problems.append(Problem(w, _("Cấp thực hiện phải là tinh hoặc xa.")))
        if rec["online_level"] not in OnlineLevel.values:
            problems.append(Problem(w, _("Mức độ phải là toan_trinh, mot_phan hoặc thong_tin.")))
        codes = d.get("agency_codes") or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            problems.append(Problem(w, _("Danh sách cơ quan thực hiện không hợp lệ.")))
            codes = []
        for unknown in sorted(set(codes) - agency_codes):
            problems.append(Problem(w, _("Cơ quan thực hiện %s không có.") % unknown))
        rec["agency_codes"] = sorted(set(codes))
        rec["documents"] = _documents(problems, w, d.get("documents"))
        form = d.get("form")
        if form is not None:
            for message in eforms.schema_errors(form):
                problems.append(Problem(w, _("Biểu mẫu: %s") % message))
        rec["form"] = form
        procedures.append(rec)

    if problems:
        raise ImportRejected(problems)
    return ValidFile(fields=fields, agencies=agencies, procedures=procedures)


def _documents(problems: list[Problem], where: str, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(where, _("Thành phần hồ sơ phải là danh sách.")))
        return []
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for n, doc in enumerate(value, start=1):
        label = _("Thành phần hồ sơ thứ %d:") % n
        if not isinstance(doc, dict):
            problems.append(Problem(where, _("%s phải là một đối tượng.") % label))
            continue
        name = _check(problems, where, label + " " + _("tên"), _text, doc.get("name"), required=True, max_length=500)
        if name and name in names:
            problems.append(Problem(where, _("%(label)s tên «%(name)s» bị trùng.") % {"label": label, "name": name}))
        names.add(name or "")
        out.append(
            {
                "name": name,
                "required": _check(problems, where, label + " " + _("bắt buộc"), _bool, doc.get("required"), True),
                "copies": _check(
                    problems,
                    where,
                    label + " " + _("số lượng"),
                    _int,
                    doc.get("copies", 1),
                    minimum=1,
                    maximum=99,
                    allow_none=False,
                ),
                "order": _check(
                    problems,
                    where,
                    label + " " + _("thứ tự"),
                    _int,
                    doc.get("order", n),
                    minimum=0,
                    maximum=999,
                    allow_none=False,
                ),
            }
        )
    return out
