"""The JSON API behind the simulated VNeID app, and its sign-in rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from sandbox.idp.models import AuditEvent
from sandbox.vneid_app.models import AppSession
from tests.sandbox.qr.personas import AN_NUMBER, PASSCODE, api, app_token, browser_qr, payload

pytestmark = pytest.mark.django_db

SAME_MESSAGE = "Số định danh hoặc mật mã không đúng."


def _session(phone, number: str = AN_NUMBER, passcode: str = PASSCODE):
    return phone.post(
        "/app/api/session",
        {"so_dinh_danh": number, "passcode": passcode},
        content_type="application/json",
    )


def test_it_issues_a_token_and_stores_only_its_hash(an, phone):
    response = _session(phone)
    assert response.status_code == 200
    token = response.json()["token"]
    stored = AppSession.objects.get()
    assert stored.account == an
    assert token not in stored.token_hash
    assert stored.expires_at - stored.created_at == timedelta(minutes=10)
    assert "_auth_user_id" not in phone.session


def test_it_answers_a_wrong_passcode_like_an_unknown_number(an, phone):
    wrong = _session(phone, passcode="111111")
    unknown = _session(phone, number="001099099999")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": SAME_MESSAGE, "code": "sign_in_failed"}


def test_it_checks_the_number_format(phone, db):
    response = _session(phone, number="0010990")
    assert response.status_code == 400
    assert response.json()["error"] == "Số định danh cá nhân phải đúng 12 ký tự số"


def test_it_locks_the_identity_after_five_failures(an, phone):
    for _ in range(4):
        assert _session(phone, passcode="111111").json()["error"] == SAME_MESSAGE
    fifth = _session(phone, passcode="111111")
    assert "tạm thời bị khóa" in fifth.json()["error"]
    locked = _session(phone)
    assert locked.status_code == 401
    assert "tạm thời bị khóa" in locked.json()["error"]
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert _session(phone).status_code == 200


def test_it_locks_an_unknown_number_the_same_way(phone, db):
    for _ in range(5):
        _session(phone, number="001099099999")
    assert "tạm thời bị khóa" in _session(phone, number="001099099999").json()["error"]


def test_it_grows_the_lock_after_repeated_lockouts(an, phone):
    for _ in range(5):
        _session(phone, passcode="111111")
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        for _ in range(5):
            _session(phone, passcode="111111")
        assert "2 phút" in _session(phone).json()["error"]


def test_it_refuses_api_calls_without_a_token(an, phone, browser):
    qr = browser_qr(browser)
    response = api(phone, "qr/scan", None, payload=payload(qr))
    assert response.status_code == 401
    assert response.json()["error"] == "Phiên đăng nhập ứng dụng không hợp lệ hoặc đã hết hạn."
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert api(phone, "qr/scan", "not-a-token", payload=payload(qr)).status_code == 401
    assert api(phone, "qr/approve", None, request_id=qr.id, match_code="00").status_code == 401
    assert api(phone, "qr/refuse", None, request_id=qr.id).status_code == 401


def test_it_expires_the_app_session_after_ten_minutes(an, phone, browser):
    token = app_token(phone)
    qr = browser_qr(browser)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        assert api(phone, "qr/scan", token, payload=payload(qr)).status_code == 401


def test_it_rejects_a_body_that_is_not_json(an, phone):
    response = phone.post(
        "/app/api/qr/scan",
        "not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {app_token(phone)}"},
    )
    assert response.status_code == 400


def test_it_audits_app_sign_in_and_failures(an, phone):
    _session(phone, passcode="111111")
    _session(phone)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "app_login_failed" in actions
    assert "app_login" in actions
