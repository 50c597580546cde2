"""The submission wizard in a real browser: the demo citizen submits a birth registration
online, from choosing the agency to the receipt, then looks the dossier up anonymously."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF
from playwright.sync_api import Browser, Page, expect

from .conftest import shot
from .test_portal_signin import start_sign_in, vneid_password

pytestmark = pytest.mark.browser
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh
CODE_RE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}")
PHONE_WIDTH = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def small_pdf(path: Path, text: str) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    pdf.output(str(path))
    return path


def phone_shot(page: Page, name: str) -> None:
    page.set_viewport_size(PHONE_WIDTH)
    shot(page, name)
    page.set_viewport_size(DESKTOP)


def submitted_codes(stack, page: Page) -> list[str]:
    page.goto(f"{stack.province_url}/tai-khoan/ho-so/")
    return sorted(set(CODE_RE.findall(page.content())))


def test_it_submits_a_dossier_through_every_step_and_finds_it_by_lookup(stack, page: Page, browser: Browser, tmp_path):
    declaration = small_pdf(tmp_path / "to-khai-khai-sinh.pdf", "To khai dang ky khai sinh")
    certificate = small_pdf(tmp_path / "giay-chung-sinh.pdf", "Giay chung sinh")
    program = tmp_path / "to-khai.pdf"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)  # an executable named .pdf

    start_sign_in(stack, page)
    vneid_password(stack, page)
    page.wait_for_url(f"{stack.province_url}/tai-khoan/")
    before = submitted_codes(stack, page)

    # a document in the personal data store, to reuse in the submission
    page.goto(f"{stack.province_url}/kho-du-lieu/")
    page.get_by_label("Tên giấy tờ").fill("Giấy chứng sinh của con")
    page.get_by_label(re.compile(r"^Tệp \(PDF")).set_input_files(str(certificate))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_text("Giấy chứng sinh của con").first).to_be_visible()

    # 1. the procedure and the receiving agency
    page.goto(f"{stack.province_url}/nop-ho-so/{PROCEDURE}/")
    expect(page.get_by_role("heading", name="Chọn thủ tục")).to_be_visible()
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(index=1)
    shot(page, "wizard-1-procedure")
    page.get_by_role("button", name=re.compile("Bắt đầu nộp hồ sơ|Tiếp tục hồ sơ nháp")).click()

    # 2. the applicant: identity fields are shown, not editable; contact prefilled
    expect(page.get_by_role("heading", name="Thông tin người nộp")).to_be_visible()
    expect(page.get_by_text("NGUYỄN VĂN AN").first).to_be_visible()
    expect(page.get_by_label("Số điện thoại di động")).to_have_value("0912345678")
    shot(page, "wizard-2-applicant")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 3. the e-form: a name with a digit is refused, then corrected
    expect(page.get_by_role("heading", name="Biểu mẫu điện tử")).to_be_visible()
    expect(page.get_by_label(re.compile("^Số định danh"))).to_have_count(0)  # the identity gives it
    page.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Nguyễn Minh 2")
    page.get_by_label("Ngày, tháng, năm sinh").fill("2026-03-01")
    page.get_by_label("Giới tính").select_option("nam")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Hưng Yên")
    page.get_by_label("Dân tộc").fill("Kinh")
    page.get_by_label("Quốc tịch").fill("Việt Nam")
    page.get_by_label("Quan hệ với người được đăng ký").select_option("cha")
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_text(re.compile("không được chứa chữ số")).first).to_be_visible()
    expect(page.get_by_label("Họ, chữ đệm, tên người được khai sinh")).to_have_attribute("aria-invalid", "true")
    phone_shot(page, "wizard-3-eform-error-375px")
    page.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Nguyễn Minh Khôi")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 4. documents: a program named .pdf is refused, a real PDF and a data-store pick pass
    expect(page.get_by_role("heading", name="Giấy tờ")).to_be_visible()
    declaration_input = page.get_by_label(re.compile(r"^Tờ khai đăng ký khai sinh"))
    declaration_input.set_input_files(str(program))
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_text("Chỉ chấp nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX.").first).to_be_visible()
    shot(page, "wizard-4-documents-refused")
    declaration_input.set_input_files(str(declaration))
    page.locator("select[name^='store-']").nth(1).select_option(label="Giấy chứng sinh của con")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 5. how to receive the result
    expect(page.get_by_role("heading", name="Hình thức nhận kết quả")).to_be_visible()
    page.get_by_label("Nhận tại cơ quan").check()
    shot(page, "wizard-5-delivery")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 6. review, then submit
    expect(page.get_by_role("heading", name="Xem lại và nộp")).to_be_visible()
    expect(page.get_by_text("Nguyễn Minh Khôi")).to_be_visible()
    expect(page.get_by_text("to-khai-khai-sinh.pdf")).to_be_visible()
    phone_shot(page, "wizard-6-review-375px")
    review_url = page.url
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", name="Nộp hồ sơ thành công")).to_be_visible()
    found = CODE_RE.search(page.content())
    assert found, "the success page shows the dossier code"
    code = found.group(0)
    shot(page, "wizard-7-submitted")

    receipt = page.get_by_role("link", name=re.compile("Giấy tiếp nhận hồ sơ"))
    response = page.request.get(f"{stack.province_url}{receipt.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # the back button and a second click on "Nộp hồ sơ" never make a second dossier
    page.goto(review_url)
    expect(page.get_by_role("heading", name="Nộp hồ sơ thành công")).to_be_visible()
    assert code in page.content()
    page.go_back()
    page.go_back()
    submit_again = page.get_by_role("button", name="Nộp hồ sơ")
    if submit_again.count():
        submit_again.click()
        expect(page.get_by_role("heading", name="Nộp hồ sơ thành công")).to_be_visible()
    after = submitted_codes(stack, page)
    assert sorted({*before, code}) == after

    # anyone can look it up with the code and the last four digits of the phone
    anonymous = browser.new_context(locale="vi-VN", viewport=PHONE_WIDTH, is_mobile=True)
    try:
        lookup = anonymous.new_page()
        lookup.goto(f"{stack.province_url}/tra-cuu-ho-so/")
        lookup.get_by_label("Mã hồ sơ").fill(code)
        lookup.get_by_label("4 số cuối điện thoại của người nộp").fill("0000")
        lookup.get_by_role("button", name="Tra cứu").click()
        expect(lookup.get_by_text("Không tìm thấy hồ sơ")).to_be_visible()
        lookup.get_by_label("4 số cuối điện thoại của người nộp").fill("5678")
        lookup.get_by_role("button", name="Tra cứu").click()
        expect(lookup.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
        expect(lookup.get_by_text("Mới đăng ký").first).to_be_visible()
        assert "NGUYỄN VĂN AN" not in lookup.content()
        shot(lookup, "wizard-8-lookup-375px")
    finally:
        anonymous.close()
