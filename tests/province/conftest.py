"""Fixtures: a fake national SSO served through ``responses`` and signed with a test key."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.core.cache import cache, caches
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

ISSUER = "http://127.0.0.1:8001/oauth2"
CLIENT_ID = "province-portal"
CLIENT_SECRET = "province-portal-demo-secret"
DISCOVERY_URL = f"{ISSUER}/.well-known/openid-configuration"
JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
TOKEN_URL = f"{ISSUER}/token/"
USERINFO_URL = f"{ISSUER}/userinfo/"
AUTHORIZE_URL = f"{ISSUER}/authorize/"
END_SESSION_URL = f"{ISSUER}/logout/"

_KEYS: dict[str, RSAKey] = {}


def rsa_key(kid: str) -> RSAKey:
    """RSA keys are slow to make: one per kid for the whole run."""
    if kid not in _KEYS:
        _KEYS[kid] = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return _KEYS[kid]


def citizen_claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": "vneid-sub-001",
        "TechID": "dvcqg-tech-001",
        "LoaiTaiKhoan": 1,
        "SoDinhDanh": "033180012345",
        "HoVaTen": "Đỗ Thị Thanh Phúc",
        "NgayThangNamSinh": "19800101",
        "GioiTinh": "Nữ",
        "SoDienThoai": "0912345678",
        "ThuDienTu": "phucdtt@example.vn",
        "ThuongTru": "Đội 1, thôn Nghĩa Chế, xã Di Chế, tỉnh Hưng Yên",
        "QuocTich": "Việt Nam",
        "DanToc": "Kinh",
        "loAs": 2,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def business_claims(**overrides: Any) -> dict[str, Any]:
    claims = citizen_claims(
        sub="dvcqg-biz-001",
        TechID="dvcqg-tech-biz-001",
        LoaiTaiKhoan=2,
        MaSoDoanhNghiep="0900123456",
        MaSoThue="0900123456",
        TenDoanhNghiep="Công ty TNHH Nhãn lồng Hưng Yên",
        DiaChi="Số 5 Điện Biên, phường Hiến Nam, tỉnh Hưng Yên",
        SoDienThoai="0221388888",
        ThuDienTu="lienhe@nhanlong.example.vn",
    )
    claims.update(overrides)
    return claims


def b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class FakeProvider:
    """The national SSO as the portal sees it over HTTP, with knobs to misbehave."""

    rsps: responses.RequestsMock
    claims: dict[str, Any] = field(default_factory=citizen_claims)
    userinfo_overrides: dict[str, Any] = field(default_factory=dict)
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    id_token_drop: set[str] = field(default_factory=set)
    header_overrides: dict[str, Any] = field(default_factory=dict)
    signing_key: RSAKey = field(default_factory=lambda: rsa_key("k1"))
    published: list[list[RSAKey]] = field(default_factory=lambda: [[rsa_key("k1")]])
    raw_id_token: str | None = None
    sid: str = "sid-001"
    last_authorize: dict[str, str] = field(default_factory=dict)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    jwks_calls: int = 0

    def install(self) -> None:
        self.rsps.add(
            responses.GET,
            DISCOVERY_URL,
            json={
                "issuer": ISSUER,
                "authorization_endpoint": AUTHORIZE_URL,
                "token_endpoint": TOKEN_URL,
                "userinfo_endpoint": USERINFO_URL,
                "jwks_uri": JWKS_URL,
                "end_session_endpoint": END_SESSION_URL,
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "backchannel_logout_supported": True,
                "backchannel_logout_session_supported": True,
            },
        )
        self.rsps.add_callback(responses.GET, JWKS_URL, callback=self._jwks)
        self.rsps.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        self.rsps.add_callback(responses.GET, USERINFO_URL, callback=self._userinfo)

    # --- endpoints ------------------------------------------------------------------
    def _jwks(self, request: Any) -> tuple[int, dict[str, str], str]:
        keys = self.published[min(self.jwks_calls, len(self.published) - 1)]
        self.jwks_calls += 1
        body = KeySet(keys).as_dict(private=False)
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append({"form": form, "headers": dict(request.headers)})
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return 401, {}, json.dumps({"error": "invalid_client"})
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != self.last_authorize.get("code_challenge"):
            return 400, {}, json.dumps({"error": "invalid_grant"})
        body = {
            "access_token": "access-" + uuid.uuid4().hex,
            "token_type": "Bearer",
            "expires_in": 1800,
            "scope": self.last_authorize.get("scope", ""),
            "id_token": self.raw_id_token or self.id_token(),
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _userinfo(self, request: Any) -> tuple[int, dict[str, str], str]:
        if not request.headers.get("Authorization", "").startswith("Bearer access-"):
            return 401, {}, ""
        body = {**self.claims, **self.userinfo_overrides}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    # --- tokens -----------------------------------------------------------------------
    def sign(
        self,
        claims: dict[str, Any],
        header: dict[str, Any] | None = None,
        key: RSAKey | None = None,
    ) -> str:
        key = key or self.signing_key
        head = {"alg": "RS256", "kid": key.kid, **(header or {})}
        return jwt.encode(head, claims, key)

    def id_token(self) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": self.claims["sub"],
            "iat": now,
            "exp": now + 600,
            "auth_time": now,
            "nonce": self.last_authorize.get("nonce"),
            "sid": self.sid,
            "TechID": self.claims.get("TechID"),
            **self.id_token_overrides,
        }
        for name in self.id_token_drop:
            claims.pop(name, None)
        return self.sign(claims, self.header_overrides)

    def logout_token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 120,
            "jti": uuid.uuid4().hex,
            "sub": self.claims["sub"],
            "sid": self.sid,
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return self.sign(claims, {"typ": "logout+jwt"})

    # --- browser side -----------------------------------------------------------------
    def start(self, client: Client, next_url: str = "/") -> str:
        response = client.get("/sso/login/", {"next": next_url})
        assert response.status_code == 302, response.content
        location = response["Location"]
        assert location.startswith(AUTHORIZE_URL)
        self.last_authorize = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        return self.last_authorize["state"]

    def callback(self, client: Client, state: str, code: str = "code-1", **extra: str) -> Any:
        return client.get("/sso/callback/", {"code": code, "state": state, "iss": ISSUER, **extra})

    def login(self, client: Client, next_url: str = "/") -> Any:
        return self.callback(client, self.start(client, next_url))


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    from province.dossiers.calendar import overrides_forget

    # the calendar's per-process cache would otherwise keep a rolled-back test's days
    overrides_forget()
    cache.clear()
    caches["fragments"].clear()  # rendered header/footer: a test may change the province's name
    yield
    cache.clear()
    caches["fragments"].clear()
    overrides_forget()


@pytest.fixture
def provider() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeProvider(rsps=rsps)
        fake.install()
        yield fake


@pytest.fixture
def signed_in(client: Client, provider: FakeProvider, db: Any) -> Client:
    response = provider.login(client)
    assert response.status_code == 302, response.content.decode()
    return client
