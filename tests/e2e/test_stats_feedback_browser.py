"""Statistics on a phone, and anonymous feedback through the captcha and an SMS code."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import latest_otp, shot, sms_count

pytestmark = pytest.mark.browser
PHONE_WIDTH = 375


@pytest.fixture
def small(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_it_shows_the_statistics_on_a_phone(stack, small: Page) -> None:
    small.goto(f"{stack.province_url}/thong-ke/")
    expect(small.get_by_role("heading", name="Thống kê tình hình giải quyết hồ sơ")).to_be_visible()
    chart = small.get_by_role("img", name=re.compile("Số hồ sơ tiếp nhận và giải quyết"))
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= PHONE_WIDTH  # type: ignore[index]
    # nothing but the wide tables (which scroll in their own box) makes the page scroll sideways
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    small.get_by_label("Kỳ thống kê").select_option("thang")
    small.get_by_role("button", name="Xem thống kê").click()
    expect(small.get_by_text(re.compile(r"Kỳ thống kê: từ 01/\d\d/\d{4}"))).to_be_visible()
    small.get_by_role("link", name="Tải CSV Theo cơ quan tiếp nhận").focus()
    shot(small, "stats-phone")


def _captcha_answer(stack, page: Page) -> str:
    key = page.locator("input[name=captcha_0]").get_attribute("value")
    database = stack.var_dir / "province" / "province.sqlite3"
    with sqlite3.connect(database) as db:
        row = db.execute("select response from captcha_captchastore where hashkey = ?", (key,)).fetchone()
    assert row, "captcha not stored"
    return str(row[0])


def test_it_sends_anonymous_feedback_after_the_captcha_and_an_sms_code(stack, small: Page) -> None:
    phone = "0912000111"
    small.goto(f"{stack.province_url}/")
    small.get_by_role("link", name="PHẢN ÁNH KIẾN NGHỊ").click()
    small.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    small.get_by_label("Họ tên", exact=True).fill("Lê Thị Hoa")
    small.get_by_label("Số điện thoại di động (nhận mã xác thực)").fill(phone)
    small.get_by_label("Cơ quan được phản ánh").select_option(index=1)
    small.get_by_label("Tiêu đề").fill("Đề nghị hướng dẫn rõ hơn")
    small.get_by_label("Nội dung phản ánh, kiến nghị").fill("Trang nộp hồ sơ nên ghi rõ giấy tờ bắt buộc.")
    small.get_by_label(re.compile("Tôi đồng ý công khai")).check()
    small.get_by_label("Mã xác thực (chữ trong ảnh)").fill("sai")
    small.get_by_role("button", name="Tiếp tục: nhận mã xác thực").click()
    expect(small.get_by_text("Mã xác thực không đúng.")).to_be_visible()
    before = sms_count(stack, phone)
    small.get_by_label("Mã xác thực (chữ trong ảnh)").fill(_captcha_answer(stack, small))
    small.get_by_role("button", name="Tiếp tục: nhận mã xác thực").click()
    expect(small.get_by_role("heading", name="Xác thực số điện thoại")).to_be_visible()
    expect(small.get_by_text("091****111")).to_be_visible()
    small.get_by_label("Mã xác thực đã gửi qua SMS").fill(latest_otp(stack, phone, after=before))
    small.get_by_role("button", name="Xác nhận và gửi phản ánh").click()
    expect(small.get_by_text(re.compile(r"Đã gửi phản ánh PA\w{8}"))).to_be_visible()
    expect(small.get_by_role("heading", name="Đề nghị hướng dẫn rõ hơn")).to_be_visible()
    expect(small.get_by_text("Chờ trả lời")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    shot(small, "feedback-sent-phone")
