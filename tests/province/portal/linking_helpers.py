"""Personas and registry replies shared by the account-linking tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from tests.province.conftest import AUTHORIZE_URL, citizen_claims

REGISTRY_API = "http://127.0.0.1:8001/population/api/v1"
BINH_CCCD = "001180123456"
BINH_CMND = "125678901"
BINH_RECORD = {
    "SoDinhDanh": BINH_CCCD,
    "HoVaTen": "TRẦN THỊ BÌNH",
    "NgayThangNamSinh": "19800302",
    "GioiTinh": "Nữ",
    "ThuongTru": "Phường Hiến Nam, Tỉnh Hưng Yên",
    "NoiOHienNay": "Phường Hiến Nam, Tỉnh Hưng Yên",
    "QueQuan": "Xã Phụng Công, Tỉnh Hưng Yên",
    "SoCMND": BINH_CMND,
    "DanToc": "Kinh",
    "QuocTich": "Việt Nam",
}


def cmnd_claims(**overrides: Any) -> dict[str, Any]:
    """Trần Thị Bình's national-portal account: a 9-digit CMND, no số định danh."""
    claims = citizen_claims(
        sub="dvcqg-binh",
        TechID="dvcqg-tech-binh",
        SoDinhDanh=None,
        SoCMND=BINH_CMND,
        HoVaTen="Trần Thị Bình",
        NgayThangNamSinh="19800302",
        GioiTinh="Nữ",
        SoDienThoai="0987654321",
        ThuDienTu=None,
        ThuongTru=None,
        loAs=1,
        PhuongThucXacThuc="dvcqg",
    )
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def binh_vneid_claims(**overrides: Any) -> dict[str, Any]:
    """Trần Thị Bình's VNeID: the registry's data, with her old CMND."""
    claims = citizen_claims(
        sub="vneid-binh",
        TechID="dvcqg-tech-binh",
        SoDinhDanh=BINH_CCCD,
        SoCMND=BINH_CMND,
        HoVaTen="TRẦN THỊ BÌNH",
        NgayThangNamSinh="19800302",
        GioiTinh="Nữ",
        SoDienThoai="0987654321",
        ThuDienTu=None,
        loAs=2,
        PhuongThucXacThuc="vneid",
    )
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def registry_replies(rsps: responses.RequestsMock, **reply: Any) -> None:
    rsps.add(responses.POST, f"{REGISTRY_API}/match", **(reply or {"json": {"match": True, "record": BINH_RECORD}}))


def registry_calls(rsps: responses.RequestsMock) -> int:
    return sum(1 for call in rsps.calls if call.request.url.startswith(REGISTRY_API))


def follow_sso(provider: Any, client: Any, login_url: str) -> Any:
    """Go through /sso/login/?… (as a link in a page would) and come back signed in."""
    response = client.get(login_url)
    assert response.status_code == 302 and response["Location"].startswith(AUTHORIZE_URL), response
    provider.last_authorize = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    return provider.callback(client, provider.last_authorize["state"])
