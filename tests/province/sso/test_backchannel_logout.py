from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from province.accounts.models import AuditLog
from province.sso.models import SsoSession
from tests.province.conftest import rsa_key

pytestmark = pytest.mark.django_db

URL = "/sso/backchannel-logout/"


def signed_in_client(provider: Any, sid: str = "sid-001") -> Client:
    client = Client()
    provider.sid = sid
    assert provider.login(client).status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/tai-khoan/").status_code == 200


def test_it_ends_every_portal_session_with_that_sid(provider):
    first = signed_in_client(provider)
    second = signed_in_client(provider)
    other = signed_in_client(provider, sid="sid-other")
    token = provider.logout_token(sid="sid-001")

    response = Client(enforce_csrf_checks=True).post(URL, {"logout_token": token})

    assert response.status_code == 200
    assert not is_signed_in(first) and not is_signed_in(second)
    assert is_signed_in(other)
    assert SsoSession.objects.filter(sid="sid-001", ended_at__isnull=False).count() == 2
    assert AuditLog.objects.filter(action="session.logout", after__reason="backchannel").count() == 2


def test_it_ends_sessions_by_sub_when_there_is_no_sid(provider):
    client = signed_in_client(provider)
    response = Client().post(URL, {"logout_token": provider.logout_token(sid=None)})
    assert response.status_code == 200
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-client"},
        {"iss": "http://evil.example/oauth2"},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"events": None},
        {"nonce": "n-123"},
        {"sid": None, "sub": None},
        {"jti": None},
        {"iat": None},
        {"iat": int(time.time()) + 3600},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 3700},
    ],
    ids=[
        "wrong-aud",
        "wrong-iss",
        "wrong-event",
        "no-events",
        "nonce",
        "no-sid-no-sub",
        "no-jti",
        "no-iat",
        "future-iat",
        "expired",
    ],
)
def test_it_rejects_a_bad_logout_token_and_keeps_the_session(provider, overrides):
    client = signed_in_client(provider)
    response = Client().post(URL, {"logout_token": provider.logout_token(**overrides)})
    assert response.status_code == 400
    assert is_signed_in(client)


def test_it_rejects_a_tampered_logout_token(provider):
    client = signed_in_client(provider)
    header, payload, signature = provider.logout_token().split(".")
    other_payload = provider.logout_token(sid="sid-002").split(".")[1]
    response = Client().post(URL, {"logout_token": f"{header}.{other_payload}x.{signature}"})
    assert response.status_code == 400
    response = Client().post(URL, {"logout_token": f"{header}.{other_payload}.{signature}"})
    assert response.status_code == 400
    assert is_signed_in(client)


def test_it_rejects_a_token_signed_by_another_key(provider):
    client = signed_in_client(provider)
    token = provider.sign(
        {
            "iss": "http://127.0.0.1:8001/oauth2",
            "aud": "province-portal",
            "iat": int(time.time()),
            "jti": "j1",
            "sid": "sid-001",
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        },
        {"kid": "k1", "typ": "logout+jwt"},
        key=rsa_key("k-forger"),
    )
    assert Client().post(URL, {"logout_token": token}).status_code == 400
    assert is_signed_in(client)


def test_it_rejects_a_replayed_logout_token(provider):
    signed_in_client(provider)
    token = provider.logout_token(sid="sid-001")
    assert Client().post(URL, {"logout_token": token}).status_code == 200
    client = signed_in_client(provider)
    assert Client().post(URL, {"logout_token": token}).status_code == 400
    assert is_signed_in(client)


def test_it_rejects_a_missing_token_and_get(provider, db):
    assert Client().post(URL, {}).status_code == 400
    assert Client().get(URL).status_code == 405
    assert Client().post(URL, {"logout_token": "not.a.jwt"}).status_code == 400


def test_it_does_not_end_sessions_of_another_issuer_subject(provider):
    client = signed_in_client(provider)
    token = provider.logout_token(sid="sid-001", sub="someone-else")
    assert Client().post(URL, {"logout_token": token}).status_code == 200
    assert is_signed_in(client)
    assert SESSION_KEY in client.session
