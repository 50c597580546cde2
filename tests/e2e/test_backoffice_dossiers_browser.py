"""Issue 7 in a real browser: a demo dossier submitted by NGUYỄN VĂN AN (seeded through the
services by ``seed_dossiers``) is received at the Sở Tư pháp, sent back for a supplement
that the citizen answers, processed, approved and returned with a result; the citizen
sees each status change on their dossier page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import latest_otp, shot, sms_count

pytestmark = pytest.mark.browser
PASSWORD = "Motcua@2024"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _new_page(browser: Browser) -> Page:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    return page


def _officer(stack, browser: Browser, username: str, phone: str) -> Page:
    page = _new_page(browser)
    page.goto(f"{stack.province_url}/motcua/dang-nhap/")
    before = sms_count(stack, phone)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, phone, after=before))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Trang làm việc")).to_be_visible()
    return page


def _citizen(stack, browser: Browser) -> Page:
    page = _new_page(browser)
    page.goto(f"{stack.province_url}/tai-khoan/")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    before = sms_count(stack, "0912345678")
    page.get_by_label("Số định danh cá nhân").fill("001099012345")
    page.get_by_label("Mật khẩu").fill("Vneid@2024")
    page.get_by_role("button", name="Đăng nhập").first.click()
    page.get_by_label("Mã OTP").fill(latest_otp(stack, "0912345678", after=before))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(re.escape(stack.province_url)))
    return page


def _act(page: Page, stack, code: str, action: str) -> None:
    page.goto(f"{stack.province_url}/motcua/ho-so/{code}/")
    page.locator("summary", has_text=action).click()


def test_a_dossier_is_received_supplemented_processed_and_returned(stack, browser: Browser):
    lan = _officer(stack, browser, "lan.tuphap", "0987000005")
    lan.get_by_role("link", name="Hồ sơ của đơn vị").first.click()
    expect(lan.get_by_role("heading", name="Chờ tiếp nhận")).to_be_visible()
    shot(lan, "backoffice-dossier-queue")
    lan.locator("table a").first.click()
    code = lan.locator("h1").inner_text().replace("Hồ sơ", "").strip()

    lan.locator("summary", has_text="Tiếp nhận hồ sơ").click()
    lan.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(lan.locator("#dossier-status")).to_have_text("Được tiếp nhận")

    lan.locator("summary", has_text="Yêu cầu bổ sung hồ sơ").click()
    lan.get_by_label("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)").fill("Bản sao Giấy khai sinh")
    lan.get_by_label("Hạn bổ sung").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    lan.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    expect(lan.locator("#dossier-status")).to_have_text("Yêu cầu bổ sung giấy tờ")

    citizen = _citizen(stack, browser)
    citizen.goto(f"{stack.province_url}/tai-khoan/ho-so/{code}/")
    expect(citizen.get_by_text("Bản sao Giấy khai sinh").first).to_be_visible()
    citizen.get_by_label("Giấy tờ bổ sung (PDF, JPEG, PNG, DOCX, XLSX)").set_input_files(
        files=[{"name": "khai-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    citizen.get_by_role("button", name="Gửi bổ sung").click()
    citizen.goto(f"{stack.province_url}/tai-khoan/ho-so/{code}/")
    expect(citizen.get_by_text("Được tiếp nhận").first).to_be_visible()

    _act(lan, stack, code, "Chuyển xử lý")
    lan.get_by_label("Cán bộ xử lý").select_option(label="NGUYỄN VĂN AN (an.tuphap, Chuyên viên xử lý)")
    lan.get_by_role("button", name="Chuyển xử lý").click()
    expect(lan.locator("#dossier-status")).to_have_text("Đang xử lý")

    an = _officer(stack, browser, "an.tuphap", "0912345678")
    _act(an, stack, code, "Trình phê duyệt")
    an.get_by_role("button", name="Trình phê duyệt").click()
    hung = _officer(stack, browser, "hung.tuphap", "0987000006")
    _act(hung, stack, code, "Phê duyệt, xử lý xong")
    hung.get_by_role("button", name="Phê duyệt, xử lý xong").click()
    expect(hung.locator("#dossier-status")).to_have_text("Đã xử lý xong")

    _act(lan, stack, code, "Trả kết quả")
    lan.get_by_label("Tệp văn bản kết quả").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    lan.get_by_label("Tên văn bản").fill("Phiếu lý lịch tư pháp số 1")
    lan.get_by_label("Số ký hiệu").fill("125/PLLTP")
    lan.get_by_label("Người ký").fill("PHAN VĂN HÙNG")
    lan.get_by_label("Ngày ký").fill(dt.date.today().isoformat())
    lan.get_by_role("button", name="Trả kết quả").click()
    expect(lan.locator("#dossier-status")).to_have_text("Đã trả kết quả")
    shot(lan, "backoffice-dossier-returned")

    # on a phone the pages fit the screen: the wide tables scroll inside their cards
    lan.set_viewport_size({"width": 390, "height": 844})
    for path in (f"/motcua/ho-so/{code}/", "/motcua/ho-so/", "/motcua/nhat-ky-dang-nhap/"):
        lan.goto(f"{stack.province_url}{path}")
        assert lan.evaluate("document.documentElement.scrollWidth") <= 390, path

    citizen.goto(f"{stack.province_url}/tai-khoan/ho-so/{code}/")
    expect(citizen.get_by_text("Đã trả kết quả").first).to_be_visible()
    expect(citizen.get_by_role("link", name="ket-qua.pdf")).to_be_visible()
    shot(citizen, "portal-dossier-returned")
