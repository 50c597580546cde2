"""``python -m province api_client``: register (secret shown once, stored hashed), list, deactivate."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from oauth2_provider.models import Application

from province.api.models import ApiClient
from tests.province.api.conftest import get_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_client", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_client_and_prints_the_secret_once():
    output = run("create", "--name", "Kiosk Một cửa xã Phụng Công", "--scopes", "dossiers:submit,dossiers:read")

    lines = dict(line.split(":", 1) for line in output.splitlines() if line.startswith("client_"))
    client_id, secret = lines["client_id"].strip(), lines["client_secret"].strip()
    client = ApiClient.objects.get(application__client_id=client_id)
    assert (client.kind, client.channel, client.scopes) == ("kiosk", 1, "dossiers:read dossiers:submit")
    assert len(secret) >= 32 and secret not in Application.objects.get(client_id=client_id).client_secret
    assert get_token(client_id, secret=secret).status_code == 200
    assert secret not in run("list")


def test_it_refuses_unknown_scopes_and_kinds():
    with pytest.raises(CommandError):
        run("create", "--name", "x", "--scopes", "dossiers:delete")
    with pytest.raises(CommandError):
        run("create", "--name", "x", "--scopes", "dossiers:read", "--kind", "robot")
    assert not ApiClient.objects.exists()


def test_it_updates_a_named_client_in_place():
    run("create", "--name", "Kiosk", "--scopes", "dossiers:read", "--client-id", "demo-kiosk", "--secret", "s" * 20)
    run("create", "--name", "Kiosk 2", "--scopes", "dossiers:submit", "--client-id", "demo-kiosk", "--secret", "t" * 20)

    client = ApiClient.objects.get()
    assert (client.name, client.scopes) == ("Kiosk 2", "dossiers:submit")
    assert get_token("demo-kiosk", secret="t" * 20).status_code == 200
    assert get_token("demo-kiosk", secret="s" * 20).status_code == 401


@override_settings(APP_ENV="production")
def test_it_refuses_a_fixed_secret_in_production():
    with pytest.raises(CommandError):
        run("create", "--name", "Kiosk", "--scopes", "dossiers:read", "--secret", "s" * 20)


def test_it_deactivates_a_client():
    run("create", "--name", "Kiosk", "--scopes", "dossiers:read", "--client-id", "k-1", "--secret", "s" * 20)

    assert "deactivated" in run("deactivate", "--client-id", "k-1")
    assert get_token("k-1", secret="s" * 20).status_code == 401
    with pytest.raises(CommandError):
        run("deactivate", "--client-id", "nobody")
