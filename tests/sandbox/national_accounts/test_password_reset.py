from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.idp.models import AuditEvent, LoginMethod, OtpChallenge, SsoSession
from sandbox.idp.views import authenticate_password
from sandbox.sms.models import Message
from tests.sandbox.idp.conftest import last_code

from .conftest import CAPTCHA

pytestmark = pytest.mark.django_db

URL = "/quen-mat-khau/"
OTP = URL + "xac-thuc/"
PASSWORD = URL + "mat-khau-moi/"
DONE = URL + "thanh-cong/"
LEAD = "Nếu tài khoản tồn tại, mã xác thực đã được gửi đến số điện thoại đã đăng ký."
NEW_PASSWORD = "Binh#Moi2025"
BACKCHANNEL = "http://127.0.0.1:8000/sso/backchannel-logout/"


def ask(client: Client, username: str = "125678901", **extra: str) -> Any:
    return client.post(URL, {"ten_dang_nhap": username, **CAPTCHA, **extra})


def new_password(client: Client, password: str = NEW_PASSWORD, confirmation: str | None = None) -> Any:
    return client.post(
        PASSWORD, {"mat_khau": password, "xac_nhan_mat_khau": password if confirmation is None else confirmation}
    )


def test_it_sends_a_code_to_the_registered_phone(client, legacy_cmnd):
    assert ask(client)["Location"] == OTP
    challenge = OtpChallenge.objects.get()
    assert challenge.purpose == "reset" and challenge.account == legacy_cmnd
    assert challenge.expires_at - challenge.created_at == timedelta(minutes=2)
    assert Message.objects.get().to == "0987654321"
    page = client.get(OTP).content.decode()
    assert LEAD in page and "098****321" in page


def test_it_shows_the_same_page_for_an_unknown_username_and_sends_nothing(client, legacy_cmnd):
    response = ask(client, "125000000")
    assert response.status_code == 302 and response["Location"] == OTP
    page = client.get(OTP).content.decode()
    assert LEAD in page and "****" in page
    assert not Message.objects.exists()
    # The decoy accepts no code and answers like a real challenge.
    wrong = client.post(OTP, {"ma_otp": "123456", "action": "confirm"})
    assert "Mã OTP không đúng. Bạn còn 4 lần thử." in wrong.content.decode()
    assert client.get(PASSWORD)["Location"] == URL


def test_it_shows_a_stable_masked_number_for_an_unknown_username(client, db):
    ask(client, "125000000")
    first = client.get(OTP).content.decode()
    other = Client()
    ask(other, "125000000")
    second = other.get(OTP).content.decode()
    masked = OtpChallenge.objects.order_by("created_at")[0].phone
    assert masked[:3] in first and masked[-3:] in first
    assert OtpChallenge.objects.values("phone").distinct().count() == 1
    assert LEAD in second


def test_it_does_not_send_a_reset_code_for_a_vneid_account(client, an):
    assert ask(client, "001099012345")["Location"] == OTP
    assert not Message.objects.exists()


@pytest.mark.parametrize("username", ["", "12345", "abcdefghi"])
def test_it_rejects_a_malformed_username(client, legacy_cmnd, username):
    response = ask(client, username)
    assert response.status_code == 400
    assert not OtpChallenge.objects.exists()


def test_it_rejects_a_wrong_captcha(client, legacy_cmnd, settings):
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = client.post(URL, {"ten_dang_nhap": "125678901", "ma_xac_thuc_0": key, "ma_xac_thuc_1": answer + "x"})
    assert response.status_code == 400
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not Message.objects.exists()


def test_it_changes_the_password(client, legacy_cmnd):
    ask(client)
    assert client.post(OTP, {"ma_otp": last_code("0987654321"), "action": "confirm"})["Location"] == PASSWORD
    assert new_password(client)["Location"] == DONE
    assert "Đổi mật khẩu thành công" in client.get(DONE).content.decode()
    assert authenticate_password(kind="portal", username="125678901", password=NEW_PASSWORD) == legacy_cmnd
    assert authenticate_password(kind="portal", username="125678901", password="Dvcqg@2024") is None
    assert AuditEvent.objects.filter(action="password_reset", account=legacy_cmnd).count() == 1


@responses.activate
def test_it_ends_every_sso_session_of_the_account(client, legacy_cmnd, rp):
    responses.add(responses.POST, BACKCHANNEL, status=200)
    elsewhere = Client()
    elsewhere.post(
        "/dang-nhap/dvcqg/", {"cach": "dvcqg", "ten_dang_nhap": "125678901", "mat_khau": "Dvcqg@2024", **CAPTCHA}
    )
    elsewhere.post("/dang-nhap/otp/", {"ma_otp": last_code("0987654321"), "action": "confirm"})
    assert elsewhere.get("/tai-khoan/").status_code == 200
    signed_in = SsoSession.objects.get(account=legacy_cmnd)
    signed_in.clients.add(rp)
    other = SsoSession.objects.create(
        sid=secrets.token_urlsafe(32), account=legacy_cmnd, method=LoginMethod.PORTAL_PASSWORD
    )

    ask(client)
    client.post(OTP, {"ma_otp": last_code("0987654321"), "action": "confirm"})
    new_password(client)

    assert not SsoSession.objects.filter(account=legacy_cmnd, ended_at__isnull=True).exists()
    assert {signed_in.sid, other.sid} == set(
        SsoSession.objects.filter(ended_at__isnull=False).values_list("sid", flat=True)
    )
    assert len(responses.calls) == 1  # the relying party of the signed-in session was told
    assert parse_qs(responses.calls[0].request.body)["logout_token"]
    assert elsewhere.get("/tai-khoan/").status_code == 302  # the other browser is signed out


def test_it_applies_the_password_policy(client, legacy_cmnd):
    ask(client)
    client.post(OTP, {"ma_otp": last_code("0987654321"), "action": "confirm"})
    weak = new_password(client, "P@ssw0rd")
    assert weak.status_code == 400 and "Mật khẩu này quá phổ biến" in weak.content.decode()
    mismatch = new_password(client, NEW_PASSWORD, "Binh#Moi2026")
    assert "Mật khẩu xác nhận không khớp" in mismatch.content.decode()
    assert authenticate_password(kind="portal", username="125678901", password="Dvcqg@2024") == legacy_cmnd


def test_it_refuses_to_skip_to_the_password_step(client, legacy_cmnd):
    assert client.get(PASSWORD)["Location"] == URL
    ask(client)
    assert new_password(client)["Location"] == URL
    assert authenticate_password(kind="portal", username="125678901", password=NEW_PASSWORD) is None


def test_it_expires_the_reset_code_after_two_minutes(client, legacy_cmnd):
    ask(client)
    code = last_code("0987654321")
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=1)):
        response = client.post(OTP, {"ma_otp": code, "action": "confirm"})
    assert "Mã OTP đã hết hạn" in response.content.decode()


def test_it_shares_the_lock_of_the_portal_login(client, legacy_cmnd):
    ask(client)
    for _ in range(4):
        client.post(OTP, {"ma_otp": "abcdef", "action": "confirm"})
    response = client.post(OTP, {"ma_otp": "abcdef", "action": "confirm"})
    assert response.status_code == 302
    again = ask(Client())
    assert again.status_code == 429 and "tạm thời bị khóa" in again.content.decode()


def test_it_resends_for_an_unknown_username_without_sending(client, db):
    ask(client, "125000000")
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.post(OTP, {"action": "resend"})["Location"] == OTP
    assert not Message.objects.exists()
