"""The one place that knows the national SSO's claim names (``SoDinhDanh``, ``HoVaTen``…).

``map_claims`` turns the merged ID-token + userinfo claims into a typed, validated
``IdentityClaims``. Wire names can be overridden per deployment with
``NATIONAL_SSO_CLAIMS="id_number=SoDinhDanh,full_name=HoVaTen"`` so the portal can point
at the national SSO, a provincial Keycloak or the sandbox without code changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from envconf import ConfigError
from province.accounts.identity_numbers import FEMALE, MALE, id_number_errors, is_valid_cmnd

# field → claim name on the wire (DVCQG user-info names). An empty name disables a field.
DEFAULT_CLAIM_NAMES: dict[str, str] = {
    "subject": "sub",
    "tech_id": "TechID",
    "account_kind": "LoaiTaiKhoan",
    "id_number": "SoDinhDanh",
    "cmnd": "SoCMND",
    "full_name": "HoVaTen",
    "birth_date": "NgayThangNamSinh",
    "gender": "GioiTinh",
    "phone": "SoDienThoai",
    "email": "ThuDienTu",
    "permanent_address": "ThuongTru",
    "current_address": "NoiOHienNay",
    "hometown": "QueQuan",
    "nationality": "QuocTich",
    "ethnicity": "DanToc",
    "tax_code": "MaSoThue",
    "business_code": "MaSoDoanhNghiep",
    "business_name": "TenDoanhNghiep",
    "business_address": "DiaChi",
    "level": "loAs",
    "sid": "sid",
    # How the person signed in at the SSO: "vneid" or "dvcqg" (a national-portal account).
    # The national SSO has no standard claim for it; the sandbox sends PhuongThucXacThuc.
    # A provider that sends none: see ``IdentityClaims.is_vneid``.
    "login_method": "PhuongThucXacThuc",
    # The national SSO does not send the card's issue date/place; a deployment whose
    # provider does can name them here.
    "id_issued_on": "",
    "id_issued_by": "",
}

_BUSINESS_CODE_RE = re.compile(r"[0-9][0-9-]{8,19}")


class ClaimsError(ValueError):
    """The provider's claims cannot identify a person; ``str()`` is shown to the user."""


@dataclass(frozen=True)
class IdentityClaims:
    subject: str
    tech_id: str = ""
    account_kind: int = 1
    id_number: str = ""
    cmnd: str = ""
    full_name: str = ""
    birth_date: dt.date | None = None
    gender: str = ""
    phone: str = ""
    email: str = ""
    permanent_address: str = ""
    current_address: str = ""
    hometown: str = ""
    nationality: str = ""
    ethnicity: str = ""
    tax_code: str = ""
    business_code: str = ""
    business_name: str = ""
    business_address: str = ""
    level: int = 1
    sid: str = ""
    id_issued_on: dt.date | None = None
    id_issued_by: str = ""
    login_method: str = ""

    @property
    def is_business(self) -> bool:
        return self.account_kind in (2, 3)

    @property
    def is_vneid(self) -> bool:
        """Whether this sign-in was made with VNeID (not a national-portal account).

        Told by the ``login_method`` claim when the provider sends it; otherwise inferred:
        only VNeID asserts a số định danh at identification level 2, so a sign-in with
        both counts as VNeID and anything else as a national-portal account.
        """
        if self.login_method:
            return self.login_method == LOGIN_METHOD_VNEID
        return bool(self.id_number) and self.level == 2

    @property
    def needs_id_number(self) -> bool:
        """An individual national-portal account that has no số định danh yet (seed 003)."""
        return not self.is_business and not self.id_number


def claim_names() -> dict[str, str]:
    """The wire names in force: defaults plus ``NATIONAL_SSO_CLAIMS`` overrides."""
    names = dict(DEFAULT_CLAIM_NAMES)
    overrides = str(settings.NATIONAL_SSO["CLAIMS"])
    for item in filter(None, (part.strip() for part in overrides.split(","))):
        field_name, sep, wire = item.partition("=")
        field_name = field_name.strip()
        if not sep or field_name not in names:
            raise ConfigError(f"NATIONAL_SSO_CLAIMS: {item!r} is not <field>=<ClaimName>")
        names[field_name] = wire.strip()
    return names


def released_claim_names() -> frozenset[str]:
    """Claim names we keep in the identity's snapshot (the ones we map, nothing else)."""
    return frozenset(name for name in claim_names().values() if name)


def _text(raw: Mapping[str, Any], name: str, max_length: int = 500) -> str:
    if not name:
        return ""
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ClaimsError(_("Thông tin %(claim)s không hợp lệ.") % {"claim": name})
    return str(value).strip()[:max_length]


def _small_int(raw: Mapping[str, Any], name: str, allowed: tuple[int, ...], default: int) -> int:
    text = _text(raw, name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value not in allowed:
        raise ClaimsError(_("Thông tin %(claim)s không hợp lệ.") % {"claim": name})
    return value


def _date(raw: Mapping[str, Any], name: str) -> dt.date | None:
    text = _text(raw, name)
    if not text:
        return None
    for fmt in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ClaimsError(_("Ngày tháng (%(claim)s) không hợp lệ.") % {"claim": name})


LOGIN_METHOD_VNEID = "vneid"
LOGIN_METHOD_PORTAL = "dvcqg"
_LOGIN_METHODS = {
    "vneid": LOGIN_METHOD_VNEID,
    "dvcqg": LOGIN_METHOD_PORTAL,
    "cdvcqg": LOGIN_METHOD_PORTAL,
    "portal": LOGIN_METHOD_PORTAL,
}


def _login_method(raw: Mapping[str, Any], name: str) -> str:
    text = _text(raw, name, 40).lower()
    if not text:
        return ""
    if text not in _LOGIN_METHODS:
        raise ClaimsError(_("Thông tin %(claim)s không hợp lệ.") % {"claim": name})
    return _LOGIN_METHODS[text]


def map_claims(raw: Mapping[str, Any]) -> IdentityClaims:
    """Map and validate; raise ``ClaimsError`` with a Vietnamese reason on bad data."""
    names = claim_names()
    subject = _text(raw, names["subject"], 255)
    if not subject:
        raise ClaimsError(_("Thiếu định danh tài khoản (sub)."))

    gender = _text(raw, names["gender"])
    if gender.lower() in ("nam", "male", "m", "1"):
        gender = MALE
    elif gender.lower() in ("nữ", "nu", "female", "f", "2"):
        gender = FEMALE
    elif gender:
        raise ClaimsError(_("Giới tính không hợp lệ."))
    birth_date = _date(raw, names["birth_date"])

    id_number = _text(raw, names["id_number"])
    if id_number:
        errors = id_number_errors(id_number, birth_date=birth_date, gender=gender)
        if errors:
            raise ClaimsError(" ".join(errors))
    cmnd = _text(raw, names["cmnd"])
    if cmnd and not is_valid_cmnd(cmnd):
        raise ClaimsError(_("Số CMND phải đúng 9 ký tự số."))

    email = _text(raw, names["email"], 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            email = ""  # a contact detail, not identity: drop it rather than refuse the login

    account_kind = _small_int(raw, names["account_kind"], (1, 2, 3), 1)
    business_code = _text(raw, names["business_code"], 20)
    business_name = _text(raw, names["business_name"], 300)
    if account_kind in (2, 3):
        if not business_code or not business_name:
            raise ClaimsError(_("Tài khoản doanh nghiệp thiếu mã số doanh nghiệp hoặc tên doanh nghiệp."))
        if not _BUSINESS_CODE_RE.fullmatch(business_code):
            raise ClaimsError(_("Mã số doanh nghiệp không hợp lệ."))
        if not id_number:
            raise ClaimsError(_("Tài khoản doanh nghiệp thiếu số định danh cá nhân của người đại diện."))

    full_name = _text(raw, names["full_name"], 200)
    if not full_name:
        raise ClaimsError(_("Thiếu họ và tên."))

    return IdentityClaims(
        subject=subject,
        tech_id=_text(raw, names["tech_id"], 255),
        account_kind=account_kind,
        id_number=id_number,
        cmnd=cmnd,
        full_name=full_name,
        birth_date=birth_date,
        gender=gender,
        phone=_text(raw, names["phone"], 20),
        email=email,
        permanent_address=_text(raw, names["permanent_address"]),
        current_address=_text(raw, names["current_address"]),
        hometown=_text(raw, names["hometown"]),
        nationality=_text(raw, names["nationality"], 100),
        ethnicity=_text(raw, names["ethnicity"], 100),
        tax_code=_text(raw, names["tax_code"], 20),
        business_code=business_code,
        business_name=business_name,
        business_address=_text(raw, names["business_address"]),
        level=_small_int(raw, names["level"], (1, 2), 1),
        sid=_text(raw, names["sid"], 255),
        id_issued_on=_date(raw, names["id_issued_on"]),
        id_issued_by=_text(raw, names["id_issued_by"], 200),
        login_method=_login_method(raw, names["login_method"]),
    )


def names_the_person(raw: Mapping[str, Any]) -> bool:
    """Whether these claims (an ID token's) already say who the person is: name,
    identification level, account kind, a số định danh or CMND and, for a business, its
    code and name, so that the sign-in need not ask the userinfo endpoint as well.

    The national SSO and the sandbox put the whole released profile in the ID token as well
    as in userinfo; a provider that puts only protocol claims there (as most do) fails this
    test and is asked. One that puts only part of the profile there is told apart by
    nothing, hence ``NATIONAL_SSO_ALWAYS_USERINFO``.
    """
    names = claim_names()

    def has(field: str) -> bool:
        # a field a deployment switched off cannot be required
        return not names[field] or raw.get(names[field]) not in (None, "")

    if not all(has(field) for field in ("full_name", "level", "account_kind")):
        return False
    if not (names["id_number"] and raw.get(names["id_number"])) and not (names["cmnd"] and raw.get(names["cmnd"])):
        return False
    if str(raw.get(names["account_kind"]) or "1") in ("2", "3"):
        return has("business_code") and has("business_name")
    return True


def snapshot(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The claims kept on the identity: only those we map (no nonce, hashes or tokens)."""
    keep = released_claim_names()
    return {key: raw[key] for key in sorted(keep) if key in raw}


FIELD_NAMES = tuple(f.name for f in fields(IdentityClaims))
