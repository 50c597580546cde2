from __future__ import annotations

import time
from typing import Any

import pytest
import requests
import responses
from django.contrib.auth import SESSION_KEY
from joserfc import jwt
from joserfc.jwk import OctKey

from province.accounts.models import AuditLog, ExternalIdentity, LoginEvent, Person
from tests.province.conftest import (
    DISCOVERY_URL,
    JWKS_URL,
    TOKEN_URL,
    USERINFO_URL,
    b64,
    citizen_claims,
    rsa_key,
)

pytestmark = pytest.mark.django_db

HEADLINE = "Không đăng nhập được qua hệ thống định danh quốc gia"


def assert_refused(client: Any, response: Any, status: int = 400, reason: str | None = None) -> None:
    page = response.content.decode()
    assert response.status_code == status, page
    assert HEADLINE in page
    assert "Thử lại" in page and "/sso/login/?next=" in page
    if reason:
        assert reason in page
    assert not Person.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert not AuditLog.objects.exists()
    event = LoginEvent.objects.get()
    assert not event.success and event.person is None
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("knob", "value"),
    [
        ("id_token_overrides", {"iss": "http://evil.example/oauth2"}),
        ("id_token_overrides", {"aud": "another-client"}),
        ("id_token_overrides", {"aud": ["province-portal", "other"]}),  # no azp
        ("id_token_overrides", {"nonce": "not-the-nonce"}),
        ("id_token_drop", {"nonce"}),
        ("id_token_drop", {"exp"}),
        ("id_token_drop", {"iat"}),
        ("id_token_overrides", {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4200}),
    ],
    ids=[
        "wrong-issuer",
        "wrong-audience",
        "extra-audience-no-azp",
        "wrong-nonce",
        "missing-nonce",
        "missing-exp",
        "missing-iat",
        "expired",
    ],
)
def test_it_refuses_a_bad_id_token(client, provider, knob, value):
    setattr(provider, knob, value)
    response = provider.login(client)
    assert_refused(client, response, reason="Thông tin xác thực nhận được không hợp lệ.")


def test_it_refuses_an_id_token_with_a_bad_signature(client, provider):
    provider.signing_key = rsa_key("k-forger")
    provider.header_overrides = {"kid": "k1"}  # claims to be the provider's key
    assert_refused(client, provider.login(client))


def test_it_refuses_alg_none(client, provider):
    state = provider.start(client)
    claims = {
        "iss": provider_iss(),
        "aud": "province-portal",
        "sub": "vneid-sub-001",
        "iat": int(time.time()),
        "exp": int(time.time()) + 600,
        "nonce": provider.last_authorize["nonce"],
    }
    provider.raw_id_token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert_refused(client, provider.callback(client, state))


def test_it_refuses_an_hs256_token_signed_with_the_client_secret(client, provider):
    state = provider.start(client)
    claims = {
        "iss": provider_iss(),
        "aud": "province-portal",
        "sub": "vneid-sub-001",
        "iat": int(time.time()),
        "exp": int(time.time()) + 600,
        "nonce": provider.last_authorize["nonce"],
    }
    key = OctKey.import_key("province-portal-demo-secret-padded-to-32-bytes!")
    provider.raw_id_token = jwt.encode({"alg": "HS256", "kid": "k1"}, claims, key)
    assert_refused(client, provider.callback(client, state))


def provider_iss() -> str:
    return "http://127.0.0.1:8001/oauth2"


def test_it_refuses_a_replayed_state(client, provider):
    state = provider.start(client)
    assert provider.callback(client, state).status_code == 302
    client.post("/dang-xuat/")
    LoginEvent.objects.all().delete()
    response = provider.callback(client, state, code="code-2")
    assert response.status_code == 400
    assert "đã được sử dụng" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert LoginEvent.objects.get().success is False


def test_it_refuses_a_callback_without_a_matching_state(client, provider):
    provider.start(client)
    assert_refused(client, provider.callback(client, "forged-state"))


def test_it_refetches_the_jwks_once_for_an_unknown_kid(client, provider):
    provider.login(client)  # caches a JWKS with k1
    client.post("/dang-xuat/")
    provider.signing_key = rsa_key("k2")
    provider.published = [[rsa_key("k1")], [rsa_key("k1"), rsa_key("k2")]]
    provider.jwks_calls = 1  # the next fetch serves the rotated set

    response = provider.login(client)
    assert response.status_code == 302
    assert provider.jwks_calls == 2


def test_it_refuses_a_kid_still_unknown_after_one_refetch(client, provider):
    provider.signing_key = rsa_key("k-unknown")
    response = provider.login(client)
    assert_refused(client, response)
    assert provider.jwks_calls == 2  # initial fetch + exactly one refetch


def test_it_refuses_userinfo_for_another_subject(client, provider):
    provider.userinfo_overrides = {"sub": "someone-else"}
    assert_refused(client, provider.login(client))


def test_it_refuses_a_malformed_id_number_with_a_clear_message(client, provider):
    provider.claims = citizen_claims(SoDinhDanh="03318001234")
    assert_refused(client, provider.login(client), reason="Số định danh cá nhân phải đúng 12 ký tự số")


def test_it_refuses_an_id_number_inconsistent_with_the_birth_year(client, provider):
    provider.claims = citizen_claims(NgayThangNamSinh="19790101")
    assert_refused(client, provider.login(client), reason="Năm sinh không khớp")


def test_it_shows_access_denied_from_the_provider(client, provider):
    state = provider.start(client)
    response = client.get("/sso/callback/", {"error": "access_denied", "state": state})
    assert_refused(client, response, reason="Bạn đã hủy hoặc không cho phép đăng nhập.")


def test_it_shows_a_page_when_the_provider_is_down_at_login(client, db):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, DISCOVERY_URL, body=requests.ConnectionError("down"))
        response = client.get("/sso/login/", {"next": "/tai-khoan/"})
    assert_refused(client, response, status=503, reason="không phản hồi")
    assert "next=%2Ftai-khoan%2F" in response.content.decode()


def test_it_shows_a_page_when_the_token_endpoint_is_down(client, provider):
    state = provider.start(client)
    provider.rsps.replace(responses.POST, TOKEN_URL, body=requests.ConnectTimeout("timeout"))
    assert_refused(client, provider.callback(client, state), status=503)


def test_it_shows_a_page_when_userinfo_fails(client, provider):
    state = provider.start(client)
    provider.rsps.replace(responses.GET, USERINFO_URL, body=requests.ConnectionError("down"))
    assert_refused(client, provider.callback(client, state), status=503)


def test_it_shows_a_page_when_the_jwks_is_unreachable(client, provider):
    state = provider.start(client)
    provider.rsps.replace(responses.GET, JWKS_URL, body=requests.ConnectionError("down"))
    assert_refused(client, provider.callback(client, state), status=503)


def test_it_refuses_a_token_error_response(client, provider):
    state = provider.start(client)
    provider.rsps.replace(responses.POST, TOKEN_URL, status=400, json={"error": "invalid_grant"})
    assert_refused(client, provider.callback(client, state))


def test_it_refuses_a_response_naming_another_issuer(client, provider):
    state = provider.start(client)
    assert_refused(client, provider.callback(client, state, iss="http://evil.example/oauth2"))
