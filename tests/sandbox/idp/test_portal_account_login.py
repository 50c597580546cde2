from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from sandbox.idp.models import OtpChallenge

from .conftest import last_code

pytestmark = pytest.mark.django_db


def post(client, username="125678901", password="Dvcqg@2024", captcha="PASSED"):
    return client.post(
        "/dang-nhap/dvcqg/",
        {
            "cach": "dvcqg",
            "ten_dang_nhap": username,
            "mat_khau": password,
            "ma_xac_thuc_0": "x",
            "ma_xac_thuc_1": captcha,
        },
    )


def test_it_shows_username_password_and_captcha(client, db):
    page = client.get("/dang-nhap/?cach=dvcqg").content.decode()
    assert "Mã xác thực" in page and "Tên đăng nhập" in page
    assert "captcha" in page


def test_it_signs_a_cmnd_account_in_with_a_two_minute_code(client, legacy_cmnd):
    response = post(client)
    assert response.status_code == 302
    challenge = OtpChallenge.objects.get()
    assert challenge.expires_at - challenge.created_at == timedelta(minutes=2)
    done = client.post("/dang-nhap/otp/", {"ma_otp": last_code("0987654321"), "action": "confirm"})
    assert done.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200


def test_it_expires_the_portal_code_after_two_minutes(client, legacy_cmnd):
    post(client)
    code = last_code("0987654321")
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=1)):
        response = client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})
    assert "Mã OTP đã hết hạn" in response.content.decode()


def test_it_rejects_a_wrong_captcha(client, legacy_cmnd, settings):
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = client.post(
        "/dang-nhap/dvcqg/",
        {
            "cach": "dvcqg",
            "ten_dang_nhap": "125678901",
            "mat_khau": "Dvcqg@2024",
            "ma_xac_thuc_0": key,
            "ma_xac_thuc_1": answer + "x",
        },
    )
    assert response.status_code == 400
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not OtpChallenge.objects.exists()


@pytest.mark.parametrize("username", ["", "12345", "abcdefghi", "1234567890123456"])
def test_it_rejects_malformed_usernames(client, legacy_cmnd, username):
    response = post(client, username=username)
    assert response.status_code == 400
    assert not OtpChallenge.objects.exists()


def test_it_gives_one_message_for_wrong_password_and_unknown_user(client, legacy_cmnd):
    wrong = post(client, password="Khac@2024").content.decode()
    unknown = post(client, username="125000000").content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in unknown


def test_it_signs_a_business_in_by_tax_code(client, business_account):
    assert post(client, username="0901234567", password="Doanhnghiep@2024").status_code == 302
