"""The e-form schema of a procedure (biểu mẫu điện tử) and validation of data against it.

A schema is a JSON list of fields::

    [{"name": "ho_ten", "label": "Họ, chữ đệm, tên", "type": "text", "required": true,
      "max_length": 100, "pattern": "^[^0-9]+$", "pattern_message": "Họ tên không chứa chữ số"},
     {"name": "gioi_tinh", "label": "Giới tính", "type": "select",
      "choices": [["nam", "Nam"], ["nu", "Nữ"]]}]

Written by hand rather than with a JSON-Schema library: the form builder needs labels,
choices with labels and Vietnamese messages per field, which JSON Schema would carry only in
vendor extensions, and no JSON-Schema package is in the locked dependencies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

FIELD_TYPES = ("text", "textarea", "number", "date", "select", "checkbox")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_KNOWN_KEYS = {"name", "label", "type", "required", "choices", "max_length", "pattern", "pattern_message", "help"}
_TRUE = {"1", "true", "on", "yes", "co", "có"}
_FALSE = {"", "0", "false", "off", "no", "khong", "không"}
DEFAULT_TEXT_MAX = 1000


def choice_values(field: Mapping[str, Any]) -> list[str]:
    return [str(c[0]) if isinstance(c, list | tuple) else str(c) for c in field.get("choices") or []]


def choice_pairs(field: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(c[0]), str(c[1])) if isinstance(c, list | tuple) else (str(c), str(c)) for c in field["choices"]]


def schema_errors(schema: Any) -> list[str]:
    """What is wrong with a schema, in Vietnamese; empty when it can be published."""
    if not isinstance(schema, list) or not schema:
        return [_("Biểu mẫu phải là một danh sách trường, có ít nhất một trường.")]
    errors: list[str] = []
    seen: set[str] = set()
    for position, field in enumerate(schema, start=1):
        where = _("Trường thứ %(n)d") % {"n": position}
        if not isinstance(field, dict):
            errors.append(_("%(where)s: phải là một đối tượng.") % {"where": where})
            continue
        name = field.get("name")
        if not isinstance(name, str) or not _NAME_RE.match(name):
            errors.append(
                _("%(where)s: tên trường phải gồm chữ thường không dấu, chữ số, dấu gạch dưới.") % {"where": where}
            )
        elif name in seen:
            errors.append(_("%(where)s: tên trường «%(name)s» bị trùng.") % {"where": where, "name": name})
        else:
            seen.add(name)
            where = f"{where} ({name})"
        unknown = sorted(set(field) - _KNOWN_KEYS)
        if unknown:
            errors.append(
                _("%(where)s: thuộc tính không hỗ trợ: %(keys)s.") % {"where": where, "keys": ", ".join(unknown)}
            )
        if not isinstance(field.get("label"), str) or not field["label"].strip():
            errors.append(_("%(where)s: thiếu nhãn.") % {"where": where})
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            errors.append(
                _("%(where)s: kiểu phải là một trong %(types)s.") % {"where": where, "types": ", ".join(FIELD_TYPES)}
            )
        if not isinstance(field.get("required", False), bool):
            errors.append(_("%(where)s: «required» phải là true hoặc false.") % {"where": where})
        choices = field.get("choices")
        if kind == "select":
            if not isinstance(choices, list) or not choices:
                errors.append(_("%(where)s: trường chọn phải có danh sách lựa chọn.") % {"where": where})
            elif not all(
                isinstance(c, str) or (isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c))
                for c in choices
            ):
                errors.append(_("%(where)s: mỗi lựa chọn là một chuỗi hoặc cặp [giá trị, nhãn].") % {"where": where})
            elif len(set(choice_values(field))) != len(choices):
                errors.append(_("%(where)s: lựa chọn bị trùng.") % {"where": where})
        elif choices is not None:
            errors.append(_("%(where)s: chỉ trường chọn mới có danh sách lựa chọn.") % {"where": where})
        max_length = field.get("max_length")
        if max_length is not None and (
            isinstance(max_length, bool) or not isinstance(max_length, int) or not 0 < max_length <= 10000
        ):
            errors.append(_("%(where)s: độ dài tối đa phải là số nguyên từ 1 đến 10000.") % {"where": where})
        pattern = field.get("pattern")
        if pattern is not None:
            if kind not in ("text", "textarea", "number"):
                errors.append(_("%(where)s: chỉ trường văn bản hoặc số mới có mẫu kiểm tra.") % {"where": where})
            elif not isinstance(pattern, str):
                errors.append(_("%(where)s: mẫu kiểm tra phải là chuỗi.") % {"where": where})
            else:
                try:
                    re.compile(pattern)
                except re.error:
                    errors.append(_("%(where)s: mẫu kiểm tra không hợp lệ.") % {"where": where})
        if "pattern_message" in field and not isinstance(field["pattern_message"], str):
            errors.append(_("%(where)s: thông báo của mẫu kiểm tra phải là chuỗi.") % {"where": where})
    return errors


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            # A calendar date: no time zone is involved.
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_data(schema: list[dict[str, Any]], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Clean ``data`` against a (valid) schema: ``(cleaned, errors)``.

    Cleaned values: ``str`` for text/textarea/select, ``Decimal`` for number, ``datetime.date``
    for date, ``bool`` for checkbox; empty optional fields are left out. Keys that the schema
    does not declare are ignored.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in schema:
        name: str = field["name"]
        label: str = field["label"]
        kind: str = field["type"]
        raw = data.get(name)

        if kind == "checkbox":
            text = str(raw).strip().lower() if raw is not None else ""
            if isinstance(raw, bool):
                checked = raw
            elif text in _TRUE:
                checked = True
            elif text in _FALSE:
                checked = False
            else:
                errors[name] = [_("%(label)s: giá trị không hợp lệ.") % {"label": label}]
                continue
            if field.get("required") and not checked:
                errors[name] = [_("%(label)s: bạn cần đánh dấu mục này.") % {"label": label}]
                continue
            cleaned[name] = checked
            continue

        if _is_empty(raw):
            if field.get("required"):
                errors[name] = [_("%(label)s không được bỏ trống.") % {"label": label}]
            continue
        if isinstance(raw, list | dict):
            errors[name] = [_("%(label)s: giá trị không hợp lệ.") % {"label": label}]
            continue
        text = str(raw).strip()
        field_errors: list[str] = []
        value: Any = text

        if kind in ("text", "textarea"):
            limit = field.get("max_length") or DEFAULT_TEXT_MAX
            if len(text) > limit:
                field_errors.append(_("%(label)s không được dài quá %(n)d ký tự.") % {"label": label, "n": limit})
        elif kind == "number":
            try:
                number = Decimal(text.replace(",", "."))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                field_errors.append(_("%(label)s phải là một số.") % {"label": label})
            else:
                value = number
        elif kind == "date":
            date = _parse_date(raw)
            if date is None:
                field_errors.append(_("%(label)s phải là ngày hợp lệ (dd/mm/yyyy).") % {"label": label})
            else:
                value = date
        elif kind == "select" and text not in choice_values(field):
            field_errors.append(_("%(label)s: lựa chọn không hợp lệ.") % {"label": label})

        pattern = field.get("pattern")
        if pattern and not field_errors and not re.fullmatch(pattern, text):
            field_errors.append(field.get("pattern_message") or _("%(label)s không đúng định dạng.") % {"label": label})

        if field_errors:
            errors[name] = field_errors
        else:
            cleaned[name] = value
    return cleaned, errors
