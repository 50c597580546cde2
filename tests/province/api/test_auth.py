"""OAuth2 client credentials: tokens, scopes, expiry, deactivation, rate limits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from province.api import services
from tests.province.api.conftest import SECRET, get_token, make_client

pytestmark = pytest.mark.django_db
STATUS_URL = "/api/v1/dossiers/000.00.06.H33-250101-0001"
# rate windows are whole minutes: tests counting requests start at the beginning of one
WINDOW_START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)


def test_it_issues_a_token_with_the_clients_scopes(kiosk):
    response = get_token("kiosk-1")

    assert response.status_code == 200
    data = response.json()
    assert data["token_type"] == "Bearer" and data["expires_in"] == 1800
    assert set(data["scope"].split()) == {"dossiers:read", "dossiers:submit"}
    assert "refresh_token" not in data


def test_it_narrows_a_token_to_the_scopes_asked_for(kiosk):
    response = get_token("kiosk-1", scope="dossiers:read")

    assert response.json()["scope"] == "dossiers:read"


def test_it_refuses_a_scope_the_client_does_not_hold(kiosk):
    response = get_token("kiosk-1", scope="dossiers:sync")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_it_refuses_a_wrong_secret_and_an_unknown_client(kiosk):
    assert get_token("kiosk-1", secret="wrong-secret-0123456789").status_code == 401
    assert get_token("nobody").status_code == 401


def test_it_stores_the_secret_hashed(kiosk):
    stored = Application.objects.get(client_id="kiosk-1").client_secret
    assert SECRET not in stored and stored.startswith(("md5$", "argon2"))


def test_it_refuses_requests_without_a_token():
    response = Client().get(STATUS_URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-token", "Basic a2lvc2s6c2VjcmV0", "bearer  "])
def test_it_refuses_malformed_or_unknown_tokens(kiosk, header):
    response = Client().get(STATUS_URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_it_refuses_an_expired_token(kiosk, bearer):
    headers = bearer()
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))

    response = Client().get(STATUS_URL, **headers)

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_it_refuses_a_token_without_the_scope(kiosk, bearer):
    response = Client().get("/api/v1/sync/dossiers", **bearer())

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_it_narrows_a_token_when_the_client_loses_a_scope(kiosk, bearer):
    headers = bearer()
    kiosk.scopes = "dossiers:submit"
    kiosk.save()

    assert Client().get(STATUS_URL, **headers).status_code == 403


def test_it_stops_a_deactivated_client_at_once(kiosk, bearer):
    headers = bearer()

    services.api_client_deactivate(client_id="kiosk-1")

    assert Client().get(STATUS_URL, **headers).status_code == 401
    assert get_token("kiosk-1").status_code == 401
    assert not AccessToken.objects.exists()


@time_machine.travel(WINDOW_START, tick=False)
def test_it_limits_each_clients_requests_per_minute(db, bearer):
    make_client(client_id="slow", rate=3)
    make_client(client_id="other", rate=3)
    headers = bearer("slow")

    answers = [Client().get(STATUS_URL, **headers).status_code for _ in range(4)]

    assert answers == [404, 404, 404, 429]
    limited = Client().get(STATUS_URL, **headers)
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited["Retry-After"]) <= 60
    assert Client().get(STATUS_URL, **bearer("other")).status_code == 404


@override_settings(API_TOKEN_RATE_PER_MINUTE=3)
@time_machine.travel(WINDOW_START, tick=False)
def test_it_limits_token_requests_per_address(kiosk):
    answers = [get_token("kiosk-1", secret="wrong-secret-0123456789").status_code for _ in range(4)]

    assert answers == [401, 401, 401, 429]
    assert get_token("kiosk-1").status_code == 429


@override_settings(API_ANONYMOUS_RATE_PER_MINUTE=2)
@time_machine.travel(WINDOW_START, tick=False)
def test_it_limits_anonymous_catalogue_requests_per_address(db):
    answers = [Client().get("/api/v1/procedures").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    other = Client(REMOTE_ADDR="10.0.0.2").get("/api/v1/procedures")
    assert other.status_code == 200


def test_it_refuses_other_grant_types(kiosk):
    response = Client().post(
        "/api/oauth/token/",
        {"grant_type": "password", "username": "x", "password": "y", "client_id": "kiosk-1", "client_secret": SECRET},
    )
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()
