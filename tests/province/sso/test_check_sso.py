from __future__ import annotations

from io import StringIO

import pytest
import requests
import responses
from django.core.management import CommandError, call_command

from tests.province.conftest import DISCOVERY_URL


def test_it_reports_ok_for_a_working_provider(provider):
    out = StringIO()
    call_command("check_sso", stdout=out)
    text = out.getvalue()
    assert "OK discovery" in text and "OK JWKS: 1 RSA key(s): k1" in text


def test_it_fails_loudly_when_the_provider_is_down():
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, DISCOVERY_URL, body=requests.ConnectionError("refused"))
        with pytest.raises(CommandError, match="ERROR"):
            call_command("check_sso", stdout=StringIO())


def test_it_fails_when_discovery_names_another_issuer():
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, DISCOVERY_URL, json={"issuer": "http://other", "jwks_uri": "x"})
        with pytest.raises(CommandError, match="issuer"):
            call_command("check_sso", stdout=StringIO())
