"""QR login ("Cách 2"): the browser shows a QR, the VNeID app scans and approves it."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from sandbox.idp.models import AuditEvent, Client, QrLogin, QrStatus

from .personas import api, app_token, browser_qr, payload

pytestmark = pytest.mark.django_db


def _status(browser: HttpClient, qr: QrLogin) -> dict[str, Any]:
    response = browser.get(f"/dang-nhap/qr/{qr.id}/status.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _scan_and_approve(browser: HttpClient, phone: HttpClient, qr: QrLogin) -> str:
    token = app_token(phone)
    assert api(phone, "qr/scan", token, payload=payload(qr)).status_code == 200
    code = _status(browser, qr)["match_code"]
    response = api(phone, "qr/approve", token, request_id=qr.id, match_code=code)
    assert response.status_code == 200, response.content
    return token


def test_it_logs_the_browser_in_after_the_app_approves(an, browser, phone):
    Client.objects.create(
        client_id="province-portal",
        name="Cổng Dịch vụ công tỉnh Hưng Yên",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="http://127.0.0.1:8000/sso/callback/",
    )
    next_url = "/oauth2/authorize/?client_id=province-portal&response_type=code"
    qr = browser_qr(browser, next_url)
    assert qr.service_name == "Cổng Dịch vụ công tỉnh Hưng Yên"
    assert _status(browser, qr) == {"status": "pending", "match_code": None, "expires_in": 60}

    token = app_token(phone)
    scanned = api(phone, "qr/scan", token, payload=payload(qr))
    assert scanned.status_code == 200
    assert scanned.json()["request_id"] == qr.id
    assert scanned.json()["service_name"] == "Cổng Dịch vụ công tỉnh Hưng Yên"
    assert "expires_at" in scanned.json()

    seen = _status(browser, qr)
    assert seen["status"] == "scanned"
    assert seen["match_code"] == QrLogin.objects.get(pk=qr.id).match_code
    fragment = browser.get(f"/dang-nhap/qr/{qr.id}/").content.decode()
    assert "Mã đối chiếu:" in fragment
    assert seen["match_code"] in fragment
    assert "Nhập mã này trên ứng dụng VNeID để xác nhận" in fragment

    approved = api(phone, "qr/approve", token, request_id=qr.id, match_code=seen["match_code"])
    assert approved.json() == {"status": "approved"}
    assert _status(browser, qr)["status"] == "approved"
    assert 'action="/dang-nhap/qr/' in browser.get(f"/dang-nhap/qr/{qr.id}/").content.decode()

    response = browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/")
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert browser.session["_auth_user_id"] == str(an.pk)
    assert QrLogin.objects.get(pk=qr.id).status == QrStatus.USED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"qr_scan", "qr_approve", "qr_complete", "login_success"} <= actions
    # The phone never became signed in to the SSO.
    assert "_auth_user_id" not in phone.session


def test_it_names_the_national_portal_when_no_client_asks(an, browser):
    qr = browser_qr(browser)
    assert qr.service_name == "Cổng Dịch vụ công quốc gia"


def test_it_renders_the_qr_with_a_copyable_payload_and_countdown(browser, db):
    response = browser.post("/dang-nhap/qr/moi/")
    html = response.content.decode()
    assert response.status_code == 201
    assert "<svg" in html
    assert 'role="img"' in html
    assert 'aria-label="Mã QR đăng nhập bằng ứng dụng VNeID"' in html
    assert "Mã QR hết hạn sau" in html
    assert "01:00" in html
    assert "Không quét được? Sao chép mã" in html
    qr = QrLogin.objects.get()
    assert f'value="vneid-login:{qr.id}"' in html
    assert len(qr.match_code) == 2
    assert qr.match_code.isdigit()
    assert qr.browser_key_hash != browser.session["qr_browser_key"]
    assert qr.expires_at - qr.created_at == timedelta(seconds=60)


def test_it_shows_the_match_code_only_to_the_browser_that_showed_the_qr(an, browser, phone):
    qr = browser_qr(browser)
    api(phone, "qr/scan", app_token(phone), payload=payload(qr))
    stranger = HttpClient()
    assert _status(stranger, qr)["match_code"] is None
    assert stranger.get(f"/dang-nhap/qr/{qr.id}/").status_code == 404
    assert _status(browser, qr)["match_code"] is not None


def test_it_refuses_completion_from_another_browser(an, browser, phone):
    qr = browser_qr(browser)
    _scan_and_approve(browser, phone, qr)
    thief = HttpClient()
    browser_qr(thief)  # the thief has a browser key of their own
    response = thief.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/")
    assert response.status_code == 403
    assert "_auth_user_id" not in thief.session
    assert QrLogin.objects.get(pk=qr.id).status == QrStatus.APPROVED
    assert AuditEvent.objects.filter(action="qr_complete_refused").exists()
    assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 302


def test_it_completes_only_once(an, browser, phone):
    qr = browser_qr(browser)
    _scan_and_approve(browser, phone, qr)
    assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 302
    again = browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/")
    assert again.status_code == 400
    assert "đã được dùng" in again.content.decode()
    assert _status(browser, qr)["status"] == "used"


def test_it_does_not_complete_before_approval(an, browser, phone):
    qr = browser_qr(browser)
    api(phone, "qr/scan", app_token(phone), payload=payload(qr))
    assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 400
    assert "_auth_user_id" not in browser.session


def test_it_requires_the_csrf_token_to_create_and_complete(an, browser, phone):
    assert HttpClient(enforce_csrf_checks=True).post("/dang-nhap/qr/moi/").status_code == 403
    qr = browser_qr(browser)
    _scan_and_approve(browser, phone, qr)
    browser.get(f"/dang-nhap/qr/{qr.id}/")  # the approved fragment sets the CSRF cookie
    strict = HttpClient(enforce_csrf_checks=True)
    strict.cookies = browser.cookies
    assert strict.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 403
    token = browser.cookies["nsso_csrftoken"].value
    response = strict.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_it_does_not_complete_a_refused_qr(an, browser, phone):
    qr = browser_qr(browser)
    token = app_token(phone)
    api(phone, "qr/scan", token, payload=payload(qr))
    assert api(phone, "qr/refuse", token, request_id=qr.id).json() == {"status": "refused"}
    assert _status(browser, qr)["status"] == "refused"
    fragment = browser.get(f"/dang-nhap/qr/{qr.id}/").content.decode()
    assert "Yêu cầu đăng nhập đã bị từ chối trên ứng dụng VNeID." in fragment
    assert "Lấy mã QR mới" in fragment
    assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 400
    assert "_auth_user_id" not in browser.session
    assert AuditEvent.objects.filter(action="qr_refuse").exists()


def test_it_refuses_the_qr_after_three_wrong_match_codes(an, browser, phone):
    qr = browser_qr(browser)
    token = app_token(phone)
    api(phone, "qr/scan", token, payload=payload(qr))
    wrong = f"{(int(qr.match_code) + 1) % 100:02d}"
    first = api(phone, "qr/approve", token, request_id=qr.id, match_code=wrong)
    assert first.status_code == 400
    assert first.json()["error"] == "Mã đối chiếu không đúng. Bạn còn 2 lần thử."
    api(phone, "qr/approve", token, request_id=qr.id, match_code=wrong)
    third = api(phone, "qr/approve", token, request_id=qr.id, match_code=wrong)
    assert third.status_code == 409
    assert third.json()["code"] == "too_many_failures"
    assert _status(browser, qr)["status"] == "refused"
    right = api(phone, "qr/approve", token, request_id=qr.id, match_code=qr.match_code)
    assert right.status_code == 409
    assert AuditEvent.objects.filter(action="qr_match_failed").count() == 3


def test_it_does_not_scan_an_expired_qr(an, browser, phone):
    qr = browser_qr(browser)
    token = app_token(phone)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert _status(browser, qr) == {"status": "expired", "match_code": None, "expires_in": 0}
        response = api(phone, "qr/scan", token, payload=payload(qr))
        assert response.status_code == 400
        assert response.json()["code"] == "expired"


def test_it_does_not_approve_an_expired_qr(an, browser, phone):
    qr = browser_qr(browser)
    token = app_token(phone)
    api(phone, "qr/scan", token, payload=payload(qr))
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = api(phone, "qr/approve", token, request_id=qr.id, match_code=qr.match_code)
        assert response.status_code == 400
        assert response.json()["code"] == "expired"
    assert QrLogin.objects.get(pk=qr.id).status == QrStatus.SCANNED


def test_it_does_not_complete_an_expired_qr(an, browser, phone):
    qr = browser_qr(browser)
    _scan_and_approve(browser, phone, qr)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 400
    assert "_auth_user_id" not in browser.session


def test_it_gives_a_fresh_qr_when_the_old_one_expires(browser, db):
    old = browser_qr(browser)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert "Mã QR đã hết hạn" in browser.get(f"/dang-nhap/qr/{old.id}/").content.decode()
        new = browser_qr(browser)
        assert new.id != old.id
        assert _status(browser, new)["status"] == "pending"


def test_it_rate_limits_qr_creation_per_session(browser, db):
    for _ in range(30):
        assert browser.post("/dang-nhap/qr/moi/").status_code == 201
    response = browser.post("/dang-nhap/qr/moi/")
    assert response.status_code == 429
    assert "quá nhiều mã QR" in response.content.decode()
    assert HttpClient().post("/dang-nhap/qr/moi/").status_code == 201


def test_it_does_not_let_another_account_take_over_a_scanned_qr(an, ba, browser, phone):
    qr = browser_qr(browser)
    api(phone, "qr/scan", app_token(phone), payload=payload(qr))
    other_phone = HttpClient()
    other = app_token(other_phone, number=ba.username)
    assert api(other_phone, "qr/scan", other, payload=payload(qr)).status_code == 409
    response = api(other_phone, "qr/approve", other, request_id=qr.id, match_code=qr.match_code)
    assert response.status_code == 404


def test_it_rejects_a_payload_that_is_not_a_login_qr(an, phone):
    response = api(phone, "qr/scan", app_token(phone), payload="https://example.com/")
    assert response.status_code == 400
    assert response.json()["error"] == "Mã QR không hợp lệ."


def test_it_lets_a_level_1_account_sign_in_and_keeps_its_level(ba, browser, phone):
    qr = browser_qr(browser)
    token = app_token(phone, number=ba.username)
    api(phone, "qr/scan", token, payload=payload(qr))
    code = _status(browser, qr)["match_code"]
    assert api(phone, "qr/approve", token, request_id=qr.id, match_code=code).status_code == 200
    assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 302
    assert browser.session["_auth_user_id"] == str(ba.pk)
    ba.refresh_from_db()
    assert ba.level == 1


def test_it_refuses_a_level_1_account_when_level_2_is_required(ba, browser, phone, settings):
    settings.SANDBOX = {**settings.SANDBOX, "QR_MIN_LEVEL": 2}
    qr = browser_qr(browser)
    token = app_token(phone, number=ba.username)
    api(phone, "qr/scan", token, payload=payload(qr))
    response = api(phone, "qr/approve", token, request_id=qr.id, match_code=qr.match_code)
    assert response.status_code == 403
    assert response.json()["error"] == (
        "Tài khoản định danh mức 1 không dùng được để đăng nhập dịch vụ công, vui lòng nâng cấp lên mức 2."
    )
    assert _status(browser, qr)["status"] == "refused"


def test_it_shows_the_qr_block_on_the_login_page(browser, db):
    html = browser.get("/dang-nhap/").content.decode()
    assert "Hoặc quét mã QR bằng ứng dụng VNeID để đăng nhập." in html
    assert "sandbox/qr.js" in html
    assert 'data-create-url="/dang-nhap/qr/moi/"' in html
    assert 'aria-live="polite"' in html


def test_it_returns_an_authorization_code_to_the_client_after_a_qr_login(an, browser, phone):
    call_command(
        "register_client",
        "--client-id", "province-portal",
        "--secret", "province-portal-demo-secret",
        "--name", "Cổng Dịch vụ công tỉnh Hưng Yên",
        "--redirect-uri", "http://127.0.0.1:8000/sso/callback/",
    )  # fmt: skip
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    authorize = "/oauth2/authorize/?" + urlencode(
        {
            "response_type": "code",
            "client_id": "province-portal",
            "redirect_uri": "http://127.0.0.1:8000/sso/callback/",
            "scope": "openid",
            "state": "st-1",
            "nonce": "n-1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    to_login = browser.get(authorize)
    assert to_login.status_code == 302
    login_page = browser.get(to_login["Location"])
    assert "Hoặc quét mã QR bằng ứng dụng VNeID để đăng nhập." in login_page.content.decode()
    next_url = parse_qs(urlparse(to_login["Location"]).query)["next"][0]

    qr = browser_qr(browser, next_url)
    assert qr.service_name == "Cổng Dịch vụ công tỉnh Hưng Yên"
    _scan_and_approve(browser, phone, qr)
    done = browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/")
    assert done.status_code == 302
    back = browser.get(done["Location"])
    assert back.status_code == 302
    assert back["Location"].startswith("http://127.0.0.1:8000/sso/callback/?")
    assert "code" in parse_qs(urlparse(back["Location"]).query)
