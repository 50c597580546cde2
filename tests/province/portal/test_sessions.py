from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client

from province.accounts.models import AuditLog
from province.sso.models import SsoSession

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
EXPIRED = "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."


def test_it_logs_out_after_the_idle_timeout(client, provider):
    with time_machine.travel(START, tick=False) as traveller:
        provider.login(client)
        assert client.get("/tai-khoan/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/tai-khoan/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/dang-nhap/?next=/tai-khoan/")
    assert EXPIRED in response.content.decode()
    assert SESSION_KEY not in client.session
    assert SsoSession.objects.get().ended_at is not None
    assert AuditLog.objects.filter(action="session.logout", after__reason="idle_timeout").exists()


def test_it_keeps_an_active_session_alive(client, provider):
    with time_machine.travel(START, tick=False) as traveller:
        provider.login(client)
        for _ in range(4):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/tai-khoan/").status_code == 200


def test_it_logs_out_after_the_absolute_timeout(client, provider, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    with time_machine.travel(START, tick=False) as traveller:
        provider.login(client)
        for _ in range(3):
            traveller.shift(dt.timedelta(minutes=20))
            client.get("/tai-khoan/")
        traveller.shift(dt.timedelta(minutes=5))
        assert client.get("/tai-khoan/").status_code == 302
    assert AuditLog.objects.filter(after__reason="absolute_timeout").exists()


def test_it_extends_the_session_through_the_keepalive_endpoint(client, provider):
    with time_machine.travel(START, tick=False) as traveller:
        provider.login(client)
        traveller.shift(dt.timedelta(minutes=28))
        response = client.post("/phien/giu-ket-noi/")
        assert response.status_code == 200
        assert response.json() == {"active": True, "idle_seconds": 1800}
        traveller.shift(dt.timedelta(minutes=28))
        assert client.get("/tai-khoan/").status_code == 200


def test_it_answers_401_to_keepalive_once_expired(client, provider):
    with time_machine.travel(START, tick=False) as traveller:
        provider.login(client)
        traveller.shift(dt.timedelta(minutes=31))
        assert client.post("/phien/giu-ket-noi/").status_code == 401


def test_it_requires_csrf_and_post_for_keepalive(provider):
    client = Client(enforce_csrf_checks=True)
    provider.login(client)
    assert client.get("/phien/giu-ket-noi/").status_code == 405
    assert client.post("/phien/giu-ket-noi/").status_code == 403


def test_it_gives_the_page_what_session_js_needs(client, provider):
    provider.login(client)
    page = client.get("/").content.decode()
    assert 'data-session-idle="1800"' in page
    assert 'data-keepalive-url="/phien/giu-ket-noi/"' in page
    assert "portal/session.js" in page
    assert "Phiên làm việc sắp hết hạn" in page and "Tiếp tục làm việc" in page
    assert "<script>" not in page  # no inline scripts
