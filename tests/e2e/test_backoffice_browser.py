"""The officer back office (Một cửa điện tử) in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import latest_otp, shot, sms_count

pytestmark = pytest.mark.browser
PASSWORD = "Motcua@2024"


def officer_password_sign_in(stack, page: Page, username: str, phone: str) -> None:
    page.goto(f"{stack.province_url}/motcua/dang-nhap/")
    before = sms_count(stack, phone)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, phone, after=before))
    page.get_by_role("button", name="Xác nhận").click()


def test_it_signs_an_officer_in_with_the_issued_account_and_an_sms_code(stack, page: Page):
    officer_password_sign_in(stack, page, "admin.motcua", "0987000001")
    expect(page.get_by_role("heading", name="Trang làm việc")).to_be_visible()
    expect(page.get_by_text("admin.motcua").first).to_be_visible()
    shot(page, "backoffice-home")


def test_the_administration_pages_fit_a_phone(stack, phone: Page):
    """Wide tables scroll inside their cards; the visually hidden labels of an off-screen
    column (the suspension reason of each account) used to widen the page."""
    officer_password_sign_in(stack, phone, "admin.motcua", "0987000001")
    expect(phone.get_by_role("heading", name="Trang làm việc")).to_be_visible()
    phone.goto(f"{stack.province_url}/motcua/quan-tri/don-vi/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    accounts = phone.locator("a[href$='/tai-khoan/']").evaluate_all("links => links.map(a => a.href)")
    assert accounts
    for url in accounts[:5]:
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url


def test_it_lets_an_officer_update_the_profile_and_explains_bad_input(stack, page: Page):
    officer_password_sign_in(stack, page, "admin.motcua", "0987000001")
    page.goto(f"{stack.province_url}/motcua/trang-ca-nhan/cap-nhat/")
    page.get_by_label("Số CCCD (12 số)").fill("12345")
    page.get_by_role("button", name="Cập nhật").click()
    expect(page.get_by_text(re.compile("12 ký tự số|12 chữ số|12 số")).first).to_be_visible()
    page.goto(f"{stack.province_url}/motcua/trang-ca-nhan/cap-nhat/")
    page.get_by_label("Địa chỉ", exact=True).fill("Số 2 đường Chùa Chuông, phường Phố Hiến")
    page.get_by_role("button", name="Cập nhật").click()
    expect(page.get_by_text("Đã cập nhật thông tin cá nhân.")).to_be_visible()
    expect(page.get_by_text("Số 2 đường Chùa Chuông, phường Phố Hiến")).to_be_visible()
    shot(page, "backoffice-profile")


def test_an_officer_with_two_accounts_signs_in_with_vneid_chooses_and_switches(stack, page: Page):
    page.goto(f"{stack.province_url}/motcua/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng Tài khoản Định danh điện tử cấp bởi Bộ Công an").click()
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/dang-nhap/"))
    before = sms_count(stack, "0912345678")
    page.get_by_label("Số định danh cá nhân").fill("001099012345")
    page.get_by_label("Mật khẩu").fill("Vneid@2024")
    page.get_by_role("button", name="Đăng nhập").first.click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, "0912345678", after=before))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Chọn tài khoản làm việc")).to_be_visible()
    shot(page, "backoffice-choose-account")
    page.get_by_label(re.compile("an.motcua")).check()
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Trang làm việc")).to_be_visible()
    expect(page.locator("dd", has_text="an.motcua")).to_be_visible()
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name=re.compile("an.tuphap")).click()
    expect(page.locator("dd", has_text="an.tuphap")).to_be_visible()


def test_a_suspended_officer_cannot_sign_in(stack, page: Page):
    page.goto(f"{stack.province_url}/motcua/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("cuong.xaydung")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_text("Tài khoản đang bị tạm đình chỉ")).to_be_visible()
    expect(page.get_by_label("Mã OTP")).to_have_count(0)


def test_a_citizen_cannot_enter_the_back_office(stack, page: Page):
    page.goto(f"{stack.province_url}/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    before = sms_count(stack, "0912345678")
    page.get_by_label("Số định danh cá nhân").fill("001099012345")
    page.get_by_label("Mật khẩu").fill("Vneid@2024")
    page.get_by_role("button", name="Đăng nhập").first.click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, "0912345678", after=before))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(re.escape(stack.province_url)))
    page.goto(f"{stack.province_url}/motcua/trang-ca-nhan/")
    expect(page.get_by_role("heading", name="CÁN BỘ ĐĂNG NHẬP")).to_be_visible()
