"""The claims the sandbox asserts about an account, named as the national SSO names them.

One place builds them (``account_claims``); the OIDC validator filters them by scope.
"""

from __future__ import annotations

from typing import Any

from .models import Account, AccountKind, LoginMethod

# claim -> the scope that releases it ("openid" claims go out whenever openid is granted)
CLAIM_SCOPES: dict[str, str] = {
    "TechID": "openid",
    "loAs": "openid",
    "PhuongThucXacThuc": "openid",
    "LoaiTaiKhoan": "dinhdanh",
    "SoDinhDanh": "dinhdanh",
    "SoCMND": "dinhdanh",
    "HoVaTen": "profile",
    "NgayThangNamSinh": "profile",
    "GioiTinh": "profile",
    "QueQuan": "profile",
    "QuocTich": "profile",
    "DanToc": "profile",
    "SoDienThoai": "phone",
    "ThuDienTu": "email",
    "ThuongTru": "address",
    "NoiOHienNay": "address",
    "MaSoThue": "doanhnghiep",
    "MaSoDoanhNghiep": "doanhnghiep",
    "TenDoanhNghiep": "doanhnghiep",
    "DiaChi": "doanhnghiep",
}


def tech_id_for(account: Account) -> str:
    """The national-portal account id a sign-in resolves to.

    A VNeID sign-in of a person who also holds a (linked) national-portal account lands in
    that account, as on the national portal, so both ways give the same TechID.
    """
    if account.kind == AccountKind.VNEID and account.resident_id is not None:
        portal = (
            Account.objects.filter(kind=AccountKind.PORTAL, resident_id=account.resident_id, account_type=1)
            .values_list("tech_id", flat=True)
            .first()
        )
        if portal:
            return portal
    return account.tech_id


def login_method_claim(method: str) -> str:
    """``PhuongThucXacThuc``: "vneid" or "dvcqg" (national-portal account), so that a relying
    party can tell a VNeID sign-in from a legacy one (the national SSO has no standard claim)."""
    return "dvcqg" if method == LoginMethod.PORTAL_PASSWORD else "vneid"


def account_claims(account: Account) -> dict[str, Any]:
    resident = account.resident
    claims: dict[str, Any] = {
        "TechID": tech_id_for(account),
        "loAs": account.level,
        "LoaiTaiKhoan": account.account_type,
        "SoDienThoai": account.phone,
        "ThuDienTu": account.email or None,
    }
    if resident is not None:
        claims.update(
            SoDinhDanh=resident.id_number,
            SoCMND=resident.legacy_cmnd or None,
            HoVaTen=resident.full_name,
            NgayThangNamSinh=resident.birth_date.strftime("%Y%m%d"),
            GioiTinh=resident.gender,
            QueQuan=resident.place_of_origin or None,
            QuocTich=resident.nationality,
            DanToc=resident.ethnicity,
            ThuongTru=resident.permanent_address or None,
            NoiOHienNay=resident.current_address or None,
        )
    else:
        claims.update(
            SoDinhDanh=account.id_number or None,
            SoCMND=account.cmnd or None,
            HoVaTen=account.full_name,
            NgayThangNamSinh=account.birth_date.strftime("%Y%m%d") if account.birth_date else None,
            GioiTinh=account.gender or None,
        )
    business = account.business
    if business is not None:
        claims.update(
            MaSoDoanhNghiep=business.tax_code,
            MaSoThue=business.tax_code,
            TenDoanhNghiep=business.name,
            DiaChi=business.address,
        )
        representative = business.representative
        claims.update(
            SoDinhDanh=representative.id_number,
            HoVaTen=representative.full_name,
            NgayThangNamSinh=representative.birth_date.strftime("%Y%m%d"),
            GioiTinh=representative.gender,
        )
    return {key: value for key, value in claims.items() if value is not None}
