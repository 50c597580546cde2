"""The sandbox's own pages in a real browser: VNeID password + OTP, and QR with the phone app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import latest_otp, shot, sms_count

pytestmark = pytest.mark.browser
AN = "001099012345"
AN_PHONE = "0912345678"


def test_it_signs_in_with_vneid_password_and_the_sms_code(stack, page: Page):
    page.goto(f"{stack.sandbox_url}/dang-nhap/")
    before = sms_count(stack, AN_PHONE)
    page.get_by_label("Số định danh cá nhân").fill(AN)
    page.get_by_label("Mật khẩu").fill("Vneid@2024")
    page.get_by_role("button", name="Đăng nhập").first.click()
    expect(page.get_by_text("091****678")).to_be_visible()
    expect(page.locator("#otp-countdown")).to_have_text(re.compile(r"Mã sẽ hết hạn 0[23]:[0-5]\d"))
    shot(page, "sandbox-otp")
    page.get_by_label("Mã OTP").fill(latest_otp(stack, AN_PHONE, after=before))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Bạn đã đăng nhập hệ thống định danh")).to_be_visible()


def test_it_explains_malformed_input_in_vietnamese(stack, page: Page):
    page.goto(f"{stack.sandbox_url}/dang-nhap/")
    page.get_by_label("Số định danh cá nhân").fill("12345")
    page.get_by_role("button", name="Đăng nhập").first.click()
    expect(page.get_by_text("Số định danh cá nhân phải đúng 12 ký tự số")).to_be_visible()
    expect(page.get_by_text("Mật khẩu không được bỏ trống")).to_be_visible()


def test_it_signs_in_by_scanning_the_qr_with_the_vneid_app(stack, page: Page, phone: Page):
    page.goto(f"{stack.sandbox_url}/dang-nhap/")
    expect(page.get_by_text("Hoặc quét mã QR bằng ứng dụng VNeID để đăng nhập.")).to_be_visible()
    payload_el = page.locator("[data-qr-payload]")
    payload_el.wait_for(state="attached")
    payload = (payload_el.get_attribute("value") or "").strip()
    assert payload.startswith("vneid-login:")
    shot(page, "sandbox-login-qr")

    phone.goto(f"{stack.sandbox_url}/app/")
    phone.get_by_label("Số định danh cá nhân").fill(AN)
    phone.get_by_label("Mật mã (6 chữ số)").fill("123456")
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_role("link", name="Quét mã QR").click()
    phone.get_by_label("Mã QR").fill(payload)
    phone.get_by_role("button", name="Quét").click()

    match = page.locator("[data-match-code]")
    expect(match).to_be_visible()
    code = match.inner_text().strip()
    assert re.fullmatch(r"\d{2}", code)
    shot(phone, "vneid-app-request")
    phone.get_by_label("Nhập mã đối chiếu đang hiển thị trên màn hình đăng nhập").fill(code)
    phone.get_by_role("button", name="Đồng ý").click()
    expect(phone.get_by_role("button", name="Đóng")).to_be_visible()
    phone.get_by_role("button", name="Đóng").click()

    expect(page.get_by_text("Bạn đã đăng nhập hệ thống định danh")).to_be_visible(timeout=20000)


def test_the_login_page_fits_a_phone_screen(stack, phone: Page):
    phone.goto(f"{stack.sandbox_url}/dang-nhap/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "sandbox-login-phone")
