"""Legacy national-portal accounts moving to VNeID (seeds 002, 003, 004), in a real browser.

The people used here come from the deterministic demo seed (`python -m sandbox seed_demo`):
a CMND-only account 064554007 whose holder also has VNeID 056049591564 (phone 0397818878),
and NGUYỄN ĐỨC HIẾU (024047786114, born 17/07/1947, SIM 0383814667) who has no account.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from bin.stack import PY, REPO, free_port, wait_for

from .conftest import latest_otp, shot, sms_count

pytestmark = pytest.mark.browser
CMND, CMND_PHONE, CCCD = "064554007", "0397818878", "056049591564"


def sandbox_portal_account_sign_in(stack, page: Page, username: str, password: str, phone: str) -> None:
    page.get_by_role("link", name="Tài khoản cấp bởi Cổng Dịch vụ công quốc gia").click()
    before = sms_count(stack, phone)
    page.get_by_label("Tên đăng nhập (số CMND/CCCD hoặc mã số doanh nghiệp)").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_label("Mã xác thực").fill("PASSED")  # captcha test mode in the browser-test stack
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, phone, after=before))
    page.get_by_role("button", name="Xác nhận").click()


def vneid_sign_in(stack, page: Page, number: str, phone: str) -> None:
    before = sms_count(stack, phone)
    page.get_by_label("Số định danh cá nhân").fill(number)
    page.get_by_label("Mật khẩu").fill("Vneid@2024")
    page.get_by_role("button", name="Đăng nhập").first.click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, phone, after=before))
    page.get_by_role("button", name="Xác nhận").click()


def go_to_sso(stack, page: Page, base: str | None = None) -> None:
    page.goto(f"{base or stack.province_url}/tai-khoan/")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/dang-nhap/"))


def test_it_registers_a_national_portal_account_by_mobile_subscription(stack, page: Page):
    page.goto(f"{stack.sandbox_url}/dang-ky/")
    page.get_by_role("link", name="Thuê bao di động").click()
    page.get_by_label("Số CMND/CCCD").fill("024047786114")
    page.get_by_label("Họ tên").fill("Nguyễn Đức Hiếu")
    page.get_by_label("Ngày sinh").fill("17/07/1947")
    page.get_by_label("Số điện thoại").fill("0383814667")
    page.get_by_label("Mã xác thực").fill("PASSED")
    before = sms_count(stack, "0383814667")
    page.get_by_role("button", name="Đăng ký").click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, "0383814667", after=before))
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("matkhau123")
    page.get_by_label("Xác nhận mật khẩu").fill("matkhau123")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text(re.compile("chữ in hoa|chữ hoa")).first).to_be_visible()  # policy of seed 002
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("Hieu@1947vn")
    page.get_by_label("Xác nhận mật khẩu").fill("Hieu@1947vn")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Tạo tài khoản thành công")).to_be_visible()
    shot(page, "sandbox-register-done")


def test_a_cmnd_account_keeps_its_data_when_it_adds_its_cccd_and_links_with_vneid(stack, page: Page):
    go_to_sso(stack, page)
    sandbox_portal_account_sign_in(stack, page, CMND, "Dvcqg@2024", CMND_PHONE)
    expect(page.get_by_text(re.compile("Tài khoản của bạn chưa cập nhật số CCCD"))).to_be_visible()
    shot(page, "portal-cccd-prompt")
    page.get_by_role("button", name="Bỏ qua").click()
    page.wait_for_url(f"{stack.province_url}/tai-khoan/")

    # data of the old account: a document in "Kho dữ liệu cá nhân, tổ chức"
    page.goto(f"{stack.province_url}/kho-du-lieu/")
    page.get_by_label("Tên giấy tờ").fill("Bản sao giấy khai sinh")
    page.get_by_label("Tệp (PDF, JPEG, PNG, DOCX, XLSX)").set_input_files(
        files=[
            {"name": "khai-sinh.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"}
        ]
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("link", name="Bản sao giấy khai sinh")).to_be_visible()

    # later, from the account page: "Cập nhật số CCCD"
    page.goto(f"{stack.province_url}/tai-khoan/")
    page.get_by_role("link", name="Cập nhật số CCCD").first.click()
    page.get_by_role("textbox", name="Số CCCD").fill("056049591599")  # the registry does not match it
    page.get_by_role("button", name="Cập nhật").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    page.get_by_role("textbox", name="Số CCCD").fill(CCCD)
    page.get_by_role("button", name="Cập nhật").click()
    page.goto(f"{stack.province_url}/tai-khoan/")
    expect(page.get_by_role("link", name="Cập nhật số CCCD")).to_have_count(0)

    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    go_to_sso(stack, page)
    vneid_sign_in(stack, page, CCCD, CMND_PHONE)
    page.wait_for_url(f"{stack.province_url}/tai-khoan/")
    linked = page.locator("section", has=page.get_by_role("heading", name="Liên kết tài khoản"))
    expect(linked.get_by_text("Tài khoản Cổng DVCQG")).to_be_visible()  # the old account, same person
    expect(linked.get_by_text(re.compile("VNeID"))).to_be_visible()
    page.goto(f"{stack.province_url}/kho-du-lieu/")
    expect(page.get_by_role("link", name="Bản sao giấy khai sinh")).to_be_visible()  # kept
    page.goto(f"{stack.province_url}/tai-khoan/nhat-ky-dang-nhap/")
    expect(page.locator("tbody tr", has_text="Thành công")).to_have_count(2)

    # "Xóa liên kết" of the old account: confirmation, and nothing of the data goes
    page.goto(f"{stack.province_url}/tai-khoan/")
    old = page.locator("dl:has-text('Tài khoản Cổng DVCQG') + p")
    old.get_by_role("link", name=re.compile("Xóa liên kết")).click()
    expect(page.get_by_role("heading", name="Xóa liên kết tài khoản")).to_be_visible()
    page.get_by_role("button", name="Xóa liên kết").click()
    expect(linked.get_by_text("Tài khoản Cổng DVCQG")).to_have_count(0)
    page.goto(f"{stack.province_url}/kho-du-lieu/")
    expect(page.get_by_role("link", name="Bản sao giấy khai sinh")).to_be_visible()


@pytest.fixture
def cutover_portal(stack) -> Iterator[str]:
    """A second portal process with VNEID_ONLY_FROM in the past, registered as its own client."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stack.manage(
        "sandbox",
        "register_client",
        "--client-id",
        "province-cutover",
        "--secret",
        "province-cutover-secret",
        "--name",
        "Cổng Dịch vụ công tỉnh",
        "--redirect-uri",
        f"{base}/sso/callback/",
        "--post-logout-uri",
        f"{base}/",
    )
    env = stack.env("province.settings.local")
    env.update(
        PROVINCE_PORT=str(port),
        PROVINCE_PUBLIC_URL=base,
        NATIONAL_SSO_CLIENT_ID="province-cutover",
        NATIONAL_SSO_CLIENT_SECRET="province-cutover-secret",
        VNEID_ONLY_FROM="2024-07-01",
    )
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", "province.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{base}/")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_after_the_cut_over_only_vneid_signs_in(stack, page: Page, cutover_portal: str):
    go_to_sso(stack, page, cutover_portal)
    sandbox_portal_account_sign_in(stack, page, "116779134", "Dvcqg@2024", "0864954600")
    expect(page.get_by_role("heading", name="THÔNG BÁO TỪ HỆ THỐNG:")).to_be_visible()
    shot(page, "portal-vneid-only-notice")
    page.goto(f"{cutover_portal}/tai-khoan/")
    expect(page.get_by_text("CÔNG DÂN/DOANH NGHIỆP ĐĂNG NHẬP")).to_be_visible()  # not signed in
