"""Failed sign-ins are limited per client address: past ``SSO_FAILURE_RATE`` failures in a
15-minute window, starting or finishing a sign-in from that address is refused (429, with
the wait in Vietnamese) before the provider is asked anything, and the refusals do not
fill the sign-in log. Provider outages are nobody's failure and are not counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
import responses
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client

from province.accounts.models import LoginEvent, Person
from province.ops import ratelimit
from tests.province.conftest import TOKEN_URL

pytestmark = pytest.mark.django_db

# 5 seconds into a quarter hour: the whole test runs inside one window
WINDOW_START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
WAIT = "Có quá nhiều lần đăng nhập không thành công từ địa chỉ mạng này"


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> Any:
    settings.SSO_FAILURE_RATE = 3
    ratelimit.reset()
    with time_machine.travel(WINDOW_START, tick=True):
        yield
    ratelimit.reset()


def fail_once(client: Client, provider: Any) -> None:
    provider.start(client)
    assert provider.callback(client, "forged-state").status_code == 400


def test_it_refuses_sign_ins_from_an_address_after_too_many_failures(client, provider):
    for _ in range(3):
        fail_once(client, provider)
    assert LoginEvent.objects.filter(success=False).count() == 3

    # starting a sign-in is refused before the provider is asked anything
    start = client.get("/sso/login/", {"next": "/tai-khoan/"})
    page = start.content.decode()
    assert start.status_code == 429 and WAIT in page
    assert "Vui lòng thử lại sau 15 phút" in page
    assert 0 < int(start["Retry-After"]) <= 900
    assert 'href="/sso/login/' not in page  # no "Thử lại" while the address has to wait

    # so is finishing one: the code is not exchanged

    tokens_before = len(provider.token_requests)
    finish = provider.callback(client, "any-state")
    assert finish.status_code == 429 and WAIT in finish.content.decode()
    assert len(provider.token_requests) == tokens_before
    assert SESSION_KEY not in client.session and not Person.objects.exists()

    # the first refusal is logged, the next ones are not (each would be a row at will)
    refusals = LoginEvent.objects.filter(success=False, reason__startswith="too_many_failures")
    assert refusals.count() == 1
    assert LoginEvent.objects.count() == 4


def test_it_lets_another_address_sign_in(client, provider):
    for _ in range(3):
        fail_once(client, provider)
    other = Client(REMOTE_ADDR="203.0.113.7")
    response = provider.login(other)
    assert response.status_code == 302
    assert SESSION_KEY in other.session


def test_it_lets_the_address_sign_in_again_in_the_next_window(client, provider):
    for _ in range(3):
        fail_once(client, provider)
    assert client.get("/sso/login/").status_code == 429
    with time_machine.travel(WINDOW_START + dt.timedelta(minutes=15), tick=True):
        assert provider.login(client).status_code == 302
        assert SESSION_KEY in client.session


def test_it_signs_in_below_the_limit(client, provider):
    for _ in range(2):
        fail_once(client, provider)
    assert provider.login(client).status_code == 302
    assert SESSION_KEY in client.session


def test_it_does_not_count_provider_outages(client, provider):
    for _ in range(4):
        state = provider.start(client)
        provider.rsps.replace(responses.POST, TOKEN_URL, body=requests.ConnectTimeout("timeout"))
        assert provider.callback(client, state).status_code == 503
    provider.rsps.remove(responses.POST, TOKEN_URL)
    provider.rsps.add_callback(responses.POST, TOKEN_URL, callback=provider._token)
    assert provider.login(client).status_code == 302


def test_it_limits_the_back_office_vneid_sign_in_too(client, provider):
    for _ in range(3):
        fail_once(client, provider)
    response = client.get("/motcua/dang-nhap/vneid/")
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert int(response["Retry-After"]) > 0
