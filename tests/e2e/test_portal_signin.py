"""Citizen sign-in to the provincial portal through the sandbox SSO, in a real browser."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from .conftest import latest_otp, shot, sms_count

pytestmark = pytest.mark.browser
AN = "001099012345"
AN_PHONE = "0912345678"


def start_sign_in(stack, page: Page) -> None:
    page.goto(f"{stack.province_url}/tai-khoan/")
    expect(page.get_by_text("CÔNG DÂN/DOANH NGHIỆP ĐĂNG NHẬP")).to_be_visible()
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/dang-nhap/"))


def vneid_password(stack, page: Page) -> None:
    before = sms_count(stack, AN_PHONE)
    page.get_by_label("Số định danh cá nhân").fill(AN)
    page.get_by_label("Mật khẩu").fill("Vneid@2024")
    page.get_by_role("button", name="Đăng nhập").first.click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, AN_PHONE, after=before))
    page.get_by_role("button", name="Xác nhận").click()


def signed_in(stack, page: Page) -> None:
    page.wait_for_url(f"{stack.province_url}/tai-khoan/")
    expect(page.get_by_role("heading", name=re.compile("NGUYỄN VĂN AN"))).to_be_visible()
    expect(page.get_by_text("Đã xác thực").first).to_be_visible()


def test_it_signs_a_citizen_in_with_vneid_password_and_sms_code(stack, page: Page):
    start_sign_in(stack, page)
    vneid_password(stack, page)
    signed_in(stack, page)
    body = page.content()
    assert "001099012345" not in body  # numbers are shown masked
    assert "0912345678" not in body
    shot(page, "portal-account")


def test_it_signs_a_citizen_in_by_qr_with_the_vneid_app(stack, page: Page, phone: Page):
    start_sign_in(stack, page)
    payload_el = page.locator("[data-qr-payload]")
    payload_el.wait_for(state="attached")
    payload = (payload_el.get_attribute("value") or "").strip()
    phone.goto(f"{stack.sandbox_url}/app/")
    phone.get_by_label("Số định danh cá nhân").fill(AN)
    phone.get_by_label("Mật mã (6 chữ số)").fill("123456")
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_role("link", name="Quét mã QR").click()
    phone.get_by_label("Mã QR").fill(payload)
    phone.get_by_role("button", name="Quét").click()
    expect(phone.get_by_text("Cổng Dịch vụ công tỉnh")).to_be_visible()
    code = page.locator("[data-match-code]").inner_text().strip()
    phone.get_by_label("Nhập mã đối chiếu đang hiển thị trên màn hình đăng nhập").fill(code)
    phone.get_by_role("button", name="Đồng ý").click()
    phone.get_by_role("button", name="Đóng").click()
    signed_in(stack, page)


def test_it_asks_for_credentials_again_after_signing_out(stack, page: Page):
    start_sign_in(stack, page)
    vneid_password(stack, page)
    signed_in(stack, page)
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(re.escape(stack.province_url) + r"/(\?.*)?$"))
    page.goto(f"{stack.province_url}/tai-khoan/")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/dang-nhap/"))
    expect(page.get_by_label("Số định danh cá nhân")).to_be_visible()


def test_it_ends_the_portal_session_when_the_sso_session_ends(stack, page: Page):
    start_sign_in(stack, page)
    vneid_password(stack, page)
    signed_in(stack, page)
    page.goto(f"{stack.sandbox_url}/tai-khoan/")
    page.get_by_role("button", name="Đăng xuất").click()  # at the SSO: back-channel logout
    page.goto(f"{stack.province_url}/tai-khoan/")
    expect(page.get_by_text("CÔNG DÂN/DOANH NGHIỆP ĐĂNG NHẬP")).to_be_visible()


def test_it_ends_an_idle_session(stack, page: Page):
    start_sign_in(stack, page)
    vneid_password(stack, page)
    signed_in(stack, page)
    # the warning shows 2 minutes before expiry (here at once: the test's idle limit is 60 s)
    expect(page.locator("#session-warning")).to_be_visible()
    shot(page, "portal-session-warning")
    # no activity: the page reloads itself after expiry and says why the user is signed out
    time.sleep(stack.idle_seconds + 3)
    expect(page.get_by_text("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.")).to_be_visible(timeout=15000)
    page.goto(f"{stack.province_url}/tai-khoan/")
    expect(page.get_by_text("CÔNG DÂN/DOANH NGHIỆP ĐĂNG NHẬP")).to_be_visible()


def test_the_portal_fits_a_phone_screen(stack, phone: Page):
    phone.goto(f"{stack.province_url}/dang-nhap/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "portal-login-phone")
