"""The SSO sign-in pages and the VNeID app speak English when the browser asks for it.

The strings come from ``sandbox/locale/en/LC_MESSAGES/django.po`` (idp, vneid_app and the
shared ``base.html``); Vietnamese stays the default.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

LOGIN = "/dang-nhap/"
PORTAL_TAB = "/dang-nhap/?cach=dvcqg"
APP_SIGN_IN = "/app/dang-nhap/"

# (Vietnamese, English) pairs expected on each page.
LOGIN_STRINGS = [
    ("Đăng nhập bằng tài khoản VNeID", "Sign in with VNeID"),
    ("Số định danh cá nhân", "Personal identification number"),
    ("Mật khẩu", "Password"),
    ("Đăng nhập bằng mã QR", "Sign in with a QR code"),
    ("Tài khoản cấp bởi Cổng Dịch vụ công quốc gia", "Account issued by the National Public Service Portal"),
    ("Bỏ qua đến nội dung chính", "Skip to main content"),
    ("MÔI TRƯỜNG MÔ PHỎNG", "SIMULATED ENVIRONMENT"),
]
PORTAL_STRINGS = [
    ("Tên đăng nhập (số CMND/CCCD hoặc mã số doanh nghiệp)", "Username (ID card number or business code)"),
    ("Mã xác thực", "Verification code"),
    ("Quên mật khẩu?", "Forgot your password?"),
]
APP_STRINGS = [
    ("Đăng nhập ứng dụng VNeID", "Sign in to the VNeID app"),
    ("Số định danh cá nhân", "Personal identification number"),
    ("Mật mã (6 chữ số)", "Passcode (6 digits)"),
    ("Đây là ứng dụng mô phỏng", "This is a simulated app"),
]
PAGES = [(LOGIN, LOGIN_STRINGS), (PORTAL_TAB, PORTAL_STRINGS), (APP_SIGN_IN, APP_STRINGS)]


@pytest.fixture(autouse=True)
def _isolated():
    # LocaleMiddleware activates the request's language in this thread: put it back after.
    cache.clear()
    with translation.override("vi"):
        yield
    cache.clear()


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("url", "strings"), PAGES)
def test_pages_speak_english_when_asked(client, db, url, strings):
    page = _page(client, url, "en")
    for vietnamese, english in strings:
        assert english in page
        assert vietnamese not in page


@pytest.mark.parametrize(("url", "strings"), PAGES)
def test_pages_stay_vietnamese_when_asked(client, db, url, strings):
    page = _page(client, url, "vi")
    for vietnamese, english in strings:
        assert vietnamese in page
        assert english not in page


def test_vietnamese_is_the_default(client, db):
    page = client.get(LOGIN).content.decode()
    assert "Đăng nhập bằng tài khoản VNeID" in page and "Sign in with VNeID" not in page


def test_sign_in_errors_speak_english(client, db):
    wrong = client.post(
        "/dang-nhap/vneid/",
        {"so_dinh_danh": "001099000000", "mat_khau": "not-the-password"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert wrong.status_code == 400
    assert "The personal identification number or password is wrong." in wrong.content.decode()

    malformed = client.post(APP_SIGN_IN, {"so_dinh_danh": "123", "passcode": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    body = malformed.content.decode()
    assert "The personal identification number must be exactly 12 digits" in body
    assert "The passcode must be exactly 6 digits" in body
    assert "phải đúng 12 ký tự số" not in body
